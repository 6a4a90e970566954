"""One conversation turn, end to end: message in, NLU, flows, actions, database write, reply out.

    python -m benchmarks.conversation_turn [--people 1000] [--threads 32] [--turns 3000]
                                           [--workers 2]

For SQLite (a temporary file) and PostgreSQL (a temporary schema in the `test` database) it
prints the p50 and p99 of turns taken one at a time, then the sustained turns per second when
`--people` simulated people talk at once through `--threads` threads: first with the turns run
in this process (TURN_WORKERS=1, the default), then in `--workers` worker processes
(TURN_WORKERS=N). 32 threads are about what the web app has waiting on turns when many people
write at once (the web chat's pool holds 40, Telegram's and WhatsApp's a few more). Goal of
issue 2: p99 at most 20 ms, at least 300 turns/s.
"""

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from benchmarks.scratch_database import scratch_database
from bot.db.database import Database
from bot.engine import Assistant
from bot.engine.turn_workers import TurnWorkers
from bot.engine.turns import Turns
from bot.messages import Channel, IncomingMessage
from bot.nlu import NluPipeline, load_pipeline
from bot.settings import PROJECT_ROOT, Settings

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


def many_at_once(turns: Turns, people: int, threads: int, first: int) -> tuple[list[float], float]:
    """Each person's seven turns in order, `threads` people at a time; latencies and seconds."""

    def talk(person: int) -> list[float]:
        timings = []
        for turn in range(len(SCRIPT)):
            started = time.perf_counter()
            turns.handle(message(first + person, turn))
            timings.append((time.perf_counter() - started) * 1000)
        return timings

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        timings = [timing for person in pool.map(talk, range(people)) for timing in person]
    return timings, time.perf_counter() - started


def report_many(name: str, how: str, timings: list[float], elapsed: float) -> None:
    print(
        f"{name:10s}  {how}: {len(timings) / elapsed:6.0f} turns/s "
        f"({len(timings)} turns in {elapsed:.1f} s; latency p50 "
        f"{statistics.median(timings):.1f} ms, p99 {percentile(timings, 0.99):.1f} ms)"
    )


def run(name: str, database: Database, pipeline: NluPipeline, args: argparse.Namespace) -> None:
    settings = Settings(
        pseudonym_key="benchmark-key", demo_data=False, database_url=database.url
    )
    assistant = Assistant(database, pipeline, PROJECT_ROOT, settings)
    one_at_a_time(assistant, 50)  # warm up caches and connections
    timings = one_at_a_time(assistant, args.turns)
    print(
        f"{name:10s}  one at a time: p50 {statistics.median(timings):6.2f} ms  "
        f"p99 {percentile(timings, 0.99):6.2f} ms  max {max(timings):6.2f} ms  "
        f"({len(timings)} turns)"
    )
    many, elapsed = many_at_once(assistant, args.people, args.threads, 10_000)
    report_many(name, f"{args.people} people at once, this process, {args.threads} threads",
                many, elapsed)
    if args.workers > 1:
        with TurnWorkers(settings, assistant.content, args.workers) as workers:
            many_at_once(workers, 50, args.threads, 90_000)  # warm up
            many, elapsed = many_at_once(workers, args.people, args.threads, 100_000)
        report_many(name, f"{args.people} people at once, {args.workers} worker processes, "
                    f"{args.threads} threads", many, elapsed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=2,
                        help="worker processes for the second run (1: skip it)")
    args = parser.parse_args()
    pipeline = load_pipeline(Settings())
    with scratch_database(postgres=False) as database:
        run("SQLite", database, pipeline, args)
    with scratch_database(postgres=True, pool_size=16) as database:
        run("PostgreSQL", database, pipeline, args)


if __name__ == "__main__":
    main()
