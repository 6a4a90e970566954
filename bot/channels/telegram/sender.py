"""Outbox rows to Telegram through python-telegram-bot's Bot, each error read for what it means.

Telegram's limits: about 30 messages a second across chats, about one a second in a chat (a few
at once are tolerated), 20 a minute in a group. A 429 carries `retry_after`; 403 means the person
blocked the bot (or left the group). Whether a failed call may have reached Telegram decides
between a retry and `uncertain`: a connection that never opened sent nothing, a read that timed
out may have delivered.
"""

import datetime as dtm
import logging
import warnings
from functools import partial

import httpx
from telegram import Bot, Message
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.channels.labels import load_labels
from bot.channels.telegram.rendering import LocationCall, TelegramCall, TextCall, render
from bot.delivery.claims import ClaimedRow
from bot.delivery.outcomes import (
    Blocked,
    ChannelDown,
    Delivered,
    Outcome,
    Rejected,
    Throttled,
    Transient,
    Uncertain,
)
from bot.delivery.pacing import ChannelLimits, ChatRate
from bot.delivery.sender import Send
from bot.messages import Channel
from bot.settings import Settings

LABELS_PREFIX = "utter_telegram_"
SHARE_LOCATION = "share_location"

# Slightly under Telegram's figures, so that our pacing and theirs never disagree by a message.
PRIVATE_CHAT = ChatRate(burst=3, per_second=0.95)
GROUP_CHAT = ChatRate(burst=1, per_second=19 / 60)

# Transport errors after which the request cannot have reached Telegram.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def keep_the_token_out_of_logs() -> None:
    """httpx logs every request's URL at INFO, and a Bot API URL carries the bot's token."""
    logging.getLogger("httpx").setLevel(max(logging.WARNING, logging.getLogger("httpx").level))


def chat_rate(address: str) -> ChatRate:
    return GROUP_CHAT if address.startswith("-") else PRIVATE_CHAT


def telegram_request(pool_size: int = 32) -> HTTPXRequest:
    # Read timeout short enough that the lease is never reached while a call is still alive.
    return HTTPXRequest(
        connection_pool_size=pool_size,
        connect_timeout=5.0,
        read_timeout=15.0,
        write_timeout=15.0,
        pool_timeout=5.0,
    )


class TelegramSender:
    channel = Channel.TELEGRAM.value

    def __init__(self, settings: Settings) -> None:
        keep_the_token_out_of_logs()
        self._bot = Bot(
            settings.telegram_bot_token,
            base_url=settings.telegram_base_url,
            base_file_url=settings.telegram_base_file_url,
            request=telegram_request(),
        )
        self._share_location = load_labels(settings.project_root, LABELS_PREFIX, [SHARE_LOCATION])[
            SHARE_LOCATION
        ]
        self.limits = ChannelLimits(settings.telegram_messages_per_second, chat_rate)

    async def open(self) -> None:
        await self._bot.initialize()

    async def close(self) -> None:
        await self._bot.shutdown()

    def render(self, row: ClaimedRow) -> list[Send] | Outcome:
        calls = render(row.message, row.id, self._share_location)
        if not calls:
            return Rejected("nothing to send")
        return [partial(self._call, row.address, call) for call in calls]

    async def _call(self, chat_id: str, call: TelegramCall) -> Outcome:
        try:
            message = await self._execute(chat_id, call)
        except RetryAfter as error:
            return Throttled(_retry_after(error))
        except Forbidden as error:
            return Blocked(error.message)
        except ChatMigrated as error:
            return Rejected(f"the group moved to chat {error.new_chat_id}")
        except InvalidToken:
            return ChannelDown("Telegram refused TELEGRAM_BOT_TOKEN")
        except BadRequest as error:
            return Rejected(error.message)
        except NetworkError as error:
            return _network_outcome(error)
        except TelegramError as error:
            return Rejected(error.message)
        return Delivered(str(message.message_id))

    async def _execute(self, chat_id: str, call: TelegramCall) -> Message:
        if isinstance(call, TextCall):
            return await self._bot.send_message(
                chat_id=chat_id, text=call.text, reply_markup=call.reply_markup
            )
        if isinstance(call, LocationCall):
            return await self._bot.send_location(
                chat_id=chat_id, latitude=call.latitude, longitude=call.longitude
            )
        raise TypeError(f"unknown Telegram call {call!r}")


def _network_outcome(error: NetworkError) -> Outcome:
    cause = error.__cause__
    if cause is None:
        # Telegram answered with a server error: it did not take the message.
        return Transient(error.message)
    if isinstance(cause, _NOT_SENT):
        return Transient(f"no connection ({cause.__class__.__name__})")
    return Uncertain(f"the connection broke during the call ({cause.__class__.__name__})")


def _retry_after(error: RetryAfter) -> float:
    # PTB 22 warns that `retry_after` will become a timedelta; either form is read here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = error.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)
