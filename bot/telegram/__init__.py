"""The Telegram edge of the bot: routing, rendering and handlers on top of python-telegram-bot 22."""
