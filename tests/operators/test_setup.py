"""The operators' side reads queues.yml and domain.yml once, and says what is wrong in them."""

import random
from pathlib import Path

import pytest

from bot.engine.responses import Responses
from bot.services.domain_texts import DomainTexts
from bot.services.operator_setup import OperatorSetup, OperatorTextsMissing
from bot.services.routing import QueuesFileError
from bot.settings import PROJECT_ROOT, Settings


def project_with(tmp_path: Path, groups: str) -> Settings:
    queues = (PROJECT_ROOT / "queues.yml").read_text(encoding="utf-8")
    assert "telegram_groups: {}" in queues
    (tmp_path / "queues.yml").write_text(queues.replace("telegram_groups: {}", groups), "utf-8")
    return Settings(project_root=tmp_path, telegram_operator_group_ids=[-100900], demo_data=False)


def test_each_queue_posts_to_its_group_or_to_the_common_ones(
    tmp_path: Path, domain_texts: DomainTexts
) -> None:
    settings = project_with(tmp_path, "telegram_groups:\n  lavoro_casa: [-100111, -100112]")
    setup = OperatorSetup.load(settings, domain_texts)
    assert setup.groups_for("lavoro_casa") == ("-100111", "-100112")
    assert setup.groups_for("minori_famiglie") == ("-100900",)
    assert setup.operator_chats == frozenset({"-100111", "-100112", "-100900"})


def test_a_group_for_a_queue_that_does_not_exist_is_explained(
    tmp_path: Path, domain_texts: DomainTexts
) -> None:
    settings = project_with(tmp_path, "telegram_groups:\n  lavoro: -100111")
    with pytest.raises(QueuesFileError, match="'lavoro' non esiste"):
        OperatorSetup.load(settings, domain_texts)


def test_a_domain_without_the_operators_texts_is_refused() -> None:
    empty = DomainTexts(Responses({}, random.Random()))
    with pytest.raises(OperatorTextsMissing, match="utter_report_taken"):
        OperatorSetup.load(Settings(demo_data=False), empty)
