"""Responses as a citizen reads them: never a {placeholder}, the variation meant for the case."""

import random

import pytest

from bot.engine.domain import Domain, SlotDefinition
from bot.engine.errors import ContentError, Problems
from bot.engine.payloads import PayloadError, parse_payload
from bot.engine.responses import Responses, compile_responses


def responses(raw: dict[str, object], slots: tuple[str, ...] = ("comune", "language")) -> Responses:
    domain = Domain(
        intents=frozenset({"affirm", "join_event"}),
        entities=frozenset(),
        slots={name: SlotDefinition(name, "text") for name in slots},
        responses=raw,
        actions=(),
        raw={},
    )
    problems = Problems()
    compiled = compile_responses(domain, "domain.yml", problems)
    problems.raise_if_any()
    return Responses(compiled, random.Random(7))


def test_placeholders_are_filled_from_variables_and_slots() -> None:
    texts = responses({"utter_done": [{"text": "N. {reference} a {comune}: {amount} euro."}]})

    message = texts.render(
        "utter_done", {"comune": "Bruino"}, {"reference": "2026-0142", "amount": 12.5}, "web"
    )

    assert message.text == "N. 2026-0142 a Bruino: 12,50 euro."


def test_a_missing_value_never_shows_its_placeholder() -> None:
    texts = responses({"utter_done": [{"text": "Arrivata agli operatori di {comune}."}]})

    assert texts.render("utter_done", {}, {}, "web").text == "Arrivata agli operatori di."


def test_a_variation_that_can_be_filled_is_preferred() -> None:
    texts = responses(
        {"utter_done": [{"text": "Arrivata a {comune}."}, {"text": "Arrivata agli operatori."}]}
    )

    seen = {texts.render("utter_done", {}, {}, "web").text for _ in range(20)}

    assert seen == {"Arrivata agli operatori."}


def test_a_variation_whose_condition_holds_wins_over_the_general_one() -> None:
    texts = responses(
        {
            "utter_other_language": [
                {
                    "text": "Solo italiano.",
                    "condition": [{"type": "slot", "name": "language", "value": "ro"}],
                },
                {"text": "Only Italian."},
            ]
        }
    )

    assert (
        texts.render("utter_other_language", {"language": "ro"}, {}, "web").text == "Solo italiano."
    )
    assert (
        texts.render("utter_other_language", {"language": "ar"}, {}, "web").text == "Only Italian."
    )


def test_a_channel_variation_is_used_on_its_channel_only() -> None:
    texts = responses(
        {"utter_hi": [{"text": "Ciao."}, {"text": "Ciao da Telegram.", "channel": "telegram"}]}
    )

    assert texts.render("utter_hi", {}, {}, "telegram").text == "Ciao da Telegram."
    assert texts.render("utter_hi", {}, {}, "whatsapp").text == "Ciao."


def test_buttons_carry_filled_payloads() -> None:
    texts = responses(
        {
            "utter_event": [
                {
                    "text": "Ti iscrivo?",
                    "buttons": [
                        {
                            "title": "Sì, {comune}",
                            "payload": '/join_event{"event_id": "{event_id}"}',
                        }
                    ],
                }
            ]
        }
    )

    [button] = texts.render("utter_event", {"comune": "Volvera"}, {"event_id": 3}, "web").buttons

    assert (button.title, button.payload) == ("Sì, Volvera", '/join_event{"event_id": "3"}')


def test_a_button_for_an_unknown_intent_is_refused_at_load() -> None:
    with pytest.raises(ContentError, match="intent 'afirm' is not in the domain"):
        responses(
            {"utter_ask": [{"text": "Va bene?", "buttons": [{"title": "Sì", "payload": "/afirm"}]}]}
        )


def test_a_payload_is_read_without_nlu() -> None:
    payload = parse_payload('/subscribe{"comune": "Bruino", "topic": "eventi"}')

    assert payload is not None
    assert (payload.intent, payload.values) == (
        "subscribe",
        {"comune": "Bruino", "topic": "eventi"},
    )
    assert parse_payload("/affirm") is not None
    assert parse_payload("ciao /affirm") is None


def test_a_payload_with_broken_values_is_an_error() -> None:
    with pytest.raises(PayloadError):
        parse_payload('/subscribe{"comune": Bruino}')
