"""One channel's delivery worker: due outbox rows out, under the platform's limits, once.

The loop waits for the channel's next send slot, then claims the most urgent due row (replies,
priority 0, before bulk) of a chat that can take a message now, and hands it to a task; each chat
has at most one row in flight, so its order holds. Because a row is chosen only when a slot is
free, a reply written during a broadcast takes the very next slot: the broadcast never holds the
budget ahead of it.
"""

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, TypeVar

from bot.db.database import Database
from bot.delivery.claims import ClaimedRow, OutboxClaims
from bot.delivery.outcomes import (
    Blocked,
    ChannelDown,
    Delivered,
    Held,
    Outcome,
    Rejected,
    Throttled,
    Transient,
    Uncertain,
    Undeliverable,
)
from bot.delivery.pacing import ChatBudget, Pacer
from bot.delivery.sender import Send, Sender
from bot.delivery.status import OutboxStatus

log = logging.getLogger(__name__)
T = TypeVar("T")

# A claimed row waits at most this long for its slot (it is `sending` meanwhile); longer, and
# it is given back.
_LONGEST_HOLD = 0.05


@dataclass(frozen=True)
class WorkerOptions:
    # Longer than any call can last (the senders' timeouts), so that only a dead worker's claims
    # are ever taken for abandoned.
    lease_seconds: float = 60.0
    max_attempts: int = 8
    max_in_flight: int = 16
    idle_seconds: float = 0.2
    # The first retry after a transient error; each next one waits twice as long.
    backoff_seconds: float = 2.0


def utcnow() -> datetime:
    return datetime.now(UTC)


