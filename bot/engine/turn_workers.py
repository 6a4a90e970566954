"""Turns in worker processes: the NLU and the engine spend CPU, and one process has one GIL.

Each worker process holds an Assistant of its own (NLU, content, connection pool) and runs
several turns at once on threads, so that one turn's database round trips overlap another's
work. A person's turns always go to the same worker, chosen from their channel and id: their
order holds, and the first message kept in memory before consent is where their consent
arrives.

A worker that dies is started again; the turns it had in hand fail, as a turn fails when its
process dies, and nothing of them is half written (each is one transaction). Telegram and
WhatsApp send such an update again, and the update id keeps it from being answered twice.
"""

import logging
import multiprocessing
import pickle
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import count
from multiprocessing.connection import Connection
from typing import Any

from bot.engine.content import Content
from bot.engine.turns import Turns
from bot.messages import IncomingMessage, OutgoingMessage
from bot.settings import Settings

log = logging.getLogger(__name__)

# Turns a worker runs at once. More threads than this only queue on the GIL; fewer leave the
# CPU idle while a turn waits for PostgreSQL.
TURNS_PER_WORKER = 4
_STARTUP_SECONDS = 300.0


class WorkerDied(RuntimeError):
    """The worker process that had this turn in hand stopped before answering."""


def build_assistant(settings: Settings) -> tuple[Turns, Callable[[], None]]:
    """The Assistant a worker runs, and what closes it."""
    from bot.db.database import Database
    from bot.engine.assistant import Assistant
    from bot.nlu import load_pipeline

    database = Database(settings.resolved_database_url())
    assistant = Assistant(database, load_pipeline(settings), settings.project_root, settings)
    return assistant, database.dispose


Builder = Callable[[Settings], tuple[Turns, Callable[[], None]]]


def _serve(settings: Settings, build: Builder, channel: Connection) -> None:
    """A worker's life: build its Assistant, say so, then answer turns until told to stop."""
    logging.basicConfig(level=logging.WARNING)
    assistant, close = build(settings)
    sending = threading.Lock()

    def answer(number: int, incoming: IncomingMessage) -> None:
        try:
            outcome: tuple[bool, Any] = (True, assistant.handle(incoming))
        except Exception as error:  # the caller's handle() raises it
            outcome = (False, error)
        with sending:
            try:
                channel.send((number, *outcome))
            except (pickle.PicklingError, TypeError, AttributeError):
                # Some library exceptions do not survive pickling; their name and text do.
                failure = RuntimeError(f"{type(outcome[1]).__name__}: {outcome[1]}")
                channel.send((number, False, failure))

    channel.send((0, True, "ready"))
    with ThreadPoolExecutor(TURNS_PER_WORKER, thread_name_prefix="turn") as pool:
        while (request := channel.recv()) is not None:
            pool.submit(answer, *request)
    close()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    channel: Connection
    sending: threading.Lock = field(default_factory=threading.Lock)
    waiting: dict[int, "Future[list[OutgoingMessage]]"] = field(default_factory=dict)


class TurnWorkers:
    """`handle` as the Assistant's, with the turns run by `processes` worker processes."""

    def __init__(
        self, settings: Settings, content: Content, processes: int, build: Builder = build_assistant
    ) -> None:
        """`build` makes a worker's Assistant; a function of a module, as spawn imports it."""
        if processes < 1:
            raise ValueError("at least one worker process")
        self.content = content
        self._settings = settings
        self._build = build
        # spawn, not fork: the web app has threads (the event loop, the delivery workers), and
        # a forked child would inherit their locks in whatever state they were.
        self._context = multiprocessing.get_context("spawn")
        self._numbers = count(1)
        self._guard = threading.Lock()
        self._closing = False
        self._workers = [self._start() for _ in range(processes)]

    def handle(self, incoming: IncomingMessage) -> list[OutgoingMessage]:
        return self.submit(incoming).result()

    @property
    def processes(self) -> list[int]:
        """The workers' process ids (a test kills one)."""
        with self._guard:
            return [worker.process.pid or 0 for worker in self._workers]

    def submit(self, incoming: IncomingMessage) -> "Future[list[OutgoingMessage]]":
        person = f"{incoming.channel}:{incoming.user_id}".encode()
        with self._guard:
            worker = self._workers[zlib.crc32(person) % len(self._workers)]
            number = next(self._numbers)
            answer: Future[list[OutgoingMessage]] = Future()
            worker.waiting[number] = answer
        try:
            with worker.sending:
                worker.channel.send((number, incoming))
        except (OSError, ValueError) as error:
            worker.waiting.pop(number, None)
            raise WorkerDied("the worker process is not running") from error
        return answer

    def close(self) -> None:
        with self._guard:
            self._closing = True
            workers = list(self._workers)
        for worker in workers:
            try:
                with worker.sending:
                    worker.channel.send(None)
            except (OSError, ValueError):
                pass
        for worker in workers:
            worker.process.join(timeout=30)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()

    def __enter__(self) -> "TurnWorkers":
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _start(self) -> _Worker:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_serve,
            args=(self._settings, self._build, theirs),
            name="antenna-turns",
            daemon=True,
        )
        process.start()
        theirs.close()
        if not ours.poll(_STARTUP_SECONDS):
            process.kill()
            raise RuntimeError("a turn worker did not start in time")
        try:
            ours.recv()  # "ready"
        except EOFError as error:
            raise RuntimeError("a turn worker stopped while starting (see its log)") from error
        worker = _Worker(process, ours)
        threading.Thread(
            target=self._read, args=(worker,), name="antenna-turn-answers", daemon=True
        ).start()
        return worker

    def _read(self, worker: _Worker) -> None:
        """Hand each answer to the turn waiting for it; when the worker dies, replace it."""
        while True:
            try:
                number, ok, value = worker.channel.recv()
            except (EOFError, OSError):
                break
            answer = worker.waiting.pop(number, None)
            if answer is None:
                continue
            deliver: Callable[[Any], None] = answer.set_result if ok else answer.set_exception
            deliver(value)
        worker.channel.close()
        with self._guard:
            orphans = list(worker.waiting.values())
            worker.waiting.clear()
            closing = self._closing
        for answer in orphans:
            answer.set_exception(WorkerDied("the worker process stopped during the turn"))
        if closing:
            return
        log.error("a turn worker stopped (exit code %s); starting another", worker.process.exitcode)
        replacement = self._start()
        with self._guard:
            self._workers[self._workers.index(worker)] = replacement
