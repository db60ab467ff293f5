"""A running bot for end-to-end tests: the real PTB Application, polling a FakeBotAPI over HTTP on 127.0.0.1.

The corpus and config are copies in a temporary folder, so tests may edit them (live reloads) without touching the
repository.
"""

from __future__ import annotations

import shutil
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from engine_support import CONFIG, CORPUS
from fake_bot_api import FakeBotAPI
from telegram.ext import Application

from bot.serving.live import LiveCorpus, start_live
from bot.telegram.app import build_application, on_reload, start_polling_in_loop, stop_polling_in_loop
from bot.telegram.journal import UpdateJournal
from bot.telegram.services import Services
from bot.telegram.settings import load_telegram_settings, load_texts
from bot.usage.store import UsageStore

SEND_METHODS = {"sendmessage", "editmessagetext", "answerinlinequery", "answercallbackquery"}


@dataclass
class Harness:
    fake: FakeBotAPI
    app: Application
    services: Services
    corpus: Path
    config: Path
    store: UsageStore | None

    @property
    def live(self) -> LiveCorpus:
        assert self.services.live is not None
        return self.services.live

    def rejected_sends(self) -> list[Any]:
        """Sends Telegram would have refused (bad HTML, too long, bad buttons): always a bug in the bot."""
        return [c for c in self.fake.calls if c.method.lower() in SEND_METHODS and c.status == 400]


def copy_tree(tmp: Path) -> tuple[Path, Path]:
    corpus, config = tmp / "corpus", tmp / "config"
    shutil.copytree(CORPUS, corpus)
    shutil.copytree(CONFIG, config)
    return corpus, config


async def start_bot(fake: FakeBotAPI, tmp: Path, *, watch: bool = False, store: bool = True,
                    rate_limit: bool = True, journal: UpdateJournal | None = None, **settings: Any) -> Harness:
    corpus, config = (tmp / "corpus", tmp / "config") if (tmp / "corpus").exists() else copy_tree(tmp)
    if settings:
        # Overrides go into the copied telegram.yaml, so a live reload of the config keeps them.
        path = config / "telegram.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data.update({k: sorted(v) if isinstance(v, frozenset) else v for k, v in settings.items()})
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
    telegram_settings, problems = load_telegram_settings(config)
    assert not problems, problems
    texts, _ = load_texts(config)
    live, holder = start_live(corpus, config, tmp / "cache")
    usage = UsageStore.open(tmp / "usage.sqlite3", b"test-key", 30) if store else None
    services = Services(holder, config, telegram_settings, texts, store=usage, live=live)
    app = build_application(fake.token, fake.base_url, services, rate_limit=rate_limit, poll_timeout=1,
                            journal=journal)
    if not watch:
        services.live = None  # post_init would start the file watcher; most tests do not want it
    await start_polling_in_loop(app, poll_timeout=1)
    services.live = live
    live.on_report = lambda report: on_reload(app, report)
    return Harness(fake, app, services, corpus, config, usage)


async def stop_bot(harness: Harness) -> None:
    await stop_polling_in_loop(harness.app)  # also stops the watcher and closes the usage store


WEBHOOK_SECRET = "s3cret-X"


async def switch_to_webhook(harness: Harness) -> int:
    """Stop the harness's polling and serve webhooks on a free local port (path /telegram, WEBHOOK_SECRET)."""
    assert harness.app.updater is not None
    await harness.app.updater.stop()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    await harness.app.updater.start_webhook(listen="127.0.0.1", port=port, url_path="telegram",
                                            webhook_url="https://bot.example.nl/telegram", secret_token=WEBHOOK_SECRET)
    return port
