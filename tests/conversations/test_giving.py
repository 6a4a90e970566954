"""Offering help, proposing an idea, sharing a place: what a person gives is kept, with its
when and where."""

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Idea, Place, Volunteer
from tests.conversations.conftest import Person


def one(db: Database, model: type) -> object:
    with db.unit_of_work() as session:
        return session.scalars(select(model)).one()


def test_offering_help_what_when_where(maria: Person, db: Database) -> None:
    question = maria.says("vorrei fare volontariato")
    assert "?" in question
    maria.says("posso accompagnare gli anziani a fare la spesa con la mia macchina")
    maria.says("il sabato mattina")
    summary = maria.says("rivalta")
    assert "il sabato mattina" in summary and "Rivalta di Torino" in summary
    answer = maria.says("si va bene")
    assert "Grazie" in answer
    volunteer = one(db, Volunteer)
    assert isinstance(volunteer, Volunteer)
    assert volunteer.offer == "posso accompagnare gli anziani a fare la spesa con la mia macchina"
    assert (volunteer.availability, volunteer.comune) == ("il sabato mattina", "Rivalta di Torino")


def test_an_offer_told_in_the_first_message_is_not_asked_again(maria: Person, db: Database) -> None:
    answer = maria.says(
        "ciao sono in pensione e potrei insegnare italiano agli stranieri a volvera"
    )
    assert maria.responses() == ["utter_ask_help_when"] and "?" in answer
    summary = maria.says("il martedi e il giovedi pomeriggio")
    assert "Volvera" in summary
    maria.says("si")
    volunteer = one(db, Volunteer)
    assert isinstance(volunteer, Volunteer) and volunteer.comune == "Volvera"


def test_proposing_an_idea_for_whom_and_where(maria: Person, db: Database) -> None:
    maria.says("ho un idea per il paese")
    maria.says("un doposcuola gratuito in parrocchia fatto da noi genitori a turno")
    maria.says("i ragazzi delle medie")
    summary = maria.says("volvera")
    assert "i ragazzi delle medie" in summary and "Volvera" in summary
    answer = maria.says("si")
    assert "coordinatori" in answer
    idea = one(db, Idea)
    assert isinstance(idea, Idea)
    assert idea.description == "un doposcuola gratuito in parrocchia fatto da noi genitori a turno"
    assert (idea.audience, idea.comune, idea.open_for_pledges) == (
        "i ragazzi delle medie",
        "Volvera",
        False,
    )


def test_sharing_a_place_with_a_location_pin(maria: Person, db: Database) -> None:
    maria.says("vorrei raccontarvi di un posto a cui tengo")
    maria.says("il vecchio lavatoio")
    question = maria.says("ci andavo da bambina con mia nonna a lavare i panni, si cantava")
    assert "posizione" in question and maria.last[-1].request_location
    maria.sends_location(44.9969, 7.4867)
    summary = maria.says("bruino")
    assert "il vecchio lavatoio" in summary
    answer = maria.says("si")
    assert "mappa" in answer
    place = one(db, Place)
    assert isinstance(place, Place)
    assert (place.name, place.comune, place.latitude, place.longitude) == (
        "il vecchio lavatoio",
        "Bruino",
        44.9969,
        7.4867,
    )
    assert place.story == "ci andavo da bambina con mia nonna a lavare i panni, si cantava"


def test_sharing_a_place_with_an_address(maria: Person, db: Database) -> None:
    maria.says("voglio segnalare un luogo importante per la comunita")
    maria.says("la panchina sotto il tiglio")
    maria.says("li si sono conosciuti i miei nonni")
    maria.says("in piazza vittorio veneto, davanti al municipio")
    maria.taps("Orbassano")
    maria.says("si")
    place = one(db, Place)
    assert isinstance(place, Place)
    assert place.address == "in piazza vittorio veneto, davanti al municipio"
    assert place.latitude is None and place.comune == "Orbassano"
