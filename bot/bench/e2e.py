"""End-to-end benchmark of the Telegram layer: reply latency and throughput with 1, 10 and 50 simultaneous users.

The real PTB `Application` (same handlers, AIORateLimiter, usage store and settings as `python -m bot`) long-polls the
strict fake Bot API of `tests/fake_bot_api.py` over HTTP on 127.0.0.1, as the end-to-end tests run it, but in a process
of its own (`python -m bot.bench.e2e bot SPEC`), as in production, where Telegram's servers and the users are not in
the bot's process: with the fake server and the users in the same interpreter, they took half of the bot's CPU.

Each simulated user is a private chat that asks a question, waits for the answer and asks the next one (a closed
loop), in two load models:
- in conversation (the headline figures): after each answer the user reads for 1-3 s (uniform, seeded) before asking
  again, and joins at a random moment of a first such interval. The standard model for "N concurrent users" (a load
  tester's users with a wait time). 2 s on average is far quicker than a person reading a quote and typing a question;
  it is chosen so that 50 users ask ~24 questions a second, just under Telegram's 30 messages a second overall: the
  heaviest load a bot that keeps to Telegram's limits can serve without making anyone queue.
- back to back: no reading time, so N users keep N questions in flight all the time. A capacity test: with the
  production rate limiter it measures Telegram's flood limit (N users wait about N/30 s), and without it (a second run)
  how many replies a second the bot process itself can produce.

Latency of one question = when the fake Bot API accepted the bot's sendMessage for that chat (`Call.at`) minus when the
user's message was queued as an update: long poll, routing, throttle, engine, usage store, rendering, rate limiter and
the HTTP round trip. Both instants are taken with `time.time()` because that is the clock the fake records with.

A development tool: it needs `tests/fake_bot_api.py` (not shipped in the package). `python -m bot bench` reports the
e2e rows as "not measured" when that file is missing.
"""

from __future__ import annotations

import asyncio
import json
import random
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.telegram.app import App
    from bot.telegram.services import Services

ROOT = Path(__file__).resolve().parents[2]
TESTS = ROOT / "tests"
USERS = (1, 10, 50)
READING_S = (1.0, 3.0)  # a user's pause between an answer and the next question (module docstring: why these)
# Questions per user (in conversation, back to back). In conversation each costs ~2 s of reading: 10 in a full run (500
# samples at 50 users). Back to back: enough samples for a stable p95; 50 users are held to ~30 replies/s by the rate
# limiter, so their 300 questions take ~10 s. A quick run asks fewer, so that `bench --quick` stays under a minute.
QUESTIONS_PER_USER = {1: (10, 30), 10: (10, 15), 50: (10, 6)}
QUICK_QUESTIONS_PER_USER = {1: (2, 20), 10: (3, 10), 50: (4, 4)}
DEFAULT_QUESTIONS_PER_USER = (5, 5)
# Questions as people type them (from tests/judgments.yaml): answered Dutch and English ones, and two the bot must
# decline (the abstention reply is rendered and sent too), so the mix costs what real traffic costs.
QUESTIONS = (
    "Hoe houd ik klanten trouw?",
    "Wat is de belangrijkste regel voor zakelijke relaties?",
    "Waarom raakt een opportunist mensen kwijt?",
    "Moet ik mijn beloftes nakomen?",
    "Wat ging er mis bij Aventeon?",
    "How do I keep my customers loyal?",
    "Should I keep my promises to clients?",
    "Wat als de balans in een relatie zoek is?",
    "Hoe bak ik een appeltaart?",
    "What is the capital of France?",
)
# The bot's per-user flood limit (telegram.yaml user_messages_per_minute, default 20) would throttle a benchmark user
# who asks every 1-3 s or without pause; 600 (the highest valid value) lets every question through to the engine.
USER_MESSAGES_PER_MINUTE = 600
REPLY_TIMEOUT_S = 30.0
SCAN_INTERVAL_S = 0.001
# AIORateLimiter is a leaky bucket of 30 messages draining at 30/s: wait until it is empty after a back-to-back
# scenario, so every scenario starts from the same state whatever ran before it.
LIMITER_DRAIN_S = 1.1
USAGE_KEY = b"bench-e2e-key"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0


