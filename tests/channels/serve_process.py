"""`antenna serve` as a real child process, talking to the stand-ins."""

import os
import re
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parents[2]
_READY = re.compile(r"open (http://\S+?)/? ")
_ANTENNA = "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"


class ServeProcess:
    def __init__(self, env: dict[str, str], log_path: Path, port: int = 0) -> None:
        self._env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        self._port = port
        self._log_path = log_path
        self._process: subprocess.Popen[str] | None = None
        self.url = ""

    def __enter__(self) -> "ServeProcess":
        self._process = subprocess.Popen(
            # What the `antenna` script runs, without depending on where it is installed.
            [sys.executable, "-c", _ANTENNA, "serve", "--port", str(self._port)],
            cwd=ROOT,
            env=self._env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        ready = threading.Event()
        threading.Thread(target=self._read_output, args=(ready,), daemon=True).start()
        if not ready.wait(timeout=180) or not self.url:
            self.__exit__(None, None, None)
            raise AssertionError(f"antenna serve did not start; see {self._log_path}")
        return self

    def _read_output(self, ready: threading.Event) -> None:
        assert self._process is not None and self._process.stdout is not None
        with self._log_path.open("a", encoding="utf-8") as log:
            for line in self._process.stdout:
                log.write(line)
                log.flush()
                match = _READY.search(line)
                if match and not ready.is_set():
                    self.url = match.group(1)
                    ready.set()
        ready.set()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait(timeout=10)
