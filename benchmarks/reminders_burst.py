"""10,000 event reminders due in the same minute, through the Telegram stand-in at 30 messages/s.

Three processes, as in a deployment: this one (the Telegram Bot API stand-in, which enforces the
flood limits with real 429 answers, and the seeding), the campaign timer (`python -m
bot.scheduling`), and the Telegram delivery worker (`python -m bot.delivery telegram`). The event
starts tomorrow, a few seconds later than the time it is now, so that the day-before reminder
of all its participants falls due at once.

Prints: the time from the reminders falling due to the last one delivered, against 10% over the
platform's minimum (people / 30 s); messages delivered twice; 429 answers; the timer process's
peak RSS. Exits non-zero when a goal is missed.

    PYTHONPATH=. /work/venv/bin/python benchmarks/reminders_burst.py [--people 10000] [--postgres]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Event, OutboxMessage, Person, Registration
from bot.services.wall_clock import instant_at
from tests.standins.telegram_bot_api import TOKEN, TelegramBotApi

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "ANTENNA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PLATFORM_RATE = 30
ROME = ZoneInfo("Europe/Rome")
DUE_IN = timedelta(seconds=20)
RSS_LIMIT_MB = 200


def seed(database: Database, people: int, starts_at: datetime) -> None:
    consent = datetime(2026, 1, 1, tzinfo=UTC)
    with database.unit_of_work() as session:
        event_id = session.scalar(
            insert(Event)
            .values(
                kind="focus_group",
                title="Assemblea di quartiere",
                comune="Orbassano",
                venue="Sala consiliare",
                starts_at=starts_at,
                capacity=people,
                created_at=consent,
            )
            .returning(Event.id)
        )
        for start in range(0, people, 2000):
            chunk = range(start + 1, min(start + 2000, people) + 1)
            ids = session.scalars(
                insert(Person)
                .values(
                    [
                        {
                            "channel": "telegram",
                            "pseudonym": f"bench-{number}",
                            "address": str(700_000 + number),
                            "language": "it",
                            "comune": "Orbassano",
                            "consent_at": consent,
                            "template_opt_in": False,
                            "weekly_checkin": False,
                            "created_at": consent,
                        }
                        for number in chunk
                    ]
                )
                .returning(Person.id)
            ).all()
            session.execute(
                insert(Registration).values(
                    [
                        {
                            "event_id": event_id,
                            "person_id": person_id,
                            "status": "confirmed",
                            "created_at": consent,
                            "updated_at": consent,
                        }
                        for person_id in ids
                    ]
                )
            )


class RssWatch:
    """The peak resident memory of a child process, read from /proc while it runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _read(self, field: str) -> int:
        try:
            for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                if line.startswith(field):
                    return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kb = max(self.peak_kb, self._read("VmHWM:"), self._read("VmRSS:"))

    def stop(self) -> int:
        self.peak_kb = max(self.peak_kb, self._read("VmHWM:"))
        self._stop.set()
        self._thread.join()
        return self.peak_kb


def child(module: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", *module],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="default: a SQLite file")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="reminders-burst-"))
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    if args.postgres:
        admin = Database(POSTGRES_URL)
        with admin.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        database = Database(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    else:
        url = f"sqlite:///{workdir / 'antenna.db'}"
        database = Database(url)
    upgrade(database.engine)

    due_at = datetime.now(UTC) + DUE_IN
    # The stand-in stamps each message with time.monotonic(): the due moment on the same clock.
    due_monotonic = time.monotonic() + DUE_IN.total_seconds()
    # The day-before reminder falls due at the same wall-clock time, a day ahead of the start.
    local = due_at.astimezone(ROME)
    seed(database, args.people, instant_at(local.date() + timedelta(days=1), local.time(), ROME))
    print(f"{args.people} people booked; their reminders fall due at {due_at:%H:%M:%S} UTC")

    env = {
        "DATABASE_URL": url,
        "DATA_DIR": str(workdir),
        "PSEUDONYM_KEY": "benchmark",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        # Whatever the hour the benchmark runs at: no quiet hours.
        "QUIET_HOURS_START": "00:00",
        "QUIET_HOURS_END": "00:00",
        "SCHEDULER_INTERVAL_SECONDS": "5",
    }
    deadline = args.people / PLATFORM_RATE * 1.10
    with TelegramBotApi() as telegram:
        env["TELEGRAM_BASE_URL"] = telegram.base_url
        env["TELEGRAM_BASE_FILE_URL"] = telegram.base_file_url
        sender = child(["bot.delivery", "telegram"], env, workdir / "delivery.log")
        timer = child(["bot.scheduling"], env, workdir / "scheduling.log")
        rss = RssWatch(timer.pid)
        try:
            give_up = due_monotonic + deadline * 2
            while len(telegram.sent) < args.people and time.monotonic() < give_up:
                if sender.poll() is not None or timer.poll() is not None:
                    print(f"a process stopped; see the logs in {workdir}")
                    break
                time.sleep(0.5)
            # A little longer, so that a message sent twice would have time to show.
            time.sleep(3)
        finally:
            peak_kb = rss.stop()
            stop(timer)
            stop(sender)
        sent = telegram.sent
        too_many = telegram.too_many_requests

    per_chat = Counter(message.chat_id for message in sent)
    twice = sum(1 for count in per_chat.values() if count > 1)
    with database.unit_of_work() as session:
        statuses = dict(
            session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
    database.dispose()
    if args.postgres:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    first_at = min((message.at for message in sent), default=due_monotonic)
    last_at = max((message.at for message in sent), default=due_monotonic)
    from_due = last_at - due_monotonic
    window = last_at - first_at
    minimum = args.people / PLATFORM_RATE
    print(f"backend: {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(f"delivered: {len(per_chat)} of {args.people} people, {len(sent)} messages")
    print(f"sent twice: {twice}")
    print(f"outbox: {dict(sorted(statuses.items()))}")
    print(f"429 answers: {too_many}")
    print(f"platform minimum: {minimum:.1f} s; goal: at most {deadline:.1f} s")
    print(f"from due to last delivered: {from_due:.1f} s ({from_due / minimum:.1%} of the minimum)")
    print(f"first to last delivered: {window:.1f} s ({len(sent) / max(window, 1e-9):.1f} msg/s)")
    print(f"campaign timer peak RSS: {peak_kb / 1024:.1f} MB (goal: under {RSS_LIMIT_MB} MB)")
    ok = (
        len(per_chat) == args.people
        and twice == 0
        and from_due <= deadline
        and peak_kb / 1024 < RSS_LIMIT_MB
    )
    print("all goals met" if ok else f"a goal was missed; logs in {workdir}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
