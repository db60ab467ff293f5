"""The engine currently serving, swapped atomically by reloads.

A handler takes `get()` once per question and uses that engine to the end, so a question in flight finishes on the
engine it started with while a new one is swapped in. Engines are immutable; assigning the attribute is atomic.
"""

from __future__ import annotations

from bot.search.engine import Engine


class EngineHolder:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get(self) -> Engine:
        return self._engine

    def swap(self, engine: Engine) -> None:
        self._engine = engine
