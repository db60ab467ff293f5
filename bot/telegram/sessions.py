"""What an answer's buttons refer to: a short token -> the question, its language and the passages shown.

Callback data is limited to 64 bytes, too small for a question, so buttons carry a token. Entries live in memory,
bounded; after a restart or eviction the button says "expired" instead of guessing. "Meer" re-asks the current
engine, so a passage removed by a reload is never shown again.

A session belongs to the chat it was answered in, and for a private answer to its user: a callback carrying its token
from anywhere else (a forged or replayed callback) gets "expired", so one chat never sees another's answer or votes
on it.
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
    chat_id: int | None = None  # where the answer was sent
    user_id: int | None = None  # who asked, for an answer in a private chat; None in groups (anyone there may vote)

    def belongs_to(self, chat_id: int, user_id: int | None) -> bool:
        return chat_id == self.chat_id and (self.user_id is None or user_id == self.user_id)


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