class DeliveryWorker:
    def __init__(
        self, database: Database, sender: Sender, options: WorkerOptions | None = None
    ) -> None:
        self.sender = sender
        self.options = options or WorkerOptions()
        self._claims = OutboxClaims(database, sender.channel)
        self._pacer = Pacer(sender.limits.messages_per_second)
        self._chats = ChatBudget(sender.limits.chat_rate)
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        # SQLite takes one writer at a time and makes the others sleep-wait for the lock:
        # claims and marks queue up in one thread instead. PostgreSQL takes them side by side.
        threads = 1 if database.engine.dialect.name == "sqlite" else 4
        self._records = ThreadPoolExecutor(threads, thread_name_prefix=f"{sender.channel}-outbox")

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until `stop` is set, then let the calls under way finish and record them."""
        if not await self._open(stop):
            return
        try:
            await self._deliver_until(stop)
        finally:
            if self._in_flight:
                await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
            await self.sender.close()
            self._records.shutdown(wait=True)

    async def _open(self, stop: asyncio.Event) -> bool:
        while not stop.is_set():
            try:
                await self.sender.open()
                return True
            except Exception as error:
                log.error(
                    "%s delivery cannot start (%s); trying again in 30 s",
                    self.sender.channel,
                    error.__class__.__name__,
                )
                await _wait(stop, 30)
        return False

    async def _deliver_until(self, stop: asyncio.Event) -> None:
        await self._release_abandoned()
        next_release = time.monotonic() + self.options.lease_seconds / 2
        while not stop.is_set():
            if time.monotonic() >= next_release:
                await self._release_abandoned()
                next_release = time.monotonic() + self.options.lease_seconds / 2
            # The row is claimed only once its slot has come, so that it spends as little time
            # as can be claimed but not yet sent (the pacer catches up the claim's delay).
            await _wait(stop, self._pacer.wait_time())
            if stop.is_set():
                break
            if len(self._in_flight) >= self.options.max_in_flight:
                await asyncio.wait(
                    list(self._in_flight.values()), return_when=asyncio.FIRST_COMPLETED
                )
                continue
            exclude = set(self._in_flight) | self._chats.unavailable()
            try:
                row = await self._db(self._claims.claim_next, utcnow(), exclude)
            except Exception:
                log.exception("%s delivery could not read the outbox", self.sender.channel)
                await _wait(stop, 5)
                continue
            if row is None:
                await _wait(stop, self.options.idle_seconds)
                continue
            plan = self._render(row)
            if isinstance(plan, list):
                if self._pacer.wait_time() > _LONGEST_HOLD:
                    # The channel was told to wait meanwhile (a 429): give the row back rather
                    # than hold it claimed through the pause.
                    await self._db(
                        self._claims.retry_later, row.id, utcnow(), row.parts_sent, False, ""
                    )
                    continue
                # The slot is taken here, before the next row is claimed: a claimed row never
                # queues behind others (a reply would wait, and a crash would find it claimed).
                await self._chats.acquire(row.address)
                await self._pacer.acquire()
            task = asyncio.create_task(self._deliver(row, plan))
            self._in_flight[row.address] = task
            task.add_done_callback(partial(self._forget, row.address))

    def _render(self, row: ClaimedRow) -> list[Send] | Outcome:
        try:
            return self.sender.render(row)
        except Exception:
            log.exception("%s cannot render outbox row %d", self.sender.channel, row.id)
            return Rejected("cannot be rendered")

    async def _db(self, function: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._records, partial(function, *args))

    def _forget(self, address: str, _task: "asyncio.Task[None]") -> None:
        self._in_flight.pop(address, None)

    async def _release_abandoned(self) -> None:
        cutoff = utcnow() - timedelta(seconds=self.options.lease_seconds)
        try:
            await self._db(self._claims.release_abandoned, cutoff)
        except Exception:
            log.exception("%s delivery could not release abandoned rows", self.sender.channel)

    async def _deliver(self, row: ClaimedRow, plan: list[Send] | Outcome) -> None:
        try:
            if isinstance(plan, list):
                await self._send_parts(row, plan)
            else:
                await self._settle(row, plan, row.parts_sent)
        except Exception:
            # Recording failed after a call, or a bug: the row stays `sending` and the lease
            # turns it `uncertain`, which is what it is.
            log.exception("%s delivery of outbox row %d broke", self.sender.channel, row.id)

    async def _send_parts(self, row: ClaimedRow, plan: list[Send]) -> None:
        """The calls of one row, in order; the first one's slot was taken when it was claimed."""
        platform_id: str | None = None
        awaiting_reply = False
        for index in range(row.parts_sent, len(plan)):
            if index > row.parts_sent:
                await self._chats.acquire(row.address)
                await self._pacer.acquire()
            try:
                outcome = await plan[index]()
            except Exception as error:
                log.exception("%s call for outbox row %d raised", self.sender.channel, row.id)
                outcome = Uncertain(f"unexpected {error.__class__.__name__}")
            finally:
                self._pacer.answered()
            if not isinstance(outcome, Delivered):
                await self._settle(row, outcome, index)
                return
            platform_id = outcome.platform_message_id or platform_id
            awaiting_reply = outcome.awaiting_reply
            if index + 1 < len(plan):
                await self._db(self._claims.record_progress, row.id, index + 1, platform_id)
        if awaiting_reply:
            await self._db(
                self._claims.await_reply, row.id, platform_id, utcnow(), "invited to write back"
            )
            return
        await self._db(self._claims.mark_sent, row.id, len(plan), platform_id, utcnow())

    async def _settle(self, row: ClaimedRow, outcome: Outcome, parts_sent: int) -> None:
        channel = self.sender.channel
        claims = self._claims
        if isinstance(outcome, Throttled):
            scope = outcome.scope or self._flood_scope(row.address)
            self._chats.pause(row.address, outcome.retry_after)
            if scope == "channel":
                self._pacer.pause(outcome.retry_after)
            log.info(
                "%s flood control: %s waits %.1f s (row %d)",
                channel,
                "the channel" if scope == "channel" else "a chat",
                outcome.retry_after,
                row.id,
            )
            when = utcnow() + timedelta(seconds=outcome.retry_after)
            await self._db(claims.retry_later, row.id, when, parts_sent, False, "429")
        elif isinstance(outcome, ChannelDown):
            log.error("%s cannot send: %s", channel, outcome.reason)
            self._pacer.pause(outcome.retry_after)
            when = utcnow() + timedelta(seconds=outcome.retry_after)
            await self._db(claims.retry_later, row.id, when, parts_sent, False, outcome.reason)
        elif isinstance(outcome, Transient):
            attempts = row.attempts + 1
            if attempts >= self.options.max_attempts:
                log.warning("%s row %d failed after %d attempts", channel, row.id, attempts)
                await self._db(
                    claims.finish, row.id, OutboxStatus.FAILED, outcome.reason, parts_sent
                )
                return
            delay = backoff(attempts, self.options.backoff_seconds)
            when = utcnow() + timedelta(seconds=delay)
            await self._db(claims.retry_later, row.id, when, parts_sent, True, outcome.reason)
        elif isinstance(outcome, Held):
            await self._db(claims.await_reply, row.id, None, utcnow(), outcome.reason)
        elif isinstance(outcome, Blocked):
            settled = await self._db(claims.mark_blocked, row, outcome.reason, utcnow())
            log.info("%s row %d: blocked by the person (%d rows settled)", channel, row.id, settled)
        elif isinstance(outcome, Undeliverable):
            await self._db(
                claims.finish, row.id, OutboxStatus.UNDELIVERABLE, outcome.reason, parts_sent
            )
        elif isinstance(outcome, Rejected):
            log.warning("%s row %d refused: %s", channel, row.id, outcome.reason)
            await self._db(claims.finish, row.id, OutboxStatus.FAILED, outcome.reason, parts_sent)
        elif isinstance(outcome, Uncertain):
            log.warning(
                "%s row %d may or may not have arrived: %s", channel, row.id, outcome.reason
            )
            await self._db(
                claims.finish, row.id, OutboxStatus.UNCERTAIN, outcome.reason, parts_sent
            )

    def _flood_scope(self, address: str) -> str:
        return "chat" if self._chats.was_busy(address) else "channel"


def backoff(attempts: int, first: float) -> float:
    """first, twice that, four times... at most five minutes, spread so that retries do not
    come in waves."""
    return min(300.0, first * 2.0 ** (attempts - 1)) * random.uniform(0.8, 1.2)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    if seconds <= 0:
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
