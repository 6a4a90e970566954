"""Everything the antenna reads from its environment, read once."""

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

    demo_data: bool = True

    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'antenna.db'}"
