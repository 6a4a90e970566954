"""The web app with the real engine and NLU, on each database backend."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.db.database import Database
from bot.engine import Assistant
from bot.nlu import NluPipeline
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.texts import WebTexts


@pytest.fixture
def runtime(db: Database, nlu: NluPipeline, tmp_path: Path) -> Runtime:
    settings = Settings(data_dir=tmp_path / "var", pseudonym_key="web-tests", demo_data=False)
    assistant = Assistant(db, nlu, settings.project_root, settings)
    return Runtime(settings, db, assistant)


@pytest.fixture
def web_texts(runtime: Runtime) -> WebTexts:
    return WebTexts.from_responses(runtime.assistant.content.responses)


@pytest.fixture
def client(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as client:
        yield client
