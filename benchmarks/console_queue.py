"""How long the console takes to render a queue page holding 50,000 reports, on PostgreSQL.

    python -m benchmarks.console_queue [--reports 50000] [--rounds 60]

Fills a schema of its own in the database of ANTENNA_TEST_POSTGRES_URL (default: the tests'
local PostgreSQL), signs an operator in, and times whole requests through the ASGI app: the
query, the count, the service levels of each row and the Jinja2 rendering. Prints p50 and p95
per page (goal: p95 at most 200 ms), then drops the schema.
"""

import argparse
import random
import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import insert, text

from benchmarks.scratch_database import scratch_database
from bot.db.database import Database
from bot.db.models import Person, Report, ReportCase
from bot.services import accounts
from bot.services.operator_setup import OperatorSetup
from bot.settings import Settings
from bot.web.console import router
from bot.web.console.state import ConsoleState

QUEUE = "anziani_disabilita"
TOWNS = ("Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera", None)
WORDS = (
    "mia madre vive sola e non riesce più a fare la spesa",
    "il vicino anziano non esce di casa da giorni",
    "serve una carrozzina per mio padre dopo l'operazione",
    "non ce la faccio più ad assisterla da solo",
    "cerco un centro diurno vicino a casa",
    "la badante se ne è andata e mia nonna è sola",
)
PAGES = {
    "queue, open reports": f"/console/queues/{QUEUE}",
    "queue, page 20": f"/console/queues/{QUEUE}?page=20",
    "town and category": f"/console/queues/{QUEUE}?comune=Bruino&category=disability",
    "all statuses, dates": f"/console/queues/{QUEUE}?status=all&since=2026-03-01&until=2026-06-30",
    "search in the texts": f"/console/queues/{QUEUE}?search=carrozzina",
    "dashboard": "/console",
}
PASSWORD = "benchmark-password"


def fill(database: Database, count: int, now: datetime) -> None:
    rng = random.Random(7)
    with database.unit_of_work() as session:
        operator = accounts.create_user(
            session,
            username="anna",
            display_name="Anna",
            role=accounts.OPERATOR,
            password=PASSWORD,
            queues=[QUEUE],
        )
        people = [Person(channel="telegram", pseudonym=f"p{n}", address=f"{n}") for n in range(500)]
        session.add_all(people)
        session.flush()
        person_ids = [person.id for person in people]
        operator_id = operator.id
    batch: list[dict[str, Any]] = []
    for number in range(1, count + 1):
        created = now - timedelta(minutes=rng.randint(1, 365 * 24 * 60))
        status = rng.choices(("new", "taken", "closed"), weights=(2, 3, 5))[0]
        batch.append(
            {
                "reference": f"B{number:07d}",
                "person_id": rng.choice(person_ids),
                "text": f"{rng.choice(WORDS)} ({number})",
                "category": rng.choice(("elderly_care", "disability")),
                "urgency": rng.choices(("high", "medium", "low"), weights=(1, 6, 3))[0],
                "comune": rng.choice(TOWNS),
                "kind": "report",
                "queue": QUEUE,
                "status": status,
                "photo_file_ids": [],
                "created_at": created,
                "updated_at": created,
                "taken_at": created + timedelta(hours=2) if status != "new" else None,
                "closed_at": created + timedelta(days=3) if status == "closed" else None,
            }
        )
        if len(batch) == 5000:
            _insert(database, batch, operator_id)
            batch = []
    if batch:
        _insert(database, batch, operator_id)
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def _insert(database: Database, rows: list[dict[str, Any]], operator_id: int) -> None:
    with database.unit_of_work() as session:
        ids = session.scalars(
            insert(Report).returning(Report.id, sort_by_parameter_order=True), rows
        )
        cases = [
            {"report_id": report_id, "operator_id": operator_id, "alerts_sent": 1}
            for report_id, row in zip(ids, rows, strict=True)
            if row["status"] != "new"
        ]
        session.execute(insert(ReportCase), cases)


def sign_in(client: TestClient) -> None:
    page = client.get("/console/login").text
    token = re.search(r'name="login_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/console/login",
        data={"username": "anna", "password": PASSWORD, "login_token": token[1]},
    )
    assert response.status_code == 303, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=60)
    args = parser.parse_args()
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    setup = OperatorSetup.load(Settings(demo_data=False, pseudonym_key="bench"))
    with scratch_database(postgres=True) as database:
        started = time.perf_counter()
        fill(database, args.reports, now)
        print(f"{args.reports} reports written in {time.perf_counter() - started:.1f} s")
        app = FastAPI()
        app.state.console = ConsoleState.build(database, setup, timers=False, clock=lambda: now)
        app.include_router(router)
        with TestClient(app, follow_redirects=False) as client:
            sign_in(client)
            for name, path in PAGES.items():
                client.get(path)  # warm the caches and the query plans
                timings = []
                for _ in range(args.rounds):
                    before = time.perf_counter()
                    response = client.get(path)
                    timings.append((time.perf_counter() - before) * 1000)
                    assert response.status_code == 200, (path, response.status_code)
                timings.sort()
                p95 = timings[max(0, round(len(timings) * 0.95) - 1)]
                print(
                    f"{name:24} p50 {statistics.median(timings):6.1f} ms   p95 {p95:6.1f} ms   "
                    f"worst {timings[-1]:6.1f} ms   (goal: p95 ≤ 200 ms)"
                )


if __name__ == "__main__":
    main()
