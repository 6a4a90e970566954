"""What `antenna serve` and `antenna shell` stand on: the runtime, built from the settings."""

import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.db.models import Event
from bot.messages import Channel, IncomingMessage
from bot.nlu import NluPipeline
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.app import create_app


def _events(runtime: Runtime) -> int:
    with runtime.database.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Event)) or 0


def test_a_first_start_makes_what_the_antenna_needs(tmp_path: Path, nlu: NluPipeline) -> None:
    data_dir = tmp_path / "var"
    runtime = Runtime.build(Settings(data_dir=data_dir, database_url=""), nlu=nlu)
    try:
        assert (data_dir / "antenna.db").is_file()
        key_file = data_dir / "pseudonym.key"
        assert runtime.settings.pseudonym_key == key_file.read_text().strip()
        # Whoever holds the key can link pseudonyms to people: only its owner reads it.
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert _events(runtime) == 3

        replies = runtime.assistant.handle(
            IncomingMessage(Channel.WEB, "someone", "someone", payload="/greet", message_id="1")
        )
        assert [button.payload for button in replies[0].buttons] == ["/affirm", "/deny"]
    finally:
        runtime.close()


def test_a_restart_keeps_the_key_and_adds_no_demo_data(tmp_path: Path, nlu: NluPipeline) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url="")
    first = Runtime.build(settings, nlu=nlu)
    first.close()

    again = Runtime.build(settings, nlu=nlu)
    try:
        assert again.settings.pseudonym_key == first.settings.pseudonym_key
        assert _events(again) == 3
    finally:
        again.close()


def test_without_demo_data_the_database_starts_empty(tmp_path: Path, nlu: NluPipeline) -> None:
    settings = Settings(data_dir=tmp_path / "var", database_url="", demo_data=False)
    runtime = Runtime.build(settings, nlu=nlu)
    try:
        assert _events(runtime) == 0
    finally:
        runtime.close()


def test_background_workers_live_as_long_as_the_app(
    tmp_path: Path, nlu: NluPipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    runtime = Runtime.build(Settings(data_dir=tmp_path / "var", database_url=""), nlu=nlu)
    seen: list[str] = []

    @asynccontextmanager
    async def worker() -> AsyncIterator[None]:
        seen.append("started")
        yield
        seen.append("stopped")

    async def start_background() -> None:
        await runtime.background.enter_async_context(worker())

    monkeypatch.setattr(runtime, "start_background", start_background)
    try:
        with TestClient(create_app(runtime)) as client:
            assert client.get("/healthz").status_code == 200
            assert seen == ["started"]
        assert seen == ["started", "stopped"]
    finally:
        runtime.close()
