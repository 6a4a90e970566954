"""Everything the antenna reads from its environment, read once."""

from datetime import time
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    project_root: Path = PROJECT_ROOT
    data_dir: Path = Field(default=PROJECT_ROOT / "var")
    database_url: str = ""

    host: str = "127.0.0.1"
    port: int = 8000
    timezone: str = "Europe/Rome"

    # A deployment that runs a Rasa server parses through its /model/parse instead.
    nlu_backend: str = "embedded"
    rasa_url: str = "http://127.0.0.1:5005"

    # Keyed hash that turns a channel's user id into our pseudonym; generated on first start
    # when not given, so no secret is ever written in the code.
    pseudonym_key: str = ""

    telegram_bot_token: str = ""
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    telegram_webhook_url: str = ""
    telegram_secret_token: str = ""
    telegram_operator_group_ids: list[int] = Field(default_factory=list)

    whatsapp_token: str = ""
    whatsapp_phone_id: str = ""
    whatsapp_app_secret: str = ""
    whatsapp_verify_token: str = ""
    whatsapp_graph_url: str = "https://graph.facebook.com"
    whatsapp_graph_version: str = "v21.0"
    whatsapp_reengage_template: str = "scintille_riprendi"
    whatsapp_template_language: str = "it"

    # Delivery of the outbox: the platforms' caps across chats (Telegram about 30 messages/s,
    # WhatsApp 80/s per number). The senders pace themselves just under them.
    telegram_messages_per_second: float = 30.0
    whatsapp_messages_per_second: float = 80.0
    # `antenna serve` delivers in a thread of its own; false when a separate
    # `python -m bot.delivery` process does it instead.
    delivery_in_process: bool = True
    # A claim older than this belongs to a sender that died mid-call (longer than any call).
    delivery_lease_seconds: float = 60.0
    delivery_max_attempts: int = 8

    demo_data: bool = True

    # Announcements and campaigns wait for the morning; replies and urgent notices do not.
    quiet_hours_start: time = time(21, 0)
    quiet_hours_end: time = time(8, 30)
    # A community leader's announcement goes out only once a coordinator approved it.
    broadcast_approval_required: bool = True
    # How often the campaign timer looks for what is due; the lease outlives three beats.
    scheduler_interval_seconds: float = 30.0
    # `antenna serve` runs the campaign timer; with `python -m bot.scheduling` running apart it
    # may stay on too (only one of them works at a time).
    campaign_timer: bool = True
    # Processes that run the conversation turns (NLU and engine), a person always in the same
    # one; 1 runs them in the web app's own process. Each holds the NLU (some 265 MB).
    turn_workers: int = Field(default=1, ge=1)

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'antenna.db'}"
