"""What is on, booking with a waiting list, cancelling with promotion: on both backends."""

from datetime import timedelta

import pytest

from bot.db.database import Database
from bot.db.models import Registration
from bot.db.types import utcnow
from bot.services import events
from tests.services.factories import event, person


def test_upcoming_events_are_the_future_ones_soonest_first_by_town(db: Database) -> None:
    now = utcnow()
    with db.unit_of_work() as session:
        event(session, "Mostra passata", starts_at=now - timedelta(days=1))
        later = event(session, "Focus group", comune="Orbassano", starts_at=now + timedelta(days=9))
        sooner = event(
            session,
            "Laboratorio di teatro dell'oppresso",
            comune="Piossasco",
            kind="theatre_workshop",
            starts_at=now + timedelta(days=2),
        )
        later_id, sooner_id = later.id, sooner.id
    with db.unit_of_work() as session:
        assert [e.id for e in events.upcoming(session, now)] == [sooner_id, later_id]
        assert [e.id for e in events.upcoming(session, now, comune="Orbassano")] == [later_id]
        assert [e.id for e in events.upcoming(session, now, kind="theatre_workshop")] == [sooner_id]
        day = (now + timedelta(days=2)).astimezone(events.ROME).date()
        assert [e.id for e in events.upcoming(session, now, day=day)] == [sooner_id]


def test_an_event_is_found_from_the_words_people_use(db: Database) -> None:
    with db.unit_of_work() as session:
        theatre = event(session, "Laboratorio di teatro dell'oppresso", comune="Piossasco")
        event(session, "Focus group sul quartiere", comune="Orbassano")
        theatre_id = theatre.id
    with db.unit_of_work() as session:
        found = events.match_events(session, "il laboratorio di teatro di giovedi")
        assert [e.id for e in found] == [theatre_id]
        assert events.match_events(session, "la partita di calcio") == []


def test_the_place_after_the_last_one_is_on_the_waiting_list(db: Database) -> None:
    with db.unit_of_work() as session:
        focus = event(session, capacity=2)
        anna, bruno, carla, dario = (
            person(session, n) for n in ("anna", "bruno", "carla", "dario")
        )
        first = events.register(session, focus.id, anna.id)
        second = events.register(session, focus.id, bruno.id)
        third = events.register(session, focus.id, carla.id)
        fourth = events.register(session, focus.id, dario.id)
    assert (first.status, second.status) == ("confirmed", "confirmed")
    assert (third.status, third.position) == ("waitlist", 1)
    assert (fourth.status, fourth.position) == ("waitlist", 2)
    assert fourth.event.places_left == 0


def test_asking_twice_does_not_take_two_places(db: Database) -> None:
    with db.unit_of_work() as session:
        focus = event(session, capacity=1)
        anna, bruno = person(session, "anna"), person(session, "bruno")
        events.register(session, focus.id, anna.id)
        again = events.register(session, focus.id, anna.id)
        waiting = events.register(session, focus.id, bruno.id)
        waiting_again = events.register(session, focus.id, bruno.id)
        assert session.query(Registration).count() == 2
    assert (again.status, again.already) == ("confirmed", True)
    assert (waiting_again.status, waiting_again.position, waiting_again.already) == (
        "waitlist",
        1,
        True,
    )
    assert waiting.already is False


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list(db: Database) -> None:
    with db.unit_of_work() as session:
        focus = event(session, capacity=1)
        anna, bruno, carla = (person(session, n) for n in ("anna", "bruno", "carla"))
        for someone in (anna, bruno, carla):
            events.register(session, focus.id, someone.id)
        focus_id, anna_id, bruno_id, carla_id = focus.id, anna.id, bruno.id, carla.id
    with db.unit_of_work() as session:
        cancellation = events.cancel(session, focus_id, anna_id)
    assert cancellation.cancelled and cancellation.promoted_person_id == bruno_id
    with db.unit_of_work() as session:
        held = {b.event.id: b for b in events.bookings_of(session, carla_id)}
        assert (held[focus_id].status, held[focus_id].position) == ("waitlist", 1)
        assert events.bookings_of(session, anna_id) == []
        assert events.bookings_of(session, bruno_id)[0].status == "confirmed"


def test_leaving_the_waiting_list_frees_no_place(db: Database) -> None:
    with db.unit_of_work() as session:
        focus = event(session, capacity=1)
        anna, bruno = person(session, "anna"), person(session, "bruno")
        events.register(session, focus.id, anna.id)
        events.register(session, focus.id, bruno.id)
        cancellation = events.cancel(session, focus.id, bruno.id)
        nothing = events.cancel(session, focus.id, bruno.id)
    assert cancellation.cancelled and cancellation.promoted_person_id is None
    assert not nothing.cancelled


def test_who_cancelled_and_comes_back_queues_again_at_the_end(db: Database) -> None:
    now = utcnow()
    with db.unit_of_work() as session:
        focus = event(session, capacity=1)
        anna, bruno, carla = (person(session, n) for n in ("anna", "bruno", "carla"))
        events.register(session, focus.id, anna.id, now)
        events.register(session, focus.id, bruno.id, now + timedelta(seconds=1))
        events.register(session, focus.id, carla.id, now + timedelta(seconds=2))
        events.cancel(session, focus.id, bruno.id, now + timedelta(seconds=3))
        back = events.register(session, focus.id, bruno.id, now + timedelta(seconds=4))
    assert (back.status, back.position, back.already) == ("waitlist", 2, False)


def test_a_started_or_missing_event_cannot_be_booked(db: Database) -> None:
    with db.unit_of_work() as session:
        past = event(session, starts_at=utcnow() - timedelta(hours=1))
        anna = person(session)
        with pytest.raises(events.EventUnavailable):
            events.register(session, past.id, anna.id)
        with pytest.raises(events.EventUnavailable):
            events.register(session, 999_999, anna.id)
