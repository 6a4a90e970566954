"""Locks of the turns: one per person in this process, and one for SQLite's single writer."""

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class PersonLocks:
    def __init__(self) -> None:
        self._guard = threading.Lock()
        # key -> (lock, how many turns hold or wait for it); gone when nobody does.
        self._locks: dict[str, tuple[threading.Lock, int]] = {}

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.get(key, (threading.Lock(), 0))
            self._locks[key] = (lock, users + 1)
        try:
            with lock:
                yield
        finally:
            with self._guard:
                lock, users = self._locks[key]
                if users == 1:
                    del self._locks[key]
                else:
                    self._locks[key] = (lock, users - 1)


class SqliteWriter:
    """One turn writes to an SQLite file at a time, across threads and processes.

    SQLite makes a writer that finds the file locked sleep ever longer before it tries again;
    queueing the turns on a lock of our own wakes the next one the moment the last commits.
    An flock is shared by the threads of a process, hence the thread lock before it.
    """

    def __init__(self, database_file: Path | None) -> None:
        self._threads = threading.Lock()
        self._path = None if database_file is None else Path(f"{database_file}.turns-lock")

    def __enter__(self) -> None:
        self._threads.acquire()
        if self._path is None:
            return
        try:
            self._descriptor = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(self, *_: object) -> None:
        try:
            if self._path is not None:
                os.close(self._descriptor)  # closing releases the flock
        finally:
            self._threads.release()
