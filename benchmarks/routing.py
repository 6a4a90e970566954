"""How long routing one report takes, with the coordinators' queues.yml loaded once.

    python -m benchmarks.routing

Prints p50, p99 and the worst of routing every category x town x urgency many times.
"""

import itertools
import statistics
import time

from bot.services.routing import load_routing

CATEGORIES = (
    "loneliness", "elderly_care", "family_minors", "disability", "work", "housing", "poverty",
    "health", "addiction", "migrants_integration", "neighbourhood", "public_spaces", "violence",
    "other",
)  # fmt: skip
TOWNS = (
    "Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera", "Rivoli", None,
)  # fmt: skip
URGENCIES = ("high", "medium", "low")
ROUNDS = 200


def main() -> None:
    started = time.perf_counter()
    routing = load_routing()
    print(f"queues.yml loaded in {(time.perf_counter() - started) * 1000:.2f} ms")
    cases = list(itertools.product(CATEGORIES, URGENCIES, TOWNS))
    timings = []
    for _ in range(ROUNDS):
        for category, urgency, town in cases:
            before = time.perf_counter_ns()
            routing.route(category, urgency, town)
            timings.append(time.perf_counter_ns() - before)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99)]
    print(
        f"{len(timings)} routings: p50 {statistics.median(timings) / 1000:.2f} µs, "
        f"p99 {p99 / 1000:.2f} µs, worst {timings[-1] / 1000:.2f} µs (goal: under 5 ms)"
    )


if __name__ == "__main__":
    main()
