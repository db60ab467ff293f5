"""Logging for the running bot: one readable line per event, and secrets scrubbed from every record.

The Bot API puts the token in every URL (https://api.telegram.org/bot<token>/sendMessage), and httpx, PTB's network
errors and tracebacks all like to print URLs. A filter on the handler rewrites each record (message, arguments,
traceback text) before it is written, so a leak anywhere in a library cannot reach the log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[REDACTED]"


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        found = sorted({s for s in secrets if s and len(s) >= 6}, key=len, reverse=True)
        # The numeric bot id before ":" is public; the part after it is the secret, so scrub that too on its own.
        parts = {s.split(":", 1)[1] for s in found if ":" in s and len(s.split(":", 1)[1]) >= 6}
        words = sorted(set(found) | parts, key=len, reverse=True)
        self._pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def scrub(self, text: str) -> str:
        return self._pattern.sub(REDACTED, text) if self._pattern else text

    def filter(self, record: logging.LogRecord) -> bool:
        if self._pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the record
            message = str(record.msg)
        record.msg = self.scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = self.scrub(record.stack_info)
        return True


def setup_logging(secrets: Iterable[str] = (), level: int = logging.INFO) -> RedactSecrets:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    redact = RedactSecrets(secrets)
    handler.addFilter(redact)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request URL (with the token) at INFO; PTB's own logs say what matters.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return redact
