"""The Telegram edge of the bot: routing, rendering and handlers on top of python-telegram-bot 22."""

import os

# Opt in to PTB's future behaviour (RetryAfter.retry_after as a timedelta) instead of a deprecation warning on every
# 429; `sending.deliver` accepts both forms.
os.environ.setdefault("PTB_TIMEDELTA", "1")
