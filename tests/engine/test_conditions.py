"""Conditions as coordinators write them, evaluated as Rasa does."""

import pytest

from bot.engine.conditions import ConditionError, compile_condition

SLOTS = frozenset({"comune", "amount", "confirmed"})


def holds(source: str, **slots: object) -> bool:
    values: dict[str, object] = dict.fromkeys(SLOTS)
    values.update(slots)
    return compile_condition(source, SLOTS).holds(values)


@pytest.mark.parametrize(
    ("source", "slots", "expected"),
    [
        ('slots.comune in ["Beinasco", "Bruino"]', {"comune": "Bruino"}, True),
        ('slots.comune in ["Beinasco", "Bruino"]', {"comune": "Rivoli"}, False),
        (
            'not (slots.comune in ["Beinasco", "Rivalta di Torino"])',
            {"comune": "Rivalta di Torino"},
            False,
        ),
        ('slots.comune not in ["Beinasco"]', {"comune": "Bruino"}, True),
        ("slots.confirmed", {"confirmed": True}, True),
        ("slots.confirmed is false", {"confirmed": False}, True),
        ("slots.comune is null", {}, True),
        ("slots.comune is not null", {"comune": "Bruino"}, True),
        ("slots.amount >= 5 and slots.amount < 50", {"amount": 20.0}, True),
        (
            "(slots.amount > 100 or slots.comune = 'Volvera') and slots.confirmed",
            {"comune": "Volvera", "confirmed": True},
            True,
        ),
        # An amount not known yet is not greater than anything.
        ("slots.amount > 5", {}, False),
    ],
)
def test_conditions(source: str, slots: dict[str, object], expected: bool) -> None:
    assert holds(source, **slots) is expected


def test_yaml_booleans_are_conditions_too() -> None:
    assert compile_condition(True, SLOTS).holds({}) is True
    assert compile_condition(False, SLOTS).holds({}) is False


@pytest.mark.parametrize(
    ("source", "complaint"),
    [
        ("slots.comune = Bruino", "neither a slot"),
        ("slots.town is null", "uses the slot 'town'"),
        ("slots.amount > 1 and slots.amount < 3 or slots.confirmed", "mixes 'and' with 'or'"),
        ("slots.comune = ", "cannot be read"),
        ("", "a condition must be a text"),
    ],
)
def test_mistakes_are_explained(source: str, complaint: str) -> None:
    with pytest.raises(ConditionError, match=complaint):
        compile_condition(source, SLOTS)
