"""The Bot API address: refuse a malformed one at start, and tell a wrong address from a refused token.

A malformed TELEGRAM_BASE_URL (a bad port, `ftp://`, no host) used to be retried forever as "cannot reach Telegram",
and a wrong path (a 404 from the server) ended with "Telegram refused TELEGRAM_BOT_TOKEN", because PTB raises the same
InvalidToken for 401 and 404. Both sent the operator after the wrong problem.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx


def address_problem(url: str) -> str | None:
    """What is wrong with a Bot API base URL such as https://api.telegram.org/bot, or None when it is usable."""
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a port that is no number or out of range
    except ValueError as exc:
        return f"is not a valid address ({exc})"
    if parts.scheme not in ("http", "https"):
        return f"must start with http:// or https://, not {parts.scheme + '://' if parts.scheme else 'nothing'}"
    if not parts.hostname:
        return "has no host name"
    if port == 0:
        return "has port 0"
    if parts.query or parts.fragment:
        return "must not contain '?' or '#'"
    return None


async def refused_because(base_url: str, token: str, timeout: float = 10.0) -> str:
    """After PTB's InvalidToken on getMe: "address" when the server said 404 (no Bot API at that path), "token" when
    it said 401 or anything else (Telegram's answer to a well-formed token it does not know)."""
    try:
        async with httpx.AsyncClient(timeout=timeout) as client:
            response = await client.post(f"{base_url.rstrip('/')}{token}/getMe")
    except httpx.HTTPError:
        return "token"
    return "address" if response.status_code == 404 else "token"
