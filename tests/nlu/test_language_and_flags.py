"""Language of messages not in Italian; cancel and correction."""

import pytest

from bot.nlu import NluPipeline


@pytest.mark.parametrize("text", [
    "si grazie", "ok", "ciao", "va bin", "nu tengo soldi", "grazie mille signora",
    "io non trovo lavoro mio permesso scaduto", "mia mamma sta male da tre giorni",
])
def test_short_or_italian_texts_stay_italian(nlu: NluPipeline, text: str) -> None:
    assert nlu.parse(text).language == "it"


@pytest.mark.parametrize(("text", "language"), [
    ("hello I need help with my rent please", "en"),
    ("je n'ai pas de travail et je cherche de l'aide", "fr"),
    ("no tengo trabajo y necesito ayuda para mi familia", "es"),
    ("bună ziua am nevoie de ajutor pentru chirie", "ro"),
    ("مرحبا أحتاج مساعدة", "ar"),
    ("我需要帮助", "zh"),
])
def test_other_languages_are_recognised(nlu: NluPipeline, text: str, language: str) -> None:
    assert nlu.parse(text).language == language


@pytest.mark.parametrize("text", ["lascia stare", "annulla", "no lascia perdere",
                                  "non fa niente", "basta, grazie"])
def test_cancel(nlu: NluPipeline, text: str) -> None:
    assert nlu.parse(text).cancel


@pytest.mark.parametrize("text", ["mio figlio non fa niente tutto il giorno",
                                  "basta con i rumori del vicino la notte",
                                  "vorrei segnalare una panchina rotta"])
def test_no_cancel_in_a_real_message(nlu: NluPipeline, text: str) -> None:
    assert not nlu.parse(text).cancel


def test_correction_with_the_new_town(nlu: NluPipeline) -> None:
    result = nlu.parse("no volevo dire bruino")
    assert result.correction
    assert result.entity_values("comune") == ["Bruino"]


def test_no_correction_in_a_plain_answer(nlu: NluPipeline) -> None:
    assert not nlu.parse("abito a bruino").correction
