"""Telegram's way in: python-telegram-bot's Application, by polling or by webhook.

The Application is built once with the builder and owns the transport (long polling, the Bot
API calls); our flows run in the engine, so there is one handler, which turns each update into
an IncomingMessage for the assistant. The replies are not sent here: the assistant writes them
to the outbox and the Telegram delivery worker sends them.

Polling runs when no webhook URL is configured, so that a newcomer's `antenna serve` talks to
their bot at once; with TELEGRAM_WEBHOOK_URL the webhook is registered with a secret token and
the ASGI app's route feeds the updates in.
"""

import asyncio
import contextlib
import hashlib
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler

from bot.channels.button_references import payload_of_button
from bot.channels.labels import load_labels
from bot.channels.telegram.buttons import payload_of_keyboard_text
from bot.channels.telegram.commands import COMMANDS, LABEL_PREFIX, menu
from bot.channels.telegram.operator_updates import OperatorsOnTelegram
from bot.channels.telegram.sender import (
    LABELS_PREFIX,
    keep_the_token_out_of_logs,
    telegram_request,
)
from bot.channels.telegram.update_order import PerChatUpdateProcessor
from bot.channels.telegram.updates import ALLOWED_UPDATES, incoming_from_update, is_private
from bot.db.database import Database
from bot.engine.turns import Turns
from bot.messages import Channel, IncomingMessage
from bot.settings import Settings

log = logging.getLogger(__name__)

# The operators' groups are answered by whoever registers here (the operators' side).
OperatorUpdates = Callable[[Update], Awaitable[None]]

MAX_CONCURRENT_UPDATES = 16
POLL_TIMEOUT = 10
RETRY_START_SECONDS = 30


def webhook_secret(settings: Settings) -> str:
    """The configured secret, or one derived from the token: stable across restarts, and
    nothing more to configure."""
    if settings.telegram_secret_token:
        return settings.telegram_secret_token
    digest = hmac.new(settings.telegram_bot_token.encode(), b"webhook", hashlib.sha256)
    return digest.hexdigest()


