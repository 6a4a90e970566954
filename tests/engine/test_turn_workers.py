"""Turns run by worker processes (TURN_WORKERS): each person in one worker, a dead worker
replaced, the conversation the same as in one process."""

import os
import signal
import time
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.db.database import Database
from bot.engine.content import load_content
from bot.engine.turn_workers import TurnWorkers, WorkerDied
from bot.engine.turns import Turns
from bot.settings import Settings
from tests.conftest import POSTGRES_URL
from tests.engine.conftest import ACTIONS, FIXTURES, Chat
from tests.engine.fake_nlu import FakeNlu

WORKERS = 2


def fixture_assistant(settings: Settings) -> tuple[Turns, Callable[[], None]]:
    """A worker's Assistant on the engine's own content and keyword NLU."""
    from bot.engine.assistant import Assistant

    database = Database(settings.resolved_database_url())
    assistant = Assistant(database, FakeNlu(), FIXTURES, settings, actions_package=ACTIONS)
    return assistant, database.dispose


def url_of(db: Database, request: pytest.FixtureRequest) -> str:
    """The test database as a URL alone: a worker process connects from its settings."""
    if db.engine.dialect.name == "sqlite":
        return db.engine.url.render_as_string()
    schema = request.getfixturevalue("postgres_schema")
    return f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


@pytest.fixture
def workers(
    db: Database, settings: Settings, request: pytest.FixtureRequest
) -> Iterator[TurnWorkers]:
    settings = settings.model_copy(update={"database_url": url_of(db, request)})
    content = load_content(FIXTURES, ACTIONS)
    with TurnWorkers(settings, content, WORKERS, build=fixture_assistant) as workers:
        yield workers


def users_of_each_worker() -> list[str]:
    """One user id routed to each worker."""
    found: dict[int, str] = {}
    for number in range(1000, 2000):
        user = str(number)
        found.setdefault(zlib.crc32(f"telegram:{user}".encode()) % WORKERS, user)
    return [found[index] for index in range(WORKERS)]


def counted(chat: Chat, times: int) -> list[str]:
    with ThreadPoolExecutor(max_workers=6) as pool:
        batches = pool.map(lambda _: chat.send(chat.message("conta")), range(times))
        return sorted(reply.text for batch in batches for reply in batch)


def test_people_in_different_workers_talk_as_in_one_process(workers: TurnWorkers) -> None:
    chats = [Chat(workers, user=user) for user in users_of_each_worker()]  # type: ignore[arg-type]
    for chat in chats:
        assert chat.say("ciao") == ["utter_privacy_notice"]
        chat.press("/affirm")

    # Six messages of each at once: each person's turns in order, in their own worker.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = list(pool.map(lambda chat: counted(chat, 6), chats))

    assert results == [sorted(f"Siamo a {n}." for n in range(1, 7))] * WORKERS


def test_a_killed_worker_is_replaced_and_the_person_goes_on(workers: TurnWorkers) -> None:
    chat = Chat(workers, user=users_of_each_worker()[0])  # type: ignore[arg-type]
    chat.accept()
    assert counted(chat, 3) == ["Siamo a 1.", "Siamo a 2.", "Siamo a 3."]
    before = workers.processes

    for pid in before:
        os.kill(pid, signal.SIGKILL)
    # A turn sent just then fails, as it would in a process that died; it never hangs.
    try:
        workers.submit(chat.message("conta")).result(timeout=60)
        lost = False
    except WorkerDied:
        lost = True
    deadline = time.monotonic() + 120
    while set(workers.processes) & set(before) and time.monotonic() < deadline:
        time.sleep(0.2)

    assert not set(workers.processes) & set(before)
    # The count goes on from where it was: nothing written was lost, nothing counted twice.
    expected = "Siamo a 4." if lost else "Siamo a 5."
    assert [reply.text for reply in chat.send(chat.message("conta"))] == [expected]
