"""The sender's budgets, on a clock the test moves: what the platform would count."""

import itertools
import random

from bot.delivery.pacing import ChatBudget, ChatRate, Pacer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


def most_in_a_second(instants: list[float]) -> int:
    instants = sorted(instants)
    most, start = 0, 0
    for end, instant in enumerate(instants):
        while instants[start] <= instant - 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def send(pacer: Pacer, clock: Clock) -> None:
    clock.advance(pacer.wait_time())
    await pacer.acquire()


async def test_no_second_of_the_platform_holds_more_than_the_cap_whatever_the_delays() -> None:
    clock = Clock()
    pacer, randomness = Pacer(30, clock), random.Random(7)
    arrivals: list[float] = []
    answers: list[float] = []
    for _ in range(900):
        # Calls overlap, as in the worker: the next one is allowed before the last one answers.
        while (wait := pacer.wait_time()) > 0:
            clock.advance(min(wait, min(answers, default=clock.now + wait) - clock.now))
            for answer in [a for a in answers if a <= clock.now]:
                answers.remove(answer)
                pacer.answered()
        await pacer.acquire()
        # A call may leave late (a busy interpreter), now and then very late, and so land at
        # the platform together with the ones allowed after it.
        arrival = clock.now + randomness.choice([0.0, 0.0, 0.0, 0.004, 0.03, 0.25])
        arrivals.append(arrival)
        answers.append(arrival + randomness.uniform(0.001, 0.02))
    assert most_in_a_second(arrivals) <= 30


async def test_a_steady_sender_gets_close_to_the_cap() -> None:
    clock = Clock()
    pacer = Pacer(30, clock)
    started = clock.now
    for _ in range(300):
        await send(pacer, clock)
        clock.advance(0.002)
        pacer.answered()
    assert 300 / (clock.now - started) >= 0.95 * 30


async def test_a_pause_holds_everything_back() -> None:
    clock = Clock()
    pacer = Pacer(30, clock)
    await send(pacer, clock)
    pacer.answered()
    pacer.pause(5.0)
    before = clock.now
    await send(pacer, clock)
    assert clock.now - before >= 5.0


async def test_a_chat_takes_a_few_at_once_then_about_one_a_second() -> None:
    clock = Clock()
    budget = ChatBudget(lambda _chat: ChatRate(burst=3, per_second=1.0), clock)
    sent = []
    for _ in range(10):
        clock.advance(budget.wait_time("42"))
        await budget.acquire("42")
        sent.append(clock.now)
    assert sent[2] - sent[0] < 0.01
    assert all(later - earlier >= 0.99 for earlier, later in itertools.pairwise(sent[2:]))
    assert "42" in budget.unavailable()
    assert "43" not in budget.unavailable()
