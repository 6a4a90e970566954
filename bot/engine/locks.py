"""One lock per person in this process: two messages of the same person never interleave."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager


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
