"""The installed `antenna` command, run as a newcomer runs it, in a fresh working directory."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import httpx
import pytest

ANTENNA = Path(sys.executable).with_name("antenna")
# Only a guard against a hung start, not a measure: the first start may train the NLU.
START_TIMEOUT = 180


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_DIR": str(tmp_path / "var"),
        "DATABASE_URL": "",
        "PYTHONUNBUFFERED": "1",
    }


def _pump(stream: IO[str], lines: "queue.Queue[str]") -> None:
    for line in stream:
        lines.put(line)


def _line_matching(process: subprocess.Popen[str], pattern: str) -> re.Match[str]:
    """The first line of the output that matches; a thread reads, so a hung start cannot hang
    the test."""
    assert process.stdout is not None
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while (left := deadline - time.monotonic()) > 0:
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            break
        if match := re.search(pattern, line):
            return match
    raise AssertionError(f"antenna never printed {pattern!r}")


@pytest.fixture
def served(tmp_path: Path, environment: dict[str, str]) -> Iterator[str]:
    # The log goes to a file: a pipe nobody reads would fill up and stop the server.
    log = tmp_path / "serve.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            [str(ANTENNA), "serve", "--port", "0"],
            cwd=tmp_path,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=log_file,
            text=True,
        )
        try:
            yield _line_matching(process, r"open (http://127\.0\.0\.1:\d+/)")[1]
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
        finally:
            process.kill()
            process.communicate()
    assert "Traceback" not in log.read_text()


def test_antenna_serve_answers_on_the_address_it_prints(served: str) -> None:
    # Generous: the app may still be starting its workers when the address is printed.
    with httpx.Client(base_url=served, timeout=60) as client:
        page = client.get("/")
        health = client.get("/healthz")
        first = client.post("/api/chat/messages", json={"text": "buongiorno"})

    assert page.status_code == 200
    assert "Scintille" in page.text
    assert health.json() == {"status": "ok"}
    assert [button["payload"] for button in first.json()["messages"][0]["buttons"]] == [
        "/affirm",
        "/deny",
    ]


def test_antenna_shell_talks_in_the_terminal(tmp_path: Path, environment: dict[str, str]) -> None:
    finished = subprocess.run(
        [str(ANTENNA), "shell", "--user", "ada"],
        cwd=tmp_path,
        env=environment,
        input="buongiorno\n1\n",
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )

    assert finished.returncode == 0, finished.stderr
    assert "[1] Accetto" in finished.stdout
    assert "Traceback" not in finished.stderr


def test_ctrl_c_leaves_the_shell(tmp_path: Path, environment: dict[str, str]) -> None:
    """The NLU's date parser (Duckling, in Haskell) takes Ctrl-C over when it loads."""
    process = subprocess.Popen(
        [str(ANTENNA), "shell"],
        cwd=tmp_path,
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _line_matching(process, r"Ctrl-D to leave")

        process.send_signal(signal.SIGINT)

        # The input stays open: only Ctrl-C can end the shell here.
        process.wait(timeout=60)
    finally:
        process.kill()
    _, errors = process.communicate()
    # 0 when the prompt was waiting, 130 when it was not shown yet: stopped either way.
    assert process.returncode in {0, 130}, errors
    assert "Traceback" not in errors
