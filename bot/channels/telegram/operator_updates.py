"""What operators do on Telegram: press the buttons under an alert, write /rispondi or /nota;
and what community leaders and coordinators do: write /annuncio, press "Invia" or "Annulla".

Such an update never reaches the citizens' assistant. A button's answer is shown at once
(answerCallbackQuery); anything longer (the choice of a queue, the reply to a command) goes
through the outbox like every other message, within the group's rate limits.
"""

import asyncio
import logging
from functools import cached_property

from telegram import CallbackQuery, Update
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.db.database import Database
from bot.db.types import utcnow
from bot.messages import OutgoingMessage
from bot.services.accounts import user_by_telegram
from bot.services.bulk_messages import BulkTexts
from bot.services.operator_alerts import (
    COMMANDS,
    CallbackAnswer,
    handle_operator_callback,
    handle_operator_command,
    is_operator_callback,
)
from bot.services.operator_notices import send_to_chat
from bot.services.operator_setup import OperatorSetup
from bot.services.quiet_hours import QuietHours
from bot.services.telegram_announcements import (
    AnnouncementTools,
    handle_announcement_callback,
    handle_announcement_command,
    is_announcement_callback,
    is_announcement_command,
)
from bot.settings import Settings

log = logging.getLogger(__name__)


class OperatorsOnTelegram:
    def __init__(self, database: Database, settings: Settings) -> None:
        self._database = database
        self._settings = settings

    @cached_property
    def setup(self) -> OperatorSetup:
        return OperatorSetup.load(self._settings)

    @cached_property
    def announcement_tools(self) -> AnnouncementTools:
        return AnnouncementTools(
            self.setup.texts,
            BulkTexts.load(self._settings.project_root),
            QuietHours.from_settings(self._settings),
            self._settings.broadcast_approval_required,
        )

    @property
    def group_ids(self) -> frozenset[int]:
        """The operators' groups of queues.yml, besides TELEGRAM_OPERATOR_GROUP_IDS."""
        return frozenset(int(chat) for chat in self.setup.operator_chats)

    def concerns(self, update: Update) -> bool:
        """In a private chat: a button of an operators' alert or of an announcement, an
        operator's command, or /annuncio (whoever writes it: a citizen is told it is not theirs).
        """
        query = update.callback_query
        if query is not None:
            data = query.data or ""
            return is_operator_callback(data) or is_announcement_callback(data)
        message = update.message
        if message is None or message.from_user is None or not message.text:
            return False
        if is_announcement_command(message.text):
            return True
        command = message.text.split(maxsplit=1)[0].split("@", 1)[0].lower()
        if command not in COMMANDS:
            return False
        with self._database.unit_of_work() as session:
            return user_by_telegram(session, message.from_user.id) is not None

    async def __call__(self, update: Update) -> None:
        query = update.callback_query
        if query is not None and query.data and is_announcement_callback(query.data):
            answer = await asyncio.to_thread(
                self._press_announcement, query.from_user.id, query.data
            )
            await self._answer(query, answer)
            return
        if query is not None and query.data and is_operator_callback(query.data):
            chat = query.message.chat.id if query.message is not None else query.from_user.id
            answer = await asyncio.to_thread(self._press, query.from_user.id, query.data, chat)
            await self._answer(query, answer)
            return
        message = update.message
        if message is None or message.from_user is None or not message.text:
            return
        if is_announcement_command(message.text) and message.chat.type == ChatType.PRIVATE:
            await asyncio.to_thread(
                self._announce, message.from_user.id, message.text, message.chat.id
            )
            return
        await asyncio.to_thread(self._command, message.from_user.id, message.text, message.chat.id)

    async def _answer(self, query: CallbackQuery, answer: CallbackAnswer) -> None:
        try:
            await query.answer(answer.text[:200], show_alert=answer.alert)
        except TelegramError as error:
            log.info("telegram: could not answer an operator's button (%s)", type(error).__name__)

    def _press(self, telegram_user_id: int, data: str, chat: int) -> CallbackAnswer:
        with self._database.unit_of_work() as session:
            return handle_operator_callback(
                session, telegram_user_id, data, chat_id=chat, setup=self.setup
            )

    def _press_announcement(self, telegram_user_id: int, data: str) -> CallbackAnswer:
        with self._database.unit_of_work() as session:
            return handle_announcement_callback(
                session, telegram_user_id, data, self.announcement_tools, utcnow()
            )

    def _announce(self, telegram_user_id: int, text: str, chat: int) -> None:
        with self._database.unit_of_work() as session:
            reply = handle_announcement_command(
                session, telegram_user_id, text, self.announcement_tools, utcnow()
            )
            send_to_chat(session, str(chat), reply)

    def _command(self, telegram_user_id: int, text: str, chat: int) -> None:
        with self._database.unit_of_work() as session:
            reply = handle_operator_command(session, telegram_user_id, text, setup=self.setup)
            if reply is not None:
                send_to_chat(session, str(chat), OutgoingMessage(text=reply))
