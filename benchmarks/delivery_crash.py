"""kill -9 of the Telegram sender, again and again, during one broadcast at Telegram's 30/s.

The sender is `python -m bot.delivery telegram`, a real child process. It is killed with SIGKILL
at random moments of a broadcast to `--people` chats (after a random number of messages, at a
random point before the next one), restarted each time, and at the end left to finish and
stopped gracefully. The stand-in records every message it accepted.

Prints, over all the kills: messages delivered twice (goal 0), rows left `uncertain` (caught
between their claim and their record), and how many of those the person got anyway (the
request had left) or never got (it had not): "lost" is the price of never sending twice.

    PYTHONPATH=. /work/venv/bin/python benchmarks/delivery_crash.py [--kills 10] [--postgres]
"""

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert, select

from benchmarks.scratch_database import scratch_database
from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.messages import OutgoingMessage
from bot.services.outbox import to_payload
from tests.channels.sender_process import SenderProcess
from tests.standins.telegram_bot_api import TOKEN, TelegramBotApi

FIRST_CHAT = 20_000_000
LEASE_SECONDS = 3


def seed(database: Database, people: int) -> None:
    payload = to_payload(OutgoingMessage(text="Domenica mercatino del riuso in piazza."))
    with database.unit_of_work() as session:
        session.execute(
            insert(OutboxMessage),
            [
                {
                    "channel": "telegram",
                    "address": str(FIRST_CHAT + n),
                    "payload": payload,
                    "priority": 10,
                }
                for n in range(people)
            ],
        )


def statuses(database: Database) -> dict[str, str]:
    with database.unit_of_work() as session:
        rows = session.execute(select(OutboxMessage.address, OutboxMessage.status))
        return {address: status for address, status in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="delivery-crash-"))
    with scratch_database(args.postgres) as database:
        return run(args, workdir, database)


def run(args: argparse.Namespace, workdir: Path, database: Database) -> int:
    url = database.url
    seed(database, args.people)

    # The kills fall at random moments between 5% and 95% of the broadcast, in order.
    kill_points = sorted(
        random.sample(range(args.people // 20, args.people * 19 // 20), args.kills)
    )
    with TelegramBotApi() as api:
        env = {
            "DATABASE_URL": url,
            "DATA_DIR": str(workdir / "var"),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": api.base_url,
            "TELEGRAM_BASE_FILE_URL": api.base_file_url,
            "DELIVERY_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        log = workdir / "sender.log"
        for point in kill_points:
            sender = SenderProcess(env, log)
            sender.start()
            try:
                while len(api.sent) < point:
                    time.sleep(0.002)
                # Anywhere between two sends, not just after one arrived.
                time.sleep(random.uniform(0, 1 / 30))
            finally:
                sender.kill()
        sender = SenderProcess(env, log)
        sender.start()
        try:
            while {"pending", "sending"} & set(statuses(database).values()):
                time.sleep(0.5)
        finally:
            sender.stop()
        per_chat = Counter(message.chat_id for message in api.sent)
        too_many = api.too_many_requests

    final = statuses(database)

    uncertain = [address for address, status in final.items() if status == "uncertain"]
    reached = sum(1 for address in uncertain if per_chat[int(address)] == 1)
    lost = args.people - len(per_chat)
    duplicated = sum(count - 1 for count in per_chat.values() if count > 1)
    counts = Counter(final.values())

    print(f"database:            {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(
        f"broadcast:           {args.people} messages, sender killed with SIGKILL "
        f"{args.kills} times and restarted"
    )
    print(f"final statuses:      {dict(counts)}")
    print(f"delivered twice:     {duplicated} (goal 0)")
    print(
        f"uncertain rows:      {len(uncertain)} ({len(uncertain) / args.kills:.2f} a kill): "
        f"{reached} got it once anyway, {len(uncertain) - reached} never got it"
    )
    print(f"lost:                {lost} ({lost / args.kills:.2f} a kill)")
    print(f"429 answers:         {too_many} (a restart meets the last second's count)")
    ok = duplicated == 0 and lost <= len(uncertain)
    print("never twice: yes" if ok else "GOAL MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
