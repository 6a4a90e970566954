"""kill -9 of the sender in the middle of a 1,000-message broadcast, then a restart."""

import random
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.db.database import Database
from bot.delivery.worker import WorkerOptions
from bot.messages import OutgoingMessage
from bot.services.outbox import enqueue
from tests.channels.outbox_rows import rows, statuses
from tests.channels.sender_process import SenderProcess, database_url
from tests.standins.telegram_bot_api import TOKEN, Flood, TelegramBotApi

RECIPIENTS = 1000
FIRST_CHAT = 700_000


def broadcast(db: Database) -> None:
    message = OutgoingMessage(text="Sabato alle 15 festa di quartiere in piazza: vieni anche tu!")
    with db.unit_of_work() as session:
        for n in range(RECIPIENTS):
            enqueue(
                session,
                None,
                "telegram",
                str(FIRST_CHAT + n),
                message,
                priority=10,
                dedupe_key=f"festa:{n}",
            )


def wait_until(condition, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.005)


def test_after_kill_9_and_a_restart_nobody_gets_the_broadcast_twice(
    db: Database, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    schema = (
        request.getfixturevalue("postgres_schema")
        if db.engine.dialect.name == "postgresql"
        else None
    )
    broadcast(db)
    # Fast enough for a test; the exactly-once question is the same at 30 messages a second.
    with TelegramBotApi(flood=Flood(messages_per_second=400)) as api:
        env = {
            "DATABASE_URL": database_url(db, schema),
            "DATA_DIR": str(tmp_path / "var"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": api.base_url,
            "TELEGRAM_BASE_FILE_URL": api.base_file_url,
            "TELEGRAM_MESSAGES_PER_SECOND": "100",
            # Loopback calls last milliseconds: a short lease lets the test end soon.
            "DELIVERY_LEASE_SECONDS": "3",
        }
        first = SenderProcess(env, tmp_path / "sender.log")
        first.start()
        try:
            kill_at = random.randint(250, 650)
            wait_until(lambda: len(api.sent) >= kill_at, 60, f"{kill_at} messages")
        finally:
            first.kill()
        assert len(api.sent) < RECIPIENTS

        second = SenderProcess(env, tmp_path / "sender.log")
        second.start()
        try:
            wait_until(
                lambda: not ({"pending", "sending"} & set(statuses(db).values())),
                90,
                "the outbox to settle",
            )
        finally:
            assert second.stop() == 0

        per_chat = Counter(message.chat_id for message in api.sent)
    by_row = {row.id: row for row in rows(db).values()}
    final = Counter(row.status for row in by_row.values())
    assert max(per_chat.values()) == 1, "someone got the broadcast twice"
    assert final["sent"] + final["uncertain"] == RECIPIENTS
    for row in by_row.values():
        if row.status == "sent":
            assert per_chat[int(row.address)] == 1
    # Only a row caught between its claim and its record is uncertain: one of those in flight
    # when the sender died, never a batch. Its person got it once, or (if the call had not
    # left yet) not at all; the benchmark delivery_crash.py measures how often each happens.
    assert final["uncertain"] <= WorkerOptions().max_in_flight
    missing = RECIPIENTS - len(per_chat)
    assert missing <= final["uncertain"]
