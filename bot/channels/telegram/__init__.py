"""Telegram through python-telegram-bot: updates in by polling or webhook, outbox rows out."""
