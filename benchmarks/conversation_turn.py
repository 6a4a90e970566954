"""One conversation turn, end to end: message in, NLU, flows, actions, database write, reply out.

    python -m benchmarks.conversation_turn [--people 1000] [--threads 8] [--turns 3000]

For SQLite (a temporary file) and PostgreSQL (a temporary schema in the `test` database) it
prints the p50 and p99 of turns taken one at a time, then the sustained turns per second when
`--people` simulated people talk at once through a pool of `--threads` worker threads, as the web
app's thread pool would. Goal of issue 2: p99 at most 20 ms, at least 300 turns/s.
"""

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.engine import Assistant
from bot.messages import Channel, IncomingMessage
from bot.nlu import NluPipeline, load_pipeline
from bot.settings import PROJECT_ROOT, Settings

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

# What one person says, whatever the bot answers: consent, a report with its town and its
# confirmation, a question about events, thanks. Written as people write.
SCRIPT = (
    "buongiorno",
    "/affirm",
    "mia nonna vive da sola a orbassano e non esce piu di casa",
    "si",
    "grazie mille",
    "ci sono eventi a piossasco?",
    "ok ciao",
)


@contextmanager
def sqlite_database() -> Iterator[Database]:
    with tempfile.TemporaryDirectory() as folder:
        database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
        upgrade(database.engine)
        yield database
        database.dispose()


@contextmanager
def postgres_database() -> Iterator[Database]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = Database(POSTGRES_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(
        POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"}, pool_size=16
    )
    try:
        upgrade(database.engine)
        yield database
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def message(person: int, turn: int) -> IncomingMessage:
    said = SCRIPT[turn % len(SCRIPT)]
    user = f"bench-{person}"
    if said.startswith("/"):
        return IncomingMessage(Channel.WEB, user, user, payload=said)
    return IncomingMessage(Channel.WEB, user, user, text=said)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def one_at_a_time(assistant: Assistant, turns: int) -> list[float]:
    timings = []
    for turn in range(turns):
        # Ten people taking turns, so every turn finds a conversation in progress.
        incoming = message(turn % 10, turn // 10)
        started = time.perf_counter()
        assistant.handle(incoming)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def many_at_once(assistant: Assistant, people: int, threads: int) -> tuple[int, float]:
    def talk(person: int) -> int:
        for turn in range(len(SCRIPT)):
            assistant.handle(message(10_000 + person, turn))
        return len(SCRIPT)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        done = sum(pool.map(talk, range(people)))
    return done, time.perf_counter() - started


def run(name: str, database: Database, pipeline: NluPipeline, args: argparse.Namespace) -> None:
    settings = Settings(pseudonym_key="benchmark-key", demo_data=False)
    assistant = Assistant(database, pipeline, PROJECT_ROOT, settings)
    one_at_a_time(assistant, 50)  # warm up caches and connections
    timings = one_at_a_time(assistant, args.turns)
    done, elapsed = many_at_once(assistant, args.people, args.threads)
    print(
        f"{name:10s}  one at a time: p50 {statistics.median(timings):6.2f} ms  "
        f"p99 {percentile(timings, 0.99):6.2f} ms  max {max(timings):6.2f} ms  "
        f"({len(timings)} turns)"
    )
    print(
        f"{name:10s}  {args.people} people at once, {args.threads} threads: "
        f"{done / elapsed:6.0f} turns/s ({done} turns in {elapsed:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--turns", type=int, default=3000)
    args = parser.parse_args()
    pipeline = load_pipeline(Settings())
    with sqlite_database() as database:
        run("SQLite", database, pipeline, args)
    with postgres_database() as database:
        run("PostgreSQL", database, pipeline, args)


if __name__ == "__main__":
    main()
