"""What an answer's buttons refer to: a short token -> the question, its language and the passages shown.

Callback data is limited to 64 bytes, too small for a question, so buttons carry a token. Entries live in memory,
bounded; after a restart or eviction the button says "expired" instead of guessing. "Meer" re-asks the current
engine, so a passage removed by a reload is never shown again.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field


@dataclass
class Session:
    question: str
    language: str
    question_id: int | None = None
    shown: dict[int, tuple[str, str]] = field(default_factory=dict)  # index -> (article id, quote)


class Sessions:
    def __init__(self, capacity: int = 20_000) -> None:
        self.capacity = capacity
        self._items: OrderedDict[str, Session] = OrderedDict()

    def new(self, session: Session) -> str:
        token = secrets.token_urlsafe(6)  # 8 characters from [A-Za-z0-9_-]
        while token in self._items:
            token = secrets.token_urlsafe(6)
        self._items[token] = session
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return token

    def get(self, token: str) -> Session | None:
        session = self._items.get(token)
        if session is not None:
            self._items.move_to_end(token)
        return session
