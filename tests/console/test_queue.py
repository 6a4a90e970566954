"""A queue page: the urgent first, then the oldest; filters and search narrow it down."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from bot.db.database import Database
from bot.services.operator_setup import OperatorSetup
from tests.console.conftest import sign_in
from tests.operators import factories
from tests.operators.factories import TUESDAY_10

_REFERENCE = re.compile(r'<a href="/console/reports/\d+">(\d{4}-\d{4})</a>')


def references(html: str) -> list[str]:
    return _REFERENCE.findall(html)


def seed(db: Database, setup: OperatorSetup) -> dict[str, str]:
    with db.unit_of_work() as session:
        who = factories.person(session)
        rows = {
            "old_low": factories.report(
                session, setup, who, "Serve un passaggio per la visita", urgency="low",
                now=TUESDAY_10 - timedelta(days=3),
            ),
            "new_high": factories.report(
                session, setup, who, "Mio padre è caduto e non si alza", urgency="high",
                comune="Bruino", now=TUESDAY_10 - timedelta(hours=1),
            ),
            "old_medium": factories.report(
                session, setup, who, "La signora del piano di sopra non esce da giorni",
                category="elderly_care", now=TUESDAY_10 - timedelta(days=2),
            ),
            "recent_medium": factories.report(
                session, setup, who, "Ha bisogno di una carrozzina", category="disability",
                comune="Volvera", now=TUESDAY_10 - timedelta(hours=5),
            ),
        }  # fmt: skip
        factories.user(session, "anna", queues=("anziani_disabilita", "reperibilita"))
        return {name: report.reference for name, report in rows.items()}


def test_urgent_first_then_the_oldest(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    refs = seed(db, setup)
    sign_in(client, "anna")
    html = client.get("/console/queues/tutte").text
    assert references(html) == [
        refs["new_high"],
        refs["old_medium"],
        refs["recent_medium"],
        refs["old_low"],
    ]


def test_filters_and_search(client: TestClient, db: Database, setup: OperatorSetup) -> None:
    refs = seed(db, setup)
    sign_in(client, "anna")

    def listed(query: str) -> list[str]:
        return references(client.get(f"/console/queues/anziani_disabilita?{query}").text)

    assert listed("comune=Volvera") == [refs["recent_medium"]]
    assert listed("category=disability") == [refs["recent_medium"]]
    assert listed("search=carrozzina") == [refs["recent_medium"]]
    assert listed(f"search={refs['old_low']}") == [refs["old_low"]]
    # 28 November, three days before: only the oldest.
    assert listed("since=2026-11-28&until=2026-11-28") == [refs["old_low"]]
    assert listed("status=closed") == []
    assert listed("search=100%25") == []
    # Something the page cannot read is ignored, not an error.
    assert listed("since=ieri") == [refs["old_medium"], refs["recent_medium"], refs["old_low"]]


def test_the_dashboard_counts_what_waits_and_what_is_late(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    refs = seed(db, setup)
    sign_in(client, "anna")
    html = client.get("/console").text
    # The urgent report went to the on-call queue: one late there, one late here.
    assert "3 da prendere" in html and html.count("1 in ritardo") == 2
    # On Wednesday at 10: the urgent one waited more than 15 minutes; Sunday's medium one
    # counted Monday and Tuesday; the other medium one has until Wednesday evening, and the
    # low one until Friday.
    late = references(client.get("/console/late").text)
    assert late == [refs["old_medium"], refs["new_high"]]
