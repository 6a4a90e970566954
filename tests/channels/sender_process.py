"""`python -m bot.delivery` as a real child process, for the tests that kill it."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.db.database import Database

ROOT = Path(__file__).resolve().parents[2]


def database_url(db: Database, postgres_schema: str | None) -> str:
    """A URL another process can open on the same records (with the test's schema)."""
    url = db.engine.url.render_as_string(hide_password=False)
    if db.engine.dialect.name == "postgresql" and postgres_schema:
        url += f"?options=-csearch_path%3D{postgres_schema}"
    return url


class SenderProcess:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self._env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self._log_path.open("ab")
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bot.delivery", "telegram"],
            cwd=ROOT,
            env=self._env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is flushed or recorded."""
        assert self._process is not None
        self._process.send_signal(signal.SIGKILL)
        self._process.wait(timeout=10)

    def stop(self) -> int:
        assert self._process is not None
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        return self._process.wait(timeout=30)
