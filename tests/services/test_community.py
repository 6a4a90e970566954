"""Volunteers, ideas, pledges and places: what a person offers the community is kept."""

import pytest

from bot.db.database import Database
from bot.db.models import Idea, Place, Volunteer
from bot.services import ideas, pledges
from bot.services.places import share_place
from bot.services.volunteers import offer_help
from tests.services.factories import idea, person


def test_a_volunteer_offer_is_kept_with_when_and_where(db: Database) -> None:
    with db.unit_of_work() as session:
        maria = person(session)
        offer_help(session, maria.id, "accompagno anziani con la macchina", "il sabato", "Bruino")
    with db.unit_of_work() as session:
        volunteer = session.query(Volunteer).one()
        assert (volunteer.offer, volunteer.availability, volunteer.comune) == (
            "accompagno anziani con la macchina",
            "il sabato",
            "Bruino",
        )


def test_an_idea_gets_a_short_title_from_its_first_words(db: Database) -> None:
    long_text = (
        "un doposcuola gratuito nella sala della parrocchia per i ragazzi delle medie che "
        "non hanno nessuno a casa il pomeriggio. Potremmo farlo noi genitori a turno"
    )
    with db.unit_of_work() as session:
        ideas.propose_idea(session, None, long_text, "i ragazzi delle medie", "Volvera")
    with db.unit_of_work() as session:
        stored = session.query(Idea).one()
        assert stored.title.startswith("un doposcuola gratuito")
        assert stored.title.endswith("…") and len(stored.title) <= ideas.TITLE_LENGTH + 1
        assert stored.description == long_text
        assert stored.audience == "i ragazzi delle medie"
        assert stored.open_for_pledges is False
    assert ideas.title_from("Orto in comune. Per tutti") == "Orto in comune"


def test_only_ideas_open_to_pledges_are_offered_with_what_they_gathered(db: Database) -> None:
    with db.unit_of_work() as session:
        garden = idea(session, "Orto condiviso")
        idea(session, "Idea ancora da valutare", open_for_pledges=False)
        maria = person(session)
        pledges.pledge(session, maria.id, garden.id, 2000)
        receipt = pledges.pledge(session, None, garden.id, 550)
        garden_id = garden.id
    assert receipt.total_cents == 2550 and receipt.idea_title == "Orto condiviso"
    with db.unit_of_work() as session:
        offered = ideas.open_ideas(session)
        assert [(i.id, i.pledged_cents) for i in offered] == [(garden_id, 2550)]


@pytest.mark.parametrize("amount", [0, 50, 500_01, -100])
def test_a_pledge_is_a_small_sum(db: Database, amount: int) -> None:
    with db.unit_of_work() as session:
        garden = idea(session)
        with pytest.raises(pledges.PledgeRefused):
            pledges.pledge(session, None, garden.id, amount)


def test_an_idea_closed_to_pledges_takes_none(db: Database) -> None:
    with db.unit_of_work() as session:
        closed = idea(session, open_for_pledges=False)
        with pytest.raises(pledges.PledgeRefused):
            pledges.pledge(session, None, closed.id, 1000)
    assert pledges.cents(20.5) == 2050 and pledges.cents(0.1 + 0.2) == 30


def test_a_place_keeps_its_story_and_pin(db: Database) -> None:
    with db.unit_of_work() as session:
        share_place(
            session,
            None,
            "la panchina sotto il tiglio",
            "ci sedevamo con mio nonno",
            comune="Rivalta di Torino",
            latitude=45.03,
            longitude=7.52,
        )
        share_place(session, None, "il lavatoio", None, address="via dei Mulini, Bruino")
    with db.unit_of_work() as session:
        pinned, addressed = session.query(Place).order_by(Place.id).all()
        assert (pinned.story, pinned.latitude, pinned.longitude) == (
            "ci sedevamo con mio nonno",
            45.03,
            7.52,
        )
        assert addressed.address == "via dei Mulini, Bruino" and addressed.latitude is None