class TelegramChannel:
    def __init__(
        self,
        settings: Settings,
        assistant: Turns,
        database: Database,
        operator_updates: OperatorUpdates | None = None,
    ) -> None:
        keep_the_token_out_of_logs()
        self._settings = settings
        self._assistant = assistant
        self._database = database
        # By default the operators' side answers them: buttons under alerts, /rispondi, /nota.
        self._operators = OperatorsOnTelegram(database, settings)
        self._operator_updates = operator_updates or self._operators
        self._operator_groups = (
            frozenset(settings.telegram_operator_group_ids) | self._operators.group_ids
        )
        self._labels = load_labels(
            settings.project_root, LABELS_PREFIX, [LABEL_PREFIX + name for name in COMMANDS]
        )
        self.secret_token = webhook_secret(settings)
        self.uses_webhook = bool(settings.telegram_webhook_url)
        self._processor = PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES)
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_bot_token)
            .base_url(settings.telegram_base_url)
            .base_file_url(settings.telegram_base_file_url)
            .request(telegram_request(MAX_CONCURRENT_UPDATES * 2))
            .concurrent_updates(self._processor)
        )
        if self.uses_webhook:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.ready = asyncio.Event()
        self._stop = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None

    # -- lifecycle: an async context manager, for the runtime's background stack -------------

    async def __aenter__(self) -> "TelegramChannel":
        self._runner = asyncio.create_task(self._run(), name="telegram-channel")
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._runner is not None:
            await self._runner

    async def _run(self) -> None:
        if not await self._start_when_reachable():
            return
        self.ready.set()
        await self._stop.wait()
        self.ready.clear()
        await self._shutdown()

    async def _start_when_reachable(self) -> bool:
        """Start, retrying while Telegram cannot be reached; False when stopped or refused."""
        while not self._stop.is_set():
            try:
                await self._start()
                return True
            except InvalidToken:
                log.error("Telegram refused TELEGRAM_BOT_TOKEN: check it with BotFather")
                await self._shutdown()
                return False
            except TelegramError as error:
                log.warning(
                    "Telegram is not reachable (%s); trying again in %d s",
                    error.__class__.__name__,
                    RETRY_START_SECONDS,
                )
                await self._shutdown()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), RETRY_START_SECONDS)
        return False

    async def _start(self) -> None:
        application = self.application
        await application.initialize()
        await application.bot.set_my_commands(menu(self._labels))
        if self.uses_webhook:
            await application.bot.set_webhook(
                url=self._settings.telegram_webhook_url,
                secret_token=self.secret_token,
                allowed_updates=ALLOWED_UPDATES,
            )
            log.info("Telegram: webhook registered")
        elif application.updater is not None:
            await application.updater.start_polling(
                allowed_updates=ALLOWED_UPDATES, timeout=POLL_TIMEOUT, poll_interval=0
            )
            log.info("Telegram: polling @%s", application.bot.username)
        await application.start()

    async def _shutdown(self) -> None:
        application = self.application
        if application.updater is not None and application.updater.running:
            await application.updater.stop()
        if application.running:
            await application.stop()
        with contextlib.suppress(Exception):
            await application.shutdown()

    # -- updates ------------------------------------------------------------------------------

    def parse(self, data: dict[str, Any]) -> Update:
        """An update from the webhook's JSON; raises on a shape that is not an update."""
        return Update.de_json(data, self.application.bot)

    async def process(self, update: Update) -> None:
        """One update from the webhook route, handled before the route answers: if handling
        fails the route answers an error and Telegram delivers the update again (the engine
        recognises the ones it already handled)."""
        await self._processor.process_update(update, self.handle(update))

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.handle(update)

    async def handle(self, update: Update) -> None:
        chat = update.effective_chat
        if chat is None:
            log.info("telegram update %d: a kind we do not handle", update.update_id)
            return
        if not is_private(update):
            if chat.id in self._operator_groups and self._operator_updates is not None:
                await self._operator_updates(update)
            else:
                # A group's id is not personal, and it is what TELEGRAM_OPERATOR_GROUP_IDS needs.
                log.info("telegram update %d: from group %d, ignored", update.update_id, chat.id)
            return
        if await asyncio.to_thread(self._operators.concerns, update):
            # An operator in a private chat: an on-call alert's button, or a command.
            await self._operator_updates(update)
            return
        if update.callback_query is not None:
            await self._acknowledge(update.callback_query)
        incoming = await asyncio.to_thread(self._incoming, update)
        if incoming is None:
            log.info("telegram update %d: nothing for the conversation", update.update_id)
            return
        started = time.monotonic()
        replies = await asyncio.to_thread(self._assistant.handle, incoming)
        log.info(
            "telegram update %s: text of %d characters, %s; %d replies queued in %d ms",
            incoming.message_id,
            len(incoming.text),
            "a button" if incoming.payload else "no button",
            len(replies),
            (time.monotonic() - started) * 1000,
        )

    def _incoming(self, update: Update) -> IncomingMessage | None:
        with self._database.unit_of_work() as session:
            return incoming_from_update(
                update,
                self.application.bot.username,
                lambda data, chat: payload_of_button(session, Channel.TELEGRAM, data, chat),
                lambda text, chat: payload_of_keyboard_text(session, text, chat),
            )

    async def _acknowledge(self, query: CallbackQuery) -> None:
        """Stop the button's spinner, and take the buttons away so an old choice cannot be
        pressed again later."""
        try:
            await query.answer()
            if query.message is not None:
                await query.edit_message_reply_markup(reply_markup=None)
        except TelegramError as error:
            log.info("telegram: could not acknowledge a button (%s)", error.__class__.__name__)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(
            "telegram update %s could not be handled",
            update_id,
            exc_info=context.error,
        )
