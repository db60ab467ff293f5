"""Flood control for incoming questions: a sliding window per key, and one notice per throttled spell.

Used per group chat (a busy team must not turn the bot into a firehose) and per user (a script sending hundreds of
messages a minute). Throttled messages cost a dictionary lookup and no engine work, so other users are not slowed.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable
from typing import Literal

Verdict = Literal["ok", "notify", "silent"]
MAX_KEYS = 50_000  # forget idle keys beyond this many, so a flood of distinct senders cannot grow memory forever


class Throttle:
    def __init__(self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits: dict[Hashable, deque[float]] = {}
        self._notified: dict[Hashable, set[Hashable]] = {}  # key -> who already got the notice this spell

    def check(self, key: Hashable, notice_key: Hashable | None = None) -> Verdict:
        """Count one event for `key`. "notify" the first time it is over the limit (per `notice_key`), then "silent".

        A throttled event is not counted, so a user who keeps sending is let through again once the window has
        room, instead of being locked out for as long as the flood lasts.
        """
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            if len(self._hits) >= MAX_KEYS:
                self._forget_idle(now)
            hits = self._hits[key] = deque()
        while hits and now - hits[0] >= self.window:
            hits.popleft()
        if len(hits) < self.limit:
            hits.append(now)
            self._notified.pop(key, None)
            return "ok"
        told = self._notified.setdefault(key, set())
        if notice_key in told:
            return "silent"
        told.add(notice_key)
        return "notify"

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or now - h[-1] >= self.window]:
            del self._hits[key]
            self._notified.pop(key, None)
