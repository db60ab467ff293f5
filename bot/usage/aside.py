"""A damaged file is moved aside, never deleted: an operator may still rescue what is in it."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

log = logging.getLogger(__name__)


def _utc_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def move_aside(path: Path, what: str) -> Path:
    """Rename `path` to `<name>.corrupt-<UTC timestamp>` (with a counter if that exists); never delete it."""
    stamp = _utc_stamp()
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    path.rename(target)
    log.warning("%s %s is unreadable; moved aside to %s", what, path, target)
    return target
