"""Everything a handler needs, in one object kept in `application.bot_data`: engine, settings, texts, state, store.

Settings and texts are replaced on reload (never mutated), so a handler reading them mid-reload sees one consistent
version.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bot.problems import Problem
from bot.search.records import Answer
from bot.serving.holder import EngineHolder
from bot.serving.live import LiveCorpus
from bot.telegram.sessions import Sessions
from bot.telegram.settings import (
    TELEGRAM_FILE,
    TEXTS_FILE,
    TelegramSettings,
    Texts,
    load_telegram_settings,
    load_texts,
)
from bot.telegram.throttle import Throttle
from bot.yamlfile import blank_settings

log = logging.getLogger(__name__)
KEY = "services"
INLINE_FACTOR = 5  # inline queries arrive while the user types: several per question


class UsageSink(Protocol):
    """The part of `bot.usage.store.UsageStore` the Telegram layer uses."""

    def record_question(self, *, question: str, answer: Answer, chat_type: str, user_id: int | None,
                        chat_id: int | None) -> int: ...

    def record_feedback(self, *, question_id: int | None, vote: int, question: str, article: str, quote: str,
                        chat_type: str, user_id: int | None, chat_id: int | None) -> None: ...

    def today(self) -> tuple[int, float]: ...

    def unanswered(self, days: int = 30, limit: int = 15) -> list[Any]: ...


@dataclass
class Services:
    holder: EngineHolder
    config_dir: Path
    settings: TelegramSettings = field(default_factory=TelegramSettings)
    texts: Texts = field(default_factory=Texts)
    store: UsageSink | None = None
    live: LiveCorpus | None = None
    sessions: Sessions = field(default_factory=Sessions)
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    user_throttle: Throttle = field(init=False)
    group_throttle: Throttle = field(init=False)
    inline_throttle: Throttle = field(init=False)

    def __post_init__(self) -> None:
        self.user_throttle = Throttle(self.settings.user_messages_per_minute)
        self.inline_throttle = Throttle(self.settings.user_messages_per_minute * INLINE_FACTOR)
        self.group_throttle = Throttle(self.settings.group_answers_per_minute)

    def reload_settings(self) -> list[Problem]:
        """Pick up edited telegram.yaml / texts.yaml; returns the problems, for the log and the admin chat.

        A file that is empty (an editor's truncate-then-write save caught midway) or unparsable keeps the version in
        use, texts included: taking it as "every default" would cost the admins their commands, forget the admin
        chat and reset the throttles. A text refused on its own keeps the text in use too.
        """
        reported: list[Problem] = []
        path = self.config_dir / TELEGRAM_FILE
        settings, problems = load_telegram_settings(self.config_dir)
        if blank_settings(path):
            reported.append(_empty(path, "telegram settings"))
        elif any(p.severity == "error" for p in problems):
            reported += problems
            reported.append(Problem(str(path), "kept the telegram settings in use", severity="warning"))
        else:
            reported += problems
            if settings.user_messages_per_minute != self.settings.user_messages_per_minute:
                self.user_throttle.limit = settings.user_messages_per_minute
                self.inline_throttle.limit = settings.user_messages_per_minute * INLINE_FACTOR
            if settings.group_answers_per_minute != self.settings.group_answers_per_minute:
                self.group_throttle.limit = settings.group_answers_per_minute
            self.settings = settings
        path = self.config_dir / TEXTS_FILE
        if blank_settings(path):
            reported.append(_empty(path, "texts"))
        else:
            texts, problems = load_texts(self.config_dir, in_use=self.texts)
            reported += problems
            if texts is self.texts and problems:  # the file as a whole could not be read
                reported.append(Problem(str(path), "kept the texts in use", severity="warning"))
            self.texts = texts  # an unparsable file gives the texts in use back; a refused key keeps its text
        for problem in reported:
            log.warning("config problem: %s", problem)
        return reported


def _empty(path: Path, what: str) -> Problem:
    return Problem(str(path), f"the file is empty (an editor still saving it?): kept the {what} in use; write {{}} in "
                              "it to go back to the defaults", severity="warning")