def _import_fake() -> Any:
    """The FakeBotAPI class; tests/ is not a package, so it is put on sys.path (as pytest does for the tests)."""
    if not (TESTS / "fake_bot_api.py").exists():
        raise ImportError(f"the e2e benchmark needs the fake Bot API server {TESTS / 'fake_bot_api.py'}, which is "
                          "part of the repository's tests, not of the installed package")
    if str(TESTS) not in sys.path:
        sys.path.insert(0, str(TESTS))
    from fake_bot_api import FakeBotAPI  # type: ignore[import-not-found]  # tests/ is put on sys.path above

    return FakeBotAPI


class Replies:
    """Collects the bot's successful sendMessage calls per chat, from the fake's call log, with their times.

    One scanner task reads only the calls added since its last pass and wakes the users whose chat got a reply; letting
    every simulated user poll `fake.sent(chat)` instead would rescan the whole log hundreds of times a second on the
    event loop the bot itself runs on, and slow down what is being measured.
    """

    def __init__(self, fake: Any) -> None:
        self.fake = fake
        self.seen = 0
        self.times: dict[int, list[float]] = defaultdict(list)
        self.events: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def scan(self) -> None:
        calls = self.fake.calls
        end = len(calls)  # the server thread only appends, so the first `end` entries are stable
        for call in calls[self.seen:end]:
            if call.method == "sendMessage" and call.status == 200:
                chat = call.params.get("chat_id")
                if isinstance(chat, int):
                    self.times[chat].append(call.at)
                    self.events[chat].set()
        self.seen = end

    async def run(self) -> None:
        while True:
            self.scan()
            await asyncio.sleep(SCAN_INTERVAL_S)

    async def wait(self, chat_id: int, count: int) -> None:
        """Until `chat_id` has `count` replies; a missing reply is a bug in the bot, so it fails loudly."""
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while len(self.times[chat_id]) < count:
            event = self.events[chat_id]
            event.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise RuntimeError(f"e2e bench: chat {chat_id} got {len(self.times[chat_id])} of {count} replies "
                                   f"within {REPLY_TIMEOUT_S:.0f} s; recent calls:\n{self.fake.summary()}")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                continue


async def _start_bot(base_url: str, token: str, corpus_dir: Path, config_dir: Path, work: Path, *,
                     rate_limit: bool) -> tuple[App, Services]:
    """The bot as `python -m bot` builds it, started in the order `Application.run_polling` uses (as in
    tests/telegram_support.py), but on the given corpus and config and without the file watcher (nothing changes)."""
    from bot.serving.live import start_live
    from bot.telegram.app import build_application, start_polling_in_loop
    from bot.telegram.services import Services
    from bot.telegram.settings import load_telegram_settings, load_texts
    from bot.usage.store import UsageStore

    settings, _ = load_telegram_settings(config_dir)  # a broken key keeps its default, as when the bot runs
    settings = replace(settings, user_messages_per_minute=USER_MESSAGES_PER_MINUTE, admin_chat=None)
    texts, _ = load_texts(config_dir)
    _, holder = start_live(corpus_dir, config_dir, work / "e2e-cache")
    # The usage store stays on: production records every question in SQLite on the event loop, so it is part of the
    # latency a user sees.
    store = UsageStore.open(work / f"e2e-usage-{'rl' if rate_limit else 'free'}.sqlite3", USAGE_KEY, 30)
    services = Services(holder, config_dir, settings, texts, store=store, live=None)
    app = build_application(token, base_url, services, rate_limit=rate_limit, poll_timeout=1)
    # A 1 s long poll instead of production's 30 s only changes how fast the bot notices stopping: a long poll
    # returns as soon as an update is queued either way.
    await start_polling_in_loop(app, poll_timeout=1)
    return app, services


