"""The delivery workers of all configured channels, run together.

Inside `antenna serve` they run in a thread with an event loop of their own, so that nothing the
web app does on its loop (a slow page, a burst of webhooks) delays a send or the pacing.
"""

import asyncio
import logging
import threading
from types import TracebackType

from bot.db.database import Database
from bot.delivery.sender import Sender
from bot.delivery.worker import DeliveryWorker, WorkerOptions
from bot.settings import Settings

log = logging.getLogger(__name__)


def worker_options(settings: Settings) -> WorkerOptions:
    return WorkerOptions(
        lease_seconds=settings.delivery_lease_seconds,
        max_attempts=settings.delivery_max_attempts,
    )


async def deliver(
    database: Database, senders: list[Sender], options: WorkerOptions, stop: asyncio.Event
) -> None:
    workers = [DeliveryWorker(database, sender, options) for sender in senders]
    await asyncio.gather(*(worker.run(stop) for worker in workers))


class DeliveryThread:
    """An async context manager: the workers start on enter and stop, gracefully, on exit."""

    def __init__(self, database: Database, senders: list[Sender], options: WorkerOptions) -> None:
        self._database = database
        self._senders = senders
        self._options = options
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._started = threading.Event()
        self._thread = threading.Thread(target=self._main, name="delivery", daemon=True)

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._started.set()
        try:
            await deliver(self._database, self._senders, self._options, self._stop)
        except Exception:
            log.exception("the delivery workers stopped")

    def start(self) -> None:
        self._thread.start()
        self._started.wait()
        channels = ", ".join(sender.channel for sender in self._senders)
        log.info("delivering the outbox for %s", channels)

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join()

    async def __aenter__(self) -> "DeliveryThread":
        self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
