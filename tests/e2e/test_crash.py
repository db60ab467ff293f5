"""kill -9 loses no question: the real `python -m bot` process against the fake Bot API, killed at random moments.

An independent probe found that 34 of 40 users never got an answer after a kill -9: the updates had been confirmed to
Telegram before they were answered. The update journal (bot/telegram/journal.py) closes that; this test is its proof.
The fake keeps every update until a getUpdates with a higher offset confirms it, exactly as Telegram does.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from fake_bot_api import FakeBotAPI
from telegram_support import copy_tree

ROOT = Path(__file__).resolve().parents[2]
SEED = 15
ROUNDS = 10
PER_ROUND = 6  # questions sent right before each kill
QUESTIONS = ["Hoe houd ik klanten trouw?", "Wat is de belangrijkste regel?", "Wat ging er mis bij Aventeon?",
             "Hoe bouw ik vertrouwen op?", "Hoe ga ik om met een boze klant?", "Wat doe ik na een fout?"]


def start_bot(tmp: Path, fake: FakeBotAPI, log_name: str) -> subprocess.Popen[bytes]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RELATIEBOT_"))}
    env = {**clean, "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": fake.base_url,
           "RELATIEBOT_DATA": str(tmp / "data")}
    with open(tmp / log_name, "wb") as log:  # a file, not a pipe: an unread pipe would block the bot when full
        return subprocess.Popen([sys.executable, "-m", "bot", "run", "--corpus", str(tmp / "corpus"), "--config",
                                 str(tmp / "config")], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT)


def answered(fake: FakeBotAPI, chats: list[int]) -> list[int]:
    """The chats with at least one successful answer (one pass over the calls, not one per chat)."""
    got = {c.response["result"]["chat"]["id"] for c in list(fake.calls)
           if c.method == "sendMessage" and c.status == 200}
    return [chat for chat in chats if chat in got]


async def test_sigkill_at_random_moments_loses_no_question(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    copy_tree(tmp_path)
    fake = FakeBotAPI()
    fake.start()
    asked: list[int] = []
    in_flight_at_kill: list[int] = []
    kills: list[float] = []
    process: subprocess.Popen[bytes] | None = None
    started = time.monotonic()
    try:
        for round_ in range(ROUNDS + 1):
            process = start_bot(tmp_path, fake, f"bot-{round_}.log")
            # After every restart, every question asked so far has its answer (the ones in flight at the kill too).
            everyone = list(asked)
            await fake.wait_for(lambda e=everyone: len(answered(fake, e)) == len(e), timeout=45,
                                what=f"answers to all {len(everyone)} questions after restart {round_}")
            log = tmp_path / f"bot-{round_}.log"
            await fake.wait_for(lambda log=log: "Application started" in log.read_text(), timeout=30, what="polling")
            if round_ == ROUNDS:
                break
            # Telegram answers the first sends slowly and then drops the connection without executing them (the bot
            # retries), so a kill finds questions taken and confirmed to Telegram but not yet answered.
            fake.fail("sendMessage", "drop", times=PER_ROUND, delay=rng.uniform(0.1, 0.4))
            fresh = []
            for i in range(PER_ROUND):
                user = fake.user(1000 * (round_ + 1) + i)
                chat = fake.private_chat(user)
                fake.send_message(chat, user, QUESTIONS[i % len(QUESTIONS)])
                fresh.append(chat["id"])
            asked += fresh
            await asyncio.sleep(rng.uniform(0.05, 0.6))
            process.send_signal(signal.SIGKILL)
            kills.append(time.time())
            process.wait(timeout=10)
            in_flight_at_kill.append(PER_ROUND - len(answered(fake, fresh)))
            with fake._cond:
                fake._state.faults.clear()  # a slow send the dead process did not use must not slow the next round
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0, (tmp_path / f"bot-{ROUNDS}.log").read_text()
    finally:
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()
        fake.stop()
    first: dict[int, float] = {}
    copies = dict.fromkeys(asked, 0)
    for call in fake.calls:
        if call.method == "sendMessage" and call.status == 200:
            chat = call.response["result"]["chat"]["id"]
            copies[chat] += 1
            first.setdefault(chat, call.at)
    twice = [chat for chat in asked if copies[chat] > 1]
    # What the journal gave back: questions Telegram had been told were taken, answered only thanks to the journal.
    from_journal = [int(m) for n in range(ROUNDS + 1) for m in re.findall(
        r"journal: (\d+) question", (tmp_path / f"bot-{n}.log").read_text())]
    print(f"\n{ROUNDS} kill -9 rounds, {len(asked)} questions, unanswered at each kill: {in_flight_at_kill}, "
          f"answered from the journal after each restart: {from_journal}; all answered; answered twice: "
          f"{len(twice)}; {time.monotonic() - started:.1f} s")
    assert sum(in_flight_at_kill) > 0, "no kill found a question in flight: the test proves nothing"
    assert all(copies[chat] >= 1 for chat in asked)
    # A second copy is the documented trade: only when the first was being sent (or sent and not yet marked done)
    # at the moment of a kill, before the journal had marked it done.
    stray = [chat for chat in twice if not any(kill - 0.2 <= first[chat] <= kill + 0.2 for kill in kills)]
    assert not stray, f"answered twice although their first answer was not in flight at a kill: {stray}"
