"""The loneliness indicator: how answers are read, and what the figure says town by town."""

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.services.checkins import answer_checkin
from bot.services.indicators import BAD, GOOD, SO_SO, feels_alone, loneliness, mood_of
from tests.campaigns.conftest import Timer, citizen, rome


@pytest.mark.parametrize(
    ("answer", "mood"),
    [
        ("bene grazie", GOOD),
        ("Benissimo!", GOOD),
        ("tutto a posto", GOOD),
        ("cosi cosi", SO_SO),
        ("Così così", SO_SO),
        ("insomma...", SO_SO),
        ("non tanto bene", BAD),
        ("non bene", BAD),
        ("non mi sento bene", BAD),
        ("male, sono giu", BAD),
        ("sono triste", BAD),
        ("good", GOOD),
        ("bad", BAD),
        ("ho fatto la spesa", None),
    ],
)
def test_the_mood_of_an_answer(answer: str, mood: str | None) -> None:
    assert mood_of(answer) == mood


@pytest.mark.parametrize(
    ("answer", "alone"),
    [
        ("mi sento sola", True),
        ("vivo da solo e non vedo nessuno", True),
        ("sono sempre sola in casa", True),
        ("tanta solitudine", True),
        ("bene, solo un po' stanca", False),
        ("nessun problema", False),
    ],
)
def test_saying_one_is_alone(answer: str, alone: bool) -> None:
    assert feels_alone(answer) is alone


def test_the_indicator_town_by_town(db: Database, timer: Timer) -> None:
    monday = rome(2026, 5, 11, 10, 0)
    with db.unit_of_work() as session:
        people = {
            name: citizen(session, name, comune=town, weekly_checkin=True).id
            for name, town in (
                ("anna", "Orbassano"),
                ("bice", "Orbassano"),
                ("carlo", "Orbassano"),
                ("dina", "Volvera"),
            )
        }
    timer.beat(monday)
    answers = {"anna": (GOOD, False), "bice": (BAD, True), "dina": (SO_SO, False)}
    with db.unit_of_work() as session:
        for name, (mood, lonely) in answers.items():
            answer_checkin(
                session,
                people[name],
                "2026-W20",
                mood=mood,
                lonely=lonely,
                report_text="-",
                category="other",
                urgency="low",
                now=monday + timedelta(hours=1),
            )
        figures = {
            row.comune: row
            for row in loneliness(session, monday - timedelta(days=1), monday + timedelta(days=7))
        }
    orbassano, volvera, everyone = figures["Orbassano"], figures["Volvera"], figures["*"]
    assert (orbassano.asked, orbassano.answered, orbassano.not_well, orbassano.alone) == (
        3,
        2,
        1,
        1,
    )
    assert orbassano.score == 0.5  # anna 0, bice 1
    assert volvera.score == 0.5  # so-so
    assert (everyone.asked, everyone.answered) == (4, 3)
    assert everyone.score == pytest.approx(0.5)
