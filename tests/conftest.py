"""Fixtures shared by the whole suite: a real database on SQLite and on PostgreSQL."""

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from sqlalchemy import text

from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.db.models import Base

if TYPE_CHECKING:
    from bot.nlu import NluPipeline

POSTGRES_URL = os.environ.get(
    "ANTENNA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; each test starts from a copy of it."""
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    database = Database(f"sqlite:///{path}")
    upgrade(database.engine)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A schema of our own in the shared `test` database, so parallel runs never collide."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = Database(POSTGRES_URL)
    with admin.engine.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = Database(POSTGRES_URL, connect_args={"options": f"-csearch_path={schema}"})
    upgrade(database.engine)
    database.dispose()
    yield schema
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def postgres_application(schema: str) -> str:
    """The application_name of this run's connections, to find them in pg_stat_activity."""
    return f"antenna-test-{schema}"


def _postgres(schema: str) -> Database:
    database = Database(
        POSTGRES_URL,
        connect_args={
            "options": f"-csearch_path={schema}",
            "application_name": postgres_application(schema),
        },
    )
    # DELETE, not TRUNCATE: on a few dozen small tables TRUNCATE costs most of a second a test.
    with database.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return database


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A freshly migrated, empty database: the test runs once on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "antenna.db"
        shutil.copy(template, path)
        database = Database(f"sqlite:///{path}")
    else:
        database = _postgres(request.getfixturevalue("postgres_schema"))
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def nlu() -> "NluPipeline":
    """The embedded NLU pipeline, trained from nlu/ (once; later runs load .models/)."""
    from bot.nlu import load_pipeline
    from bot.settings import Settings

    return load_pipeline(Settings(nlu_backend="embedded"))


# Module-scoped: while Playwright's sync API lives, its event loop counts as running in this
# thread, and code that must not run inside a loop (Assistant.handle) refuses to; it must be
# gone before the suite's asyncio tests run.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless; Playwright's own browser download is out of reach here."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not at /usr/bin/chromium (.ci/run installs it)")
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    )
    yield browser
    browser.close()
