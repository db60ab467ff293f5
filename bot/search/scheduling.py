"""Questions before index builds: the checkpoint every long build loop calls so a live reload never stalls answers."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator


class QuestionsFirst:
    """Questions before index builds: a build running in a worker thread (a live reload) pauses at its next
    checkpoint while a question is being answered, and resumes when none is.

    Both share one interpreter lock. Without this, every time the answer code lets go of the lock (numpy does, for
    each operation on a long posting list) the build takes it for a whole switch interval, and one answer took
    100-300 ms during a 100k-chunk reload, which is how long the event loop was blocked. A build waits at most
    MAX_PAUSE_S per checkpoint and then works at least MIN_RUN_S before it pauses again, so a flood of overlapping
    questions (no gap between them at all) slows a reload down, to ~4 % of its speed at worst, but never stops it.
    """

    MAX_PAUSE_S = 0.05
    MIN_RUN_S = 0.002

    def __init__(self) -> None:
        self._idle = threading.Condition(threading.Lock())
        self._active = 0
        self._resumed = threading.local()  # per build thread: when it last came back from a pause

    @contextlib.contextmanager
    def question(self) -> Iterator[None]:
        with self._idle:
            self._active += 1
        try:
            yield
        finally:
            with self._idle:
                self._active -= 1
                if not self._active:
                    self._idle.notify_all()

    def checkpoint(self) -> None:
        """Called by build code every millisecond or so of work."""
        if self._active:  # read without the lock: a stale value only moves the pause to the next checkpoint
            now = time.monotonic()
            if now - getattr(self._resumed, "at", 0.0) < self.MIN_RUN_S:
                return
            with self._idle:
                self._idle.wait_for(lambda: not self._active, timeout=self.MAX_PAUSE_S)
            self._resumed.at = time.monotonic()


questions_first = QuestionsFirst()
