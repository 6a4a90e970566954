"""Words an action needs beyond its own replies, all taken from domain.yml: the Italian names of
identifiers, dates and sums written the Italian way, and messages for other people (the one who
gets a freed place, the operators on call)."""

import random
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency

from bot.engine.domain import load_domain
from bot.engine.errors import Problems
from bot.engine.responses import Responses, compile_responses
from bot.messages import OutgoingMessage
from bot.settings import PROJECT_ROOT

ROME = ZoneInfo("Europe/Rome")
LOCALE = "it_IT"


@lru_cache(maxsize=1)
def _responses() -> Responses:
    problems = Problems()
    domain = load_domain(PROJECT_ROOT / "domain.yml", PROJECT_ROOT, problems)
    responses = Responses(compile_responses(domain, "domain.yml", problems), random.Random())
    problems.raise_if_any()
    return responses


def message(response: str, channel: str, /, **variables: Any) -> OutgoingMessage:
    """A domain response for someone other than the person who is writing now."""
    return _responses().render(response, {}, variables, channel)


def text(response: str, **variables: Any) -> str:
    return message(response, "web", **variables).text


def name_of(kind: str, identifier: str | None) -> str:
    """The Italian name of an identifier: name_of("category", "elderly_care") -> "anziani"."""
    if not identifier:
        return text("utter_export_unknown")
    response = f"utter_{kind}_{identifier}"
    return text(response) if response in _responses() else identifier


def day_and_time(moment: datetime) -> str:
    """giovedì 12 marzo, 18:00"""
    return format_datetime(moment, "EEEE d MMMM, HH:mm", tzinfo=ROME, locale=LOCALE)


def day(moment: datetime) -> str:
    """12 marzo 2026"""
    return format_date(moment.astimezone(ROME), "d MMMM yyyy", locale=LOCALE)


def euros(cents: int) -> str:
    """20 €, 12,50 €"""
    pattern = "#,##0 ¤" if cents % 100 == 0 else "#,##0.00 ¤"
    return format_currency(cents / 100, "EUR", format=pattern, locale=LOCALE, currency_digits=False)
