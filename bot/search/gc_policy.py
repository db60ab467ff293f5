"""The process-wide garbage-collector policy around engine builds (a build makes no reference cycles)."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_gc_lock = threading.Lock()
_gc_builds = 0  # builds in progress (live reloads build in worker threads)
_gc_restore = False


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an engine is built.

    A build allocates millions of objects and frees them by reference counting (it makes no cycles), so the
    collector's passes find nothing, yet each full pass walks every object in the process with the interpreter lock
    held: during a live reload in a worker thread those passes were 40-60 ms event-loop stalls each. The collector
    is process-wide, hence the count: it comes back when the last concurrent build ends.

    What the builds left behind is then frozen (`gc.freeze`): an engine is about a million containers and not one
    reference cycle (tests/test_build_process.py checks), so the collector can only waste time on them, and its
    first full pass over a new 100k engine was a 30 ms stall. Frozen objects are still freed when their last
    reference goes (an old engine after a swap); only cycles among them would never be, and engines make none.
    """
    global _gc_builds, _gc_restore
    with _gc_lock:
        if _gc_builds == 0:
            _gc_restore = gc.isenabled()
            gc.disable()
        _gc_builds += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_builds -= 1
            if _gc_builds == 0:
                gc.freeze()
                if _gc_restore:
                    gc.enable()
