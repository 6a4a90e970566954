"""A 3,000-message broadcast through the Telegram stand-in at 30 messages/s, while citizens write.

Two processes, as in a deployment: this one (the Telegram Bot API stand-in, which enforces
Telegram's flood limits with real 429 answers, and the seeding) and `antenna serve`, which polls
the stand-in, runs the real engine and NLU, and delivers the outbox in its own thread. The
broadcast is 3,000 outbox rows for 3,000 people, written at once; during it, citizens write
"ciao" (a new person each, every 15 s) and wait for the bot's answer.

Prints: the broadcast's achieved rate against the cap (goal: at least 95%), messages lost and
duplicated, 429 answers after the first, and each citizen's reply latency, from the moment the
update is available to the moment the stand-in receives the answer (goal: at most 2 s). Exits
non-zero when a goal is missed.

    PYTHONPATH=. /work/venv/bin/python benchmarks/delivery_telegram.py [--people 3000] [--postgres]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import insert

from benchmarks.scratch_database import scratch_database
from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.messages import OutgoingMessage
from bot.services.outbox import to_payload
from tests.standins.telegram_bot_api import TOKEN, TelegramBotApi

ROOT = Path(__file__).resolve().parents[1]
CAP = 30
FIRST_CHAT = 10_000_000
CITIZEN = 9_000_000
WRITE_EVERY = 15.0
ANNOUNCEMENT = OutgoingMessage(
    text="Sabato 14 alle 15, in piazza a Orbassano, c'è la festa dei vicini. Ti aspettiamo!\n"
    "Per non ricevere più avvisi scrivi STOP."
)


def seed(database: Database, people: int) -> None:
    payload = to_payload(ANNOUNCEMENT)
    rows = [
        {
            "channel": "telegram",
            "address": str(FIRST_CHAT + n),
            "payload": payload,
            "priority": 10,
            "dedupe_key": f"festa-vicini:{n}",
        }
        for n in range(people)
    ]
    with database.unit_of_work() as session:
        session.execute(insert(OutboxMessage), rows)


def start_serve(env: dict[str, str], log_path: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from bot.cli import main; sys.exit(main())",
            "serve",
            "--port",
            "0",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    ready = threading.Event()

    def copy_output() -> None:
        assert process.stdout is not None
        with log_path.open("w", encoding="utf-8") as log:
            for line in process.stdout:
                log.write(line)
                if "is ready" in line:
                    ready.set()
        ready.set()

    threading.Thread(target=copy_output, daemon=True).start()
    if not ready.wait(300) or process.poll() is not None:
        raise SystemExit(f"antenna serve did not start: see {log_path}")
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL instead of SQLite")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="delivery-bench-"))
    with scratch_database(args.postgres) as database:
        return run(args, workdir, database)


def run(args: argparse.Namespace, workdir: Path, database: Database) -> int:
    url = database.url

    with TelegramBotApi() as api:
        env = {
            "DATABASE_URL": url,
            "DATA_DIR": str(workdir / "var"),
            "DEMO_DATA": "false",
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_BASE_URL": api.base_url,
            "TELEGRAM_BASE_FILE_URL": api.base_file_url,
        }
        serve = start_serve(env, workdir / "serve.log")
        try:
            while "getUpdates" not in api.calls:
                time.sleep(0.05)
            seed(database, args.people)
            started = time.monotonic()
            latencies = citizens_write_during(api, args.people, started)
            broadcast = [m for m in api.sent if m.chat_id >= FIRST_CHAT]
        finally:
            serve.terminate()
            serve.wait(60)
        too_many = api.too_many_requests


    per_chat = Counter(message.chat_id for message in broadcast)
    lost = args.people - len(per_chat)
    duplicated = sum(count - 1 for count in per_chat.values() if count > 1)
    span = broadcast[-1].at - broadcast[0].at
    # Everything that went out in the broadcast's span counts against the cap, replies too.
    total = [m for m in api.sent if broadcast[0].at <= m.at <= broadcast[-1].at]
    rate = (len(total) - 1) / span
    broadcast_rate = (len(broadcast) - 1) / span
    after_first = max(0, too_many - 1)
    worst = max(latencies)

    print(f"database:                {'PostgreSQL' if args.postgres else 'SQLite'}")
    print(
        f"broadcast:               {len(broadcast)} messages to {args.people} people "
        f"in {span:.1f} s"
    )
    print(
        f"achieved rate:           {rate:.2f} messages/s in all, {broadcast_rate:.2f} "
        f"for the broadcast ({rate / CAP:.1%} of the {CAP}/s cap; goal >= 95%)"
    )
    print(f"lost:                    {lost}")
    print(f"duplicated:              {duplicated}")
    print(f"429 answers:             {too_many} ({after_first} after the first; goal 0)")
    print(
        "citizens' reply latency: "
        + ", ".join(f"{x:.2f}" for x in latencies)
        + f" s (median {statistics.median(latencies):.2f}, worst {worst:.2f}; goal <= 2 s)"
    )
    ok = rate >= 0.95 * CAP and not lost and not duplicated and not after_first and worst <= 2
    print("goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


def citizens_write_during(api: TelegramBotApi, people: int, started: float) -> list[float]:
    """A new citizen writes every WRITE_EVERY seconds until the broadcast is over."""
    latencies: list[float] = []
    expected_end = started + people / CAP
    n = 0
    while time.monotonic() + WRITE_EVERY < expected_end:
        time.sleep(max(0.0, started + WRITE_EVERY * (n + 1) - time.monotonic()))
        citizen = CITIZEN + n
        written = time.monotonic()
        api.user(citizen, first_name="Lucia").says("ciao")
        reply = api.wait_for(citizen, 1, timeout=30)[0]
        latencies.append(reply.at - written)
        n += 1
    deadline = time.monotonic() + people / CAP + 60
    while len([m for m in api.sent if m.chat_id >= FIRST_CHAT]) < people:
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(2)
    return latencies


if __name__ == "__main__":
    sys.exit(main())
