"""The real NLU for the commands' tests, loaded once."""

import pytest

from bot.nlu import NluPipeline, load_pipeline
from bot.settings import Settings


@pytest.fixture(scope="session")
def nlu() -> NluPipeline:
    """The real NLU, trained once if its model is stale."""
    return load_pipeline(Settings())
