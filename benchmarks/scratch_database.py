"""Where a benchmark writes: a migrated database of its own, gone when the benchmark ends.

SQLite is a file in a temporary folder. PostgreSQL is a schema of its own in the database of
ANTENNA_TEST_POSTGRES_URL (the tests' local server by default), named in the URL itself so
that the processes a benchmark starts connect from the URL alone.
"""

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import text

from bot.db.database import Database
from bot.db.migrate import upgrade

POSTGRES_URL = os.environ.get(
    "ANTENNA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def scratch_database(postgres: bool, **engine_options: Any) -> Iterator[Database]:
    """An empty, migrated database; `database.url` reaches it from another process."""
    if not postgres:
        with (
            tempfile.TemporaryDirectory(prefix="antenna-bench-") as folder,
            _migrated(f"sqlite:///{Path(folder) / 'antenna.db'}", engine_options) as database,
        ):
            yield database
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = Database(POSTGRES_URL)
    try:
        with admin.engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
        try:
            with _migrated(url, engine_options) as database:
                yield database
        finally:
            with admin.engine.begin() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()


@contextmanager
def _migrated(url: str, engine_options: dict[str, Any]) -> Iterator[Database]:
    database = Database(url, **engine_options)
    try:
        upgrade(database.engine)
        yield database
    finally:
        database.dispose()
