"""The channels' tests talk to real HTTP servers on 127.0.0.1 standing in for the platforms."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.standins.graph_api import ACCESS_TOKEN, APP_SECRET, PHONE_NUMBER_ID, VERSION, GraphApi
from tests.standins.telegram_bot_api import TOKEN, TelegramBotApi

VERIFY_TOKEN = "verify-me-please"


@pytest.fixture
def telegram_api() -> Iterator[TelegramBotApi]:
    with TelegramBotApi() as api:
        yield api


@pytest.fixture
def graph_api() -> Iterator[GraphApi]:
    with GraphApi() as api:
        yield api


@pytest.fixture
def telegram_settings(tmp_path: Path, telegram_api: TelegramBotApi) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        pseudonym_key="test-key",
        demo_data=False,
        telegram_bot_token=TOKEN,
        telegram_base_url=telegram_api.base_url,
        telegram_base_file_url=telegram_api.base_file_url,
    )


@pytest.fixture
def whatsapp_settings(tmp_path: Path, graph_api: GraphApi) -> Settings:
    return Settings(
        data_dir=tmp_path / "var",
        pseudonym_key="test-key",
        demo_data=False,
        whatsapp_token=ACCESS_TOKEN,
        whatsapp_phone_id=PHONE_NUMBER_ID,
        whatsapp_app_secret=APP_SECRET,
        whatsapp_verify_token=VERIFY_TOKEN,
        whatsapp_graph_url=graph_api.base_url,
        whatsapp_graph_version=VERSION,
    )
