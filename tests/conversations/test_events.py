"""What is on, booking a place (with a waiting list), cancelling: the first waiting gets the
place and is told through the outbox."""

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Registration
from bot.engine import Assistant
from tests.conversations.conftest import Person, outbox_to


def bookings(db: Database, event_id: int) -> list[tuple[int, str]]:
    with db.unit_of_work() as session:
        return [
            (row.person_id, row.status)
            for row in session.scalars(
                select(Registration)
                .where(Registration.event_id == event_id)
                .order_by(Registration.id)
            )
        ]


def test_what_is_on_in_a_town_and_booking_from_the_button(
    maria: Person, db: Database, calendar: dict[str, int]
) -> None:
    answer = maria.says("cosa ce in programma a orbassano?")
    assert "Focus group: come si vive a Orbassano" in answer
    assert "Laboratorio di teatro" not in answer
    assert "Ci sono ancora 2 posti" in answer
    confirm = maria.taps("Prenota un posto")
    assert "Focus group" in confirm and "Biblioteca civica" in confirm
    answer = maria.says("si")
    assert "sei dentro" in answer.lower() or "ti ho prenotato" in answer.lower()
    assert [status for _, status in bookings(db, calendar["focus"])] == ["confirmed"]


def test_every_town_when_none_is_named(maria: Person, calendar: dict[str, int]) -> None:
    answer = maria.says("che eventi ci sono nei prossimi giorni")
    assert "Focus group" in answer and "Laboratorio di teatro dell'oppresso" in answer


def test_booking_by_naming_the_event(maria: Person, db: Database, calendar: dict[str, int]) -> None:
    confirm = maria.says("vorrei iscrivermi al laboratorio di teatro")
    assert "Laboratorio di teatro dell'oppresso" in confirm and "Sala polivalente" in confirm
    maria.says("si")
    assert [status for _, status in bookings(db, calendar["theatre"])] == ["confirmed"]


def test_a_wrong_day_does_not_hide_the_event(
    maria: Person, db: Database, calendar: dict[str, int]
) -> None:
    confirm = maria.says("vorrei iscrivermi al teatro di giovedi")
    assert "Laboratorio di teatro dell'oppresso" in confirm
    maria.says("si")
    assert [status for _, status in bookings(db, calendar["theatre"])] == ["confirmed"]


def test_asking_twice_does_not_take_two_places(
    maria: Person, db: Database, calendar: dict[str, int]
) -> None:
    maria.says("cosa ce in programma a orbassano")
    maria.taps("Prenota un posto")
    maria.says("si")
    maria.says("cosa ce in programma a orbassano")
    answer = maria.taps("Prenota un posto")
    assert "Hai già un posto" in answer
    assert len(bookings(db, calendar["focus"])) == 1


def test_the_waiting_list_and_the_place_that_frees_up(
    assistant: Assistant, db: Database, calendar: dict[str, int]
) -> None:
    people = [Person(assistant, name) for name in ("anna", "bruno", "carla", "dario")]
    answers = []
    for person in people:
        person.accepts_privacy()
        person.says("cosa ce in programma a orbassano")
        person.taps("Prenota un posto")
        answers.append(person.says("si"))
    assert "sei in lista d'attesa" not in answers[0] + answers[1]
    assert "sei in lista d'attesa, al n. 1" in answers[2]
    assert "sei in lista d'attesa, al n. 2" in answers[3]

    anna = people[0]
    anna.says("cosa ce in programma a orbassano")
    anna.taps("Prenota un posto")
    assert "Hai già un posto" in anna.last[0].text
    confirm = anna.taps("Disdici")
    assert "Vuoi davvero disdire" in confirm
    assert "ho disdetto" in anna.says("si").lower()

    statuses = [status for _, status in bookings(db, calendar["focus"])]
    assert statuses == ["cancelled", "confirmed", "confirmed", "waitlist"]
    # Carla, first in the waiting list, learns it at once on her own channel.
    told = outbox_to(db, people[2].address)
    assert "si è liberato un posto" in told[-1].payload["text"]
    assert told[-1].status == "pending" and told[-1].priority == 0


def test_keeping_the_place_after_all(maria: Person, db: Database, calendar: dict[str, int]) -> None:
    maria.says("vorrei iscrivermi al focus group di orbassano")
    maria.says("si")
    maria.taps("Disdici")
    answer = maria.says("no")
    assert "resta tuo" in answer
    assert [status for _, status in bookings(db, calendar["focus"])] == ["confirmed"]


def test_nothing_on_in_a_town_offers_the_others_and_announcements(
    maria: Person, calendar: dict[str, int]
) -> None:
    answer = maria.says("ci sono eventi a volvera?")
    assert "A Volvera per ora non c'è niente" in answer
    assert maria.buttons() == ["Gli altri comuni", "Sì, avvisami"]
