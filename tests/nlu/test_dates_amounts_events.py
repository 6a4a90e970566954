"""Dates relative to now in Europe/Rome, amounts in euro also in words, events as spans."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.nlu import NluPipeline

ROME = ZoneInfo("Europe/Rome")
TUESDAY_MORNING = datetime(2026, 3, 10, 10, 0, tzinfo=ROME)


def values(nlu: NluPipeline, text: str, entity: str) -> list[object]:
    return nlu.parse(text, now=TUESDAY_MORNING).entity_values(entity)


def test_tomorrow_at_six_pm(nlu: NluPipeline) -> None:
    assert values(nlu, "posso venire domani alle 18?", "data") == ["2026-03-11"]
    assert values(nlu, "posso venire domani alle 18?", "ora") == ["2026-03-11T18:00:00+01:00"]


@pytest.mark.parametrize(("text", "day"), [
    ("ci vediamo giovedì", "2026-03-12"),
    ("ci vediamo giovedi", "2026-03-12"),
    ("giovedì prossimo va bene", "2026-03-19"),
    ("dopodomani mattina", "2026-03-12"),
    ("il 12 marzo", "2026-03-12"),
])
def test_days_are_counted_from_now(nlu: NluPipeline, text: str, day: str) -> None:
    assert values(nlu, text, "data") == [day]


def test_half_past_is_understood(nlu: NluPipeline) -> None:
    assert values(nlu, "domani alle 9 e mezza", "ora") == ["2026-03-11T09:30:00+01:00"]


def test_summer_time_is_rome_time(nlu: NluPipeline) -> None:
    july = datetime(2026, 7, 1, 9, 0, tzinfo=ROME)
    assert nlu.parse("domani alle 18", now=july).entity_values("ora") == [
        "2026-07-02T18:00:00+02:00"]


@pytest.mark.parametrize(("text", "amount"), [
    ("vorrei donare cinque euro", 5.0),
    ("dono 50€ al progetto", 50.0),
    ("posso dare 10,50 euro", 10.5),
    ("metto venti euro per il doposcuola", 20.0),
    ("vorrei donare venti", 20.0),
    ("un centinaio di euro per le panchine", 100.0),
    ("mille euro", 1000.0),
    ("posso dare duecentocinquanta euro", 250.0),
    ("la mia ditta dona duemila €", 2000.0),
])
def test_amounts_in_euro(nlu: NluPipeline, text: str, amount: float) -> None:
    assert values(nlu, text, "importo") == [amount]


def test_a_bare_number_alone_is_an_amount(nlu: NluPipeline) -> None:
    assert values(nlu, "trenta", "importo") == [30.0]


def test_a_number_in_a_report_is_no_amount(nlu: NluPipeline) -> None:
    assert values(nlu, "sono sola con 3 figli e non ce la faccio con l'affitto", "importo") == []


def test_the_event_meant(nlu: NluPipeline) -> None:
    text = "vorrei iscrivermi al laboratorio di teatro di giovedì"
    events = values(nlu, text, "evento")
    assert len(events) == 1
    assert "laboratorio di teatro" in str(events[0])
