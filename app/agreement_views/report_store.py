"""Where agreement reports are kept, how far a computation has got, and who computes.

Two stores with one interface:
- `LocalStore` (no REDIS_URL): an LRU of reports in this process, progress in a dict, a
  threading lock per cache key. Several worker processes each compute and keep their own.
- `RedisStore` (REDIS_URL set): every worker and host shares the reports, the progress and a
  lock, so a report is computed once per change, by one worker, and any worker can answer the
  dashboard's progress polls. Keys (all under `credence:agreement:`):

      credence:agreement:<project id>:<digest>:report    the report, zlib-compressed JSON
      credence:agreement:<project id>:<digest>:progress  {"state", "phase", "fraction", ...}
      credence:agreement:<project id>:<digest>:lock      redis-py Lock (expires, see LOCK_SECONDS)

  <digest> is a SHA-256 prefix of what the report depends on (service.cache_key), so a change
  to the project's data makes a new key and old entries simply expire (REPORT_SECONDS).

Reports go in and come out as JSON text, in both stores: every reader gets its own copy, and
a report reads the same from either store.
"""

from __future__ import annotations

import json
import threading
import time
import zlib
from collections import OrderedDict

CACHE_CAPACITY = 32  # reports per process in the local store
REPORT_SECONDS = 7 * 24 * 3600  # Redis keeps a report a week after it was last written
PROGRESS_SECONDS = 3600
LOCK_SECONDS = 15 * 60  # a worker that dies mid-computation frees the key after this
PREFIX = "credence:agreement"


class LocalStore:
    """This process only: reports as JSON text in an LRU, progress and locks in memory."""

    shared = False

    def __init__(self, capacity: int = CACHE_CAPACITY):
        self.capacity = capacity
        self._reports: OrderedDict[str, str] = OrderedDict()
        self._progress: dict[str, dict] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def get(self, key: str) -> dict | None:
        with self._guard:
            text = self._reports.get(key)
            if text is None:
                return None
            self._reports.move_to_end(key)
        return json.loads(text)

    def put(self, key: str, report: dict) -> None:
        text = json.dumps(report)
        with self._guard:
            self._reports[key] = text
            self._reports.move_to_end(key)
            while len(self._reports) > self.capacity:
                self._reports.popitem(last=False)

    def progress(self, key: str) -> dict | None:
        with self._guard:
            entry = self._progress.get(key)
            return dict(entry) if entry else None

    def set_progress(self, key: str, entry: dict) -> None:
        with self._guard:
            self._progress[key] = dict(entry)

    def lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def clear(self) -> None:
        with self._guard:
            self._reports.clear()
            self._progress.clear()

    def __len__(self) -> int:
        return len(self._reports)


class RedisStore:
    """Shared by every worker: Redis through redis-py (the key scheme is in the module's
    docstring)."""

    shared = True

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url)

    def get(self, key: str) -> dict | None:
        data = self.redis.get(f"{key}:report")
        return None if data is None else json.loads(zlib.decompress(data))

    def put(self, key: str, report: dict) -> None:
        data = zlib.compress(json.dumps(report).encode(), 3)
        self.redis.set(f"{key}:report", data, ex=REPORT_SECONDS)

    def progress(self, key: str) -> dict | None:
        data = self.redis.get(f"{key}:progress")
        return None if data is None else json.loads(data)

    def set_progress(self, key: str, entry: dict) -> None:
        self.redis.set(f"{key}:progress", json.dumps(entry), ex=PROGRESS_SECONDS)

    def lock(self, key: str):
        # thread_local=False: the lock may be taken and released by different threads of the
        # same computation (it never is today, but a background thread must not depend on it).
        return self.redis.lock(f"{key}:lock", timeout=LOCK_SECONDS, thread_local=False)

    def clear(self) -> None:
        for name in self.redis.scan_iter(f"{PREFIX}:*"):
            self.redis.delete(name)

    def __len__(self) -> int:
        return sum(1 for _ in self.redis.scan_iter(f"{PREFIX}:*:report"))


class ProgressWriter:
    """Records a computation's progress in the store: the phase, the overall fraction, and
    when it started. Writes at most every WRITE_EVERY seconds within a phase (Redis round
    trips are cheap, but γ reports thousands of steps)."""

    WRITE_EVERY = 0.25

    def __init__(self, store, key: str):
        self.store, self.key = store, key
        self.started = time.time()
        self._last = (None, 0.0)

    def __call__(self, phase: str, fraction: float = 0.0) -> None:
        from app.agreement.progress import overall_fraction

        now = time.monotonic()
        if phase == self._last[0] and now - self._last[1] < self.WRITE_EVERY:
            return
        self._last = (phase, now)
        self.store.set_progress(self.key, {
            "state": "running", "phase": phase, "fraction": overall_fraction(phase, fraction),
            "started": self.started})

    def finish(self, state: str, message: str = "") -> None:
        self.store.set_progress(self.key, {"state": state, "phase": None,
                                           "fraction": 1.0 if state == "done" else 0.0,
                                           "started": self.started, "message": message})


def make_store(redis_url: str | None):
    return RedisStore(redis_url) if redis_url else LocalStore()
