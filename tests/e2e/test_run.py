"""The run command as an operator starts it: a real `python -m bot` process against the fake Bot API."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from fake_bot_api import FakeBotAPI
from telegram_support import copy_tree

from bot.search.engine import Engine

ROOT = Path(__file__).resolve().parents[2]


def run_bot(tmp: Path, env: dict[str, str], *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    corpus, config = (tmp / "corpus", tmp / "config") if (tmp / "corpus").exists() else copy_tree(tmp)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RELATIEBOT_"))}
    return subprocess.run([sys.executable, "-m", "bot", "run", "--corpus", str(corpus), "--config", str(config),
                           *args], cwd=ROOT, env={**clean, "RELATIEBOT_DATA": str(tmp / "data"), **env},
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


def test_missing_token_without_a_terminal_is_a_clear_error(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {})
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN is not set" in result.stderr
    assert "@BotFather" in result.stderr


def test_malformed_token_is_refused_without_echoing_it(tmp_path: Path) -> None:
    result = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": "not-a-token-SECRETPART"})
    assert result.returncode == 2
    assert "does not look like a bot token" in result.stderr
    assert "SECRETPART" not in result.stderr + result.stdout


def test_invalid_setting_names_the_key_and_the_expected_form(tmp_path: Path) -> None:
    _, config = copy_tree(tmp_path)
    text = (config / "telegram.yaml").read_text(encoding="utf-8")
    (config / "telegram.yaml").write_text(text.replace("group_answers_per_minute: 6", "group_answers_per_minute: lots")
                                          + "\ncolour: blue\n", encoding="utf-8")
    result = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": FakeBotAPI().token})
    assert result.returncode == 2
    assert "'group_answers_per_minute' is 'lots'; expected a whole number from 1 to 60" in result.stderr
    assert "using the default" not in result.stderr  # it refuses to start; no default is used
    assert "telegram.yaml:" in result.stderr
    assert "unknown key 'colour'" in result.stderr and "warning" in result.stderr


def test_webhook_mode_without_a_secret_is_refused(tmp_path: Path) -> None:
    _, config = copy_tree(tmp_path)
    text = (config / "telegram.yaml").read_text(encoding="utf-8")
    text = text.replace("mode: polling", "mode: webhook").replace('url: ""', "url: https://bot.example.nl/telegram")
    (config / "telegram.yaml").write_text(text, encoding="utf-8")
    result = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": FakeBotAPI().token})
    assert result.returncode == 2
    assert "TELEGRAM_WEBHOOK_SECRET" in result.stderr


async def test_sigterm_finishes_questions_in_flight_and_commits_the_offset(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    fake.start()
    process = await _start_bot_process(tmp_path, fake.base_url, fake.token)
    corpus, config = tmp_path / "corpus", tmp_path / "config"
    try:
        # Long polls are recorded when they return; deleteWebhook comes right before polling starts.
        await fake.wait_for(lambda: bool(fake.calls_to("deleteWebhook")), timeout=30, what="the bot starting")
        anna = fake.user(1)
        chat = fake.private_chat(anna)
        fake.fail("sendMessage", "slow", delay=1.5)  # the answer is still being sent when SIGTERM arrives
        fake.send_message(chat, anna, "Wat is de belangrijkste regel?")
        await fake.wait_for(lambda: any(c.method == "getUpdates" and c.response.get("result")
                                        for c in fake.calls), timeout=10, what="the update fetched")
        await asyncio.sleep(0.4)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        log = output.decode()
        assert process.returncode == 0, log
        sent = fake.sent(chat["id"])
        assert len(sent) == 1 and "<blockquote>" in sent[0]["text"], fake.summary()
        assert fake.pending_updates() == [], "the offset of the answered update was not confirmed"
        assert "bot stopped" in log
        assert fake.token.split(":", 1)[1] not in log
        # A restart reads the index from the on-disk cache written at the first start.
        assert list((tmp_path / "data" / "cache").iterdir())
        engine = Engine.load(corpus, config)
        assert engine.version in log
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        fake.stop()


def test_revoked_token_is_a_clear_error_without_the_token(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    fake.start()
    try:
        revoked = "123456:REVOKED-abcdefghijklmnopqrstuvwxyz"
        result = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": revoked, "TELEGRAM_BASE_URL": fake.base_url})
    finally:
        fake.stop()
    assert result.returncode == 2, result.stderr
    assert "Telegram refused TELEGRAM_BOT_TOKEN" in result.stderr
    assert "REVOKED-abcdefghijklmnopqrstuvwxyz" not in result.stderr + result.stdout
    assert any(c.status == 401 for c in fake.calls), "the fake was asked and refused the token"


def test_a_malformed_base_url_ends_the_bot_naming_the_variable(tmp_path: Path) -> None:
    """It used to be retried forever as "cannot reach Telegram", sending the operator after an outage."""
    for wrong, said in [("http://127.0.0.1:99999/bot", "is not a valid address"),
                        ("ftp://127.0.0.1/bot", "must start with http:// or https://, not ftp://"),
                        ("not an address", "must start with http:// or https://")]:
        result = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": FakeBotAPI().token, "TELEGRAM_BASE_URL": wrong}, timeout=30)
        assert result.returncode == 2, result.stderr
        assert f"error: TELEGRAM_BASE_URL {said}" in result.stderr
        assert "cannot reach Telegram" not in result.stderr


def test_a_404_from_the_api_path_is_a_wrong_address_and_a_401_a_refused_token(tmp_path: Path) -> None:
    fake = FakeBotAPI()
    fake.start()
    try:
        wrong_path = fake.base_url.replace("/bot", "/api/bot")  # the fake, like Telegram, answers 404 there
        result = run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_BASE_URL": wrong_path})
    finally:
        fake.stop()
    assert result.returncode == 2, result.stderr
    assert "answered 404 Not Found: TELEGRAM_BASE_URL is probably the wrong address" in result.stderr
    assert "refused TELEGRAM_BOT_TOKEN" not in result.stderr
    assert fake.token.split(":", 1)[1] not in result.stderr + result.stdout
    # The 401 half is test_revoked_token_is_a_clear_error_without_the_token.


def test_usage_data_follows_relatiebot_data(tmp_path: Path) -> None:
    """With RELATIEBOT_DATA set, nothing is written beside the config (the repository in production)."""
    fake = FakeBotAPI()
    fake.start()
    elsewhere = tmp_path / "elsewhere"
    try:
        revoked = "123456:REVOKED-abcdefghijklmnopqrstuvwxyz"
        run_bot(tmp_path, {"TELEGRAM_BOT_TOKEN": revoked, "TELEGRAM_BASE_URL": fake.base_url,
                           "RELATIEBOT_DATA": str(elsewhere)})
    finally:
        fake.stop()
    assert (elsewhere / "usage.sqlite3").exists() and (elsewhere / "cache").is_dir()
    assert not (tmp_path / "data").exists()  # data/ beside config/ is the default only without RELATIEBOT_DATA


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _start_bot_process(tmp_path: Path, base_url: str, token: str) -> asyncio.subprocess.Process:
    corpus, config = copy_tree(tmp_path)
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "RELATIEBOT_"))}
    env = {**clean, "TELEGRAM_BOT_TOKEN": token, "TELEGRAM_BASE_URL": base_url,
           "RELATIEBOT_DATA": str(tmp_path / "data")}
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--corpus", str(corpus), "--config", str(config), cwd=ROOT, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


async def _read_until(process: asyncio.subprocess.Process, text: str, seen: list[str], timeout: float = 30) -> None:
    assert process.stdout is not None
    async with asyncio.timeout(timeout):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise AssertionError(f"the bot exited ({process.returncode}) before saying {text!r}:\n{''.join(seen)}")
            seen.append(line)
            if text in line:
                return


async def test_telegram_unreachable_at_start_is_waited_for_then_served(tmp_path: Path) -> None:
    """A service that starts before the network (or during a Telegram outage) must wait, not exit: it used to stop
    on the first failed getMe ("Failed run number 0 of 0")."""
    port = _free_port()
    fake = FakeBotAPI()
    process = await _start_bot_process(tmp_path, f"http://127.0.0.1:{port}/bot", fake.token)
    seen: list[str] = []
    try:
        await _read_until(process, "cannot reach Telegram at http://127.0.0.1:", seen)
        assert process.returncode is None
        fake.start(port)  # Telegram comes back
        await fake.wait_for(lambda: bool(fake.calls_to("deleteWebhook")), timeout=30, what="the bot starting")
        anna = fake.user(1)
        chat = fake.private_chat(anna)
        fake.send_message(chat, anna, "Wat is de belangrijkste regel?")
        sent = await fake.wait_sent(1, chat["id"], timeout=10)
        assert "<blockquote>" in sent[0]["text"]
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, "".join(seen) + output.decode()
        assert fake.token.split(":", 1)[1] not in "".join(seen) + output.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        fake.stop()


async def test_sigterm_while_waiting_for_telegram_exits_cleanly(tmp_path: Path) -> None:
    process = await _start_bot_process(tmp_path, f"http://127.0.0.1:{_free_port()}/bot", FakeBotAPI().token)
    seen: list[str] = []
    try:
        await _read_until(process, "cannot reach Telegram", seen)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, "".join(seen) + output.decode()
        assert "stopped while waiting for Telegram" in output.decode()
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
