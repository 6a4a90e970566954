"""The operators' side on a real database, with the real queues.yml and domain.yml."""

import pytest

from bot.services.domain_texts import DomainTexts
from bot.services.operator_setup import OperatorSetup
from bot.settings import PROJECT_ROOT, Settings

# Every queue without a group of its own posts here (TELEGRAM_OPERATOR_GROUP_IDS).
OPERATORS_GROUP = "-1001000"


@pytest.fixture(scope="session")
def domain_texts() -> DomainTexts:
    return DomainTexts.load(PROJECT_ROOT)


@pytest.fixture
def setup(domain_texts: DomainTexts) -> OperatorSetup:
    settings = Settings(
        telegram_operator_group_ids=[int(OPERATORS_GROUP)], pseudonym_key="test", demo_data=False
    )
    return OperatorSetup.load(settings, domain_texts)
