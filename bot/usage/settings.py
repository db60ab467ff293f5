"""Usage settings (`config/usage.yaml`) and where the database lives (`$RELATIEBOT_DATA`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.problems import Problem
from bot.yamlfile import Rules, check_keys, is_whole_number, load_mapping

DATA_ENV = "RELATIEBOT_DATA"  # the folder for the bot's data (cache, usage database) outside the checkout
USAGE_FILE = "usage.yaml"


@dataclass(frozen=True)
class UsageSettings:
    enabled: bool = True
    path: str = "data/usage.sqlite3"  # relative to the repository root (the parent of the config folder)
    retention_days: int = 180
    store_question_text: bool = True

    def resolved_path(self, root: Path) -> Path:
        path = Path(self.path).expanduser()
        return path if path.is_absolute() else root / path

    def location(self, config_dir: Path) -> Path:
        """Where the database is, for the bot and the report alike: the default path follows $RELATIEBOT_DATA as the
        index cache does (a deployment keeps its data outside the checkout); an explicit path in usage.yaml wins."""
        data = os.environ.get(DATA_ENV, "").strip()
        if data and self.path == UsageSettings.path:
            return Path(data) / Path(self.path).name
        return self.resolved_path(config_dir.resolve().parent)


_RULES: Rules = {
    "enabled": (lambda v: isinstance(v, bool), "true or false"),
    "path": (lambda v: isinstance(v, str) and bool(v.strip()) and "\x00" not in v,
             "a file path, e.g. data/usage.sqlite3"),
    "retention_days": (lambda v: is_whole_number(v) and 1 <= v <= 3650,
                       "a whole number from 1 to 3650"),
    "store_question_text": (lambda v: isinstance(v, bool), "true or false"),
}


def load_usage_settings(config_dir: Path) -> tuple[UsageSettings, list[Problem]]:
    """Read `config/usage.yaml`. A missing file means the defaults; a bad value keeps that key's default."""
    path = config_dir / USAGE_FILE
    if not path.exists():
        return UsageSettings(), []
    data, problems = load_mapping(path)
    if data is None:
        return UsageSettings(), problems
    values, found = check_keys(data, _RULES, path)
    values = {key: value.strip() if isinstance(value, str) else value for key, value in values.items()}
    return UsageSettings(**values), problems + found
