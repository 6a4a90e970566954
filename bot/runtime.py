"""Everything the antenna runs on, built once from the settings: records, NLU, the assistant."""

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass, field

from bot.channels.telegram.channel import TelegramChannel
from bot.db.database import Database
from bot.db.migrate import upgrade
from bot.delivery.senders import configured_senders
from bot.delivery.service import DeliveryThread, worker_options
from bot.demo import load_demo_data
from bot.engine import Assistant
from bot.engine.content import load_content
from bot.engine.turn_workers import TurnWorkers
from bot.engine.turns import Turns
from bot.nlu import NluPipeline, load_pipeline
from bot.scheduling import running_campaign_timer
from bot.services.people import ensure_pseudonym_key
from bot.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    database: Database
    assistant: Turns
    # Workers that live as long as the web app (Telegram polling, the delivery workers, the
    # campaign timer).
    background: AsyncExitStack = field(default_factory=AsyncExitStack)

    @classmethod
    def build(cls, settings: Settings, nlu: NluPipeline | None = None) -> "Runtime":
        """Ready to talk: data dir, pseudonym key, migrated database, demo data, NLU, engine.

        `nlu` lets a caller that already holds a loaded pipeline (the tests) reuse it.
        """
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if not settings.pseudonym_key:
            # Kept on the runtime's settings too: `antenna privacy` finds people by pseudonym.
            key = ensure_pseudonym_key(settings.data_dir)
            settings = settings.model_copy(update={"pseudonym_key": key})
        database = Database(settings.resolved_database_url())
        try:
            upgrade(database.engine)
            if settings.demo_data:
                load_demo_data(database, settings.timezone)
            # Loaded here even for the workers: a model that needs training is trained once,
            # not by each of them at the same time.
            pipeline = nlu if nlu is not None else load_pipeline(settings)
            assistant: Turns
            if settings.turn_workers > 1:
                content = load_content(settings.project_root)
                del pipeline
                assistant = TurnWorkers(settings, content, settings.turn_workers)
            else:
                assistant = Assistant(database, pipeline, settings.project_root, settings)
        except BaseException:
            database.dispose()
            raise
        return cls(settings, database, assistant)

    # Set while Telegram runs (polling, or the webhook the web app's route feeds).
    telegram: TelegramChannel | None = None

    async def start_background(self) -> None:
        """Start the workers that run beside the web app.

        A worker is an async context manager entered on `self.background`, so that
        `stop_background` stops them all, in reverse order, even when one of them fails.
        """
        if self.settings.telegram_bot_token:
            self.telegram = await self.background.enter_async_context(
                TelegramChannel(self.settings, self.assistant, self.database)
            )
        senders = configured_senders(self.settings) if self.settings.delivery_in_process else []
        if senders:
            delivery = DeliveryThread(self.database, senders, worker_options(self.settings))
            await self.background.enter_async_context(delivery)
        if self.settings.campaign_timer:
            await self.background.enter_async_context(
                running_campaign_timer(self.database, self.settings)
            )

    async def stop_background(self) -> None:
        await self.background.aclose()

    def close(self) -> None:
        if isinstance(self.assistant, TurnWorkers):
            self.assistant.close()
        self.database.dispose()
