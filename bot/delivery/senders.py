"""The senders of the channels this deployment has credentials for."""

from bot.channels.telegram.sender import TelegramSender
from bot.channels.whatsapp.sender import WhatsAppSender
from bot.delivery.sender import Sender
from bot.settings import Settings


def configured_senders(settings: Settings, channels: set[str] | None = None) -> list[Sender]:
    """`channels` narrows them down (a process that sends for one channel only)."""
    senders: list[Sender] = []
    if settings.telegram_bot_token and _wanted(TelegramSender.channel, channels):
        senders.append(TelegramSender(settings))
    whatsapp = bool(settings.whatsapp_token and settings.whatsapp_phone_id)
    if whatsapp and _wanted(WhatsAppSender.channel, channels):
        senders.append(WhatsAppSender(settings))
    return senders


def _wanted(channel: str, channels: set[str] | None) -> bool:
    return channels is None or channel in channels