async def _serve_bot(spec: dict[str, Any]) -> None:
    """The bot process: start, say "ready" on stdout, serve until stdin closes, stop cleanly."""
    from bot.telegram.app import stop_polling_in_loop

    app, _ = await _start_bot(spec["base_url"], spec["token"], Path(spec["corpus"]), Path(spec["config"]),
                              Path(spec["work"]), rate_limit=spec["rate_limit"])
    try:
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    finally:
        await stop_polling_in_loop(app)


class BotProcess:
    """`python -m bot.bench.e2e bot SPEC` against the fake at `base_url`; stopped by closing its stdin."""

    def __init__(self, fake: Any, corpus_dir: Path, config_dir: Path, work: Path, *, rate_limit: bool) -> None:
        spec = {"base_url": fake.base_url, "token": fake.token, "corpus": str(corpus_dir.resolve()),
                "config": str(config_dir.resolve()), "work": str(work.resolve()), "rate_limit": rate_limit}
        from bot.serving.build_process import child_environment

        self.proc = subprocess.Popen([sys.executable, "-m", "bot.bench.e2e", "bot", json.dumps(spec)], cwd=ROOT,
                                     env=child_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    async def ready(self) -> None:
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), START_TIMEOUT_S)
        if line.strip() != "ready":
            raise RuntimeError(f"e2e bench: the bot process did not start (exit {self.proc.poll()})")

    async def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.to_thread(self.proc.wait, STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            await asyncio.to_thread(self.proc.wait)


def _summary(latencies_ms: list[float], started: float, finished: float) -> dict[str, Any]:
    from bot.bench.stats import percentiles

    pct = percentiles(latencies_ms)
    seconds = finished - started
    return {
        "replies": len(latencies_ms),
        "p50_ms": pct["p50"], "p95_ms": pct["p95"], "p99_ms": pct["p99"], "max_ms": pct["max"],
        "min_ms": min(latencies_ms) if latencies_ms else None,
        "seconds": seconds,
        "replies_per_s": len(latencies_ms) / seconds if seconds > 0 else None,
    }


@dataclass(frozen=True)
class Scenario:
    users: int
    questions: int  # per user
    reading_s: tuple[float, float] | None  # None: back to back


async def _scenario(fake: Any, replies: Replies, scenario: Scenario, first_id: int) -> dict[str, Any]:
    """`users` private chats at the same time, each asking `questions` questions one after the other."""
    latencies_ms: list[float] = []
    first_asked: list[float] = []
    finished: list[float] = []

    async def one_user(index: int) -> None:
        user = fake.user(first_id + index, first_name=f"Bench{index}")
        chat = fake.private_chat(user)
        already = len(replies.times[chat["id"]])
        reading = random.Random(first_id + index)  # seeded: every run offers the same load
        asked: list[float] = []
        if scenario.reading_s is not None:
            # Users of a running bot are spread over their reading intervals; all asking in the same millisecond
            # would be a burst of 50 that no real group of users produces.
            await asyncio.sleep(reading.uniform(0.0, scenario.reading_s[1]))
        for k in range(scenario.questions):
            if k and scenario.reading_s is not None:
                await asyncio.sleep(reading.uniform(*scenario.reading_s))
            asked.append(time.time())
            fake.send_message(chat, user, QUESTIONS[(index + k) % len(QUESTIONS)])
            await replies.wait(chat["id"], already + k + 1)
        answered = replies.times[chat["id"]][already:]
        latencies_ms.extend((a - q) * 1000 for q, a in zip(asked, answered, strict=True))
        first_asked.append(asked[0])
        finished.append(answered[-1])

    await asyncio.gather(*(one_user(i) for i in range(scenario.users)))
    reading = list(scenario.reading_s) if scenario.reading_s is not None else None
    return {"users": scenario.users, "questions_per_user": scenario.questions, "reading_s": reading,
            **_summary(latencies_ms, min(first_asked), max(finished))}


async def _measure_bot(fake_class: Any, corpus_dir: Path, config_dir: Path, work: Path, plan: Sequence[Scenario],
                       *, rate_limit: bool) -> list[dict[str, Any]]:
    """The rows of `plan`, in order, all against one bot process."""
    fake = fake_class()
    fake.start()
    replies = Replies(fake)
    scanner = asyncio.create_task(replies.run())
    bot = BotProcess(fake, corpus_dir, config_dir, work, rate_limit=rate_limit)
    try:
        await bot.ready()
        # Warm-up: the first question opens the HTTP connections and touches cold code paths.
        await _scenario(fake, replies, Scenario(1, 2, None), first_id=1)
        out: list[dict[str, Any]] = []
        previous: Scenario | None = None
        for n, scenario in enumerate(plan, start=1):
            if rate_limit and (previous is None or previous.reading_s is None):
                # Users in conversation ask well under the limiter's rate and leave its bucket near empty; only
                # back-to-back users fill it.
                await asyncio.sleep(LIMITER_DRAIN_S)
            previous = scenario
            # Fresh user ids per scenario, so no scenario inherits another's flood-control window.
            out.append(await _scenario(fake, replies, scenario, first_id=n * 100_000))
        rejected = [c for c in fake.calls if c.method == "sendMessage" and c.status != 200]
        if rejected or fake.internal_errors:
            raise RuntimeError(f"e2e bench: {len(rejected)} sends refused, fake errors {fake.internal_errors}; "
                               f"recent calls:\n{fake.summary()}")
        return out
    finally:
        await bot.stop()
        scanner.cancel()
        fake.stop()


def measure(corpus_dir: Path, config_dir: Path, work: Path, *, users: Sequence[int] = USERS,
            questions_per_user: int | None = None, reading_s: tuple[float, float] = READING_S,
            quick: bool = False) -> dict[str, dict[str, Any]]:
    """{"users_N": {"p50_ms", "p95_ms", "replies_per_s", ..., "back_to_back": {...}}} for each N in `users`.

    The main figures are users in conversation (reading `reading_s` between questions) with the production
    configuration. "back_to_back" holds the same users asking without pause, and unless `quick` also
    "p50_ms_no_rate_limiter", "p95_ms_no_rate_limiter" and "replies_per_s_no_rate_limiter" from a second bot without
    AIORateLimiter: what the bot process itself could do if Telegram allowed more than 30 messages a second. `quick`
    asks fewer questions in both models.
    """
    fake_class = _import_fake()
    work.mkdir(parents=True, exist_ok=True)

    def count(n: int, model: int) -> int:
        table = QUICK_QUESTIONS_PER_USER if quick else QUESTIONS_PER_USER
        return questions_per_user or table.get(n, DEFAULT_QUESTIONS_PER_USER)[model]

    talking = [Scenario(n, count(n, 0), reading_s) for n in users]
    back_to_back = [Scenario(n, count(n, 1), None) for n in users]
    limited = asyncio.run(_measure_bot(fake_class, corpus_dir, config_dir, work, talking + back_to_back,
                                       rate_limit=True))
    free = (asyncio.run(_measure_bot(fake_class, corpus_dir, config_dir, work, back_to_back, rate_limit=False))
            if not quick else [])
    out: dict[str, dict[str, Any]] = {}
    for i, n in enumerate(users):
        row = dict(limited[i])
        row["back_to_back"] = dict(limited[len(users) + i])
        if free:
            for key in ("p50_ms", "p95_ms", "replies_per_s"):
                row["back_to_back"][f"{key}_no_rate_limiter"] = free[i][key]
        out[f"users_{n}"] = row
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "bot":
        sys.exit("usage: python -m bot.bench.e2e bot SPEC_JSON (started by `python -m bot bench`)")
    asyncio.run(_serve_bot(json.loads(sys.argv[2])))
