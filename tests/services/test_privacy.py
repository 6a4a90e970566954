"""A person can see everything we keep about them, and have all of it erased."""

import json

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import (
    Conversation,
    Idea,
    Message,
    OutboxMessage,
    Person,
    Pledge,
    Registration,
    Report,
    Subscription,
    Volunteer,
)
from bot.services import events, pledges, privacy
from bot.services.reports import create_report
from bot.services.subscriptions import subscribe
from bot.services.volunteers import offer_help
from tests.services.factories import event, idea, person


def _a_full_life(db: Database) -> tuple[int, int, int]:
    with db.unit_of_work() as session:
        maria, luca = person(session, "maria"), person(session, "luca")
        session.add(Conversation(person_id=maria.id, state={"stack": []}))
        session.add(Message(person_id=maria.id, direction="in", text="mia madre e sola"))
        create_report(
            session,
            person_id=maria.id,
            text="mia madre e sola",
            category="elderly_care",
            urgency="medium",
            comune="Bruino",
        )
        offer_help(session, maria.id, "so cucinare", "la sera", "Bruino")
        garden = idea(session)
        pledges.pledge(session, maria.id, garden.id, 1500)
        focus = event(session, capacity=1)
        events.register(session, focus.id, maria.id)
        events.register(session, focus.id, luca.id)
        subscribe(session, maria.id, ["events"], "Bruino")
        session.add(OutboxMessage(person_id=maria.id, channel="telegram", address="chat-maria"))
        return maria.id, luca.id, focus.id


def test_the_export_holds_every_record_and_is_json(db: Database) -> None:
    maria_id, _, _ = _a_full_life(db)
    with db.unit_of_work() as session:
        data = privacy.export(session, maria_id)
    json.dumps(data)
    assert data["person"]["channel"] == "telegram"
    assert data["messages"][0]["text"] == "mia madre e sola"
    assert data["reports"][0]["category"] == "elderly_care"
    assert data["reports"][0]["reference"].endswith("-0001")
    assert data["volunteering"][0]["offer"] == "so cucinare"
    assert data["pledges"] == [
        {
            "idea": "Orto condiviso",
            "amount_euro": 15.0,
            "created_at": data["pledges"][0]["created_at"],
        }
    ]
    assert data["event_bookings"][0]["status"] == "confirmed"
    assert data["subscriptions"] == [{"topic": "events", "comune": "Bruino"}]


def test_erasing_leaves_nothing_of_the_person_and_gives_their_place_away(db: Database) -> None:
    maria_id, luca_id, focus_id = _a_full_life(db)
    with db.unit_of_work() as session:
        erasure = privacy.erase(session, maria_id)
    assert erasure.promoted == [(focus_id, luca_id)]
    with db.unit_of_work() as session:
        assert session.get(Person, maria_id) is None
        for model in (
            Conversation,
            Message,
            Report,
            Volunteer,
            Pledge,
            Registration,
            Subscription,
            OutboxMessage,
        ):
            assert (
                session.scalars(
                    select(model).where(model.person_id == maria_id)  # type: ignore[attr-defined]
                ).all()
                == []
            ), model.__name__
        assert session.query(Idea).count() == 1
        luca = session.scalars(select(Registration).where(Registration.person_id == luca_id)).one()
        assert luca.status == "confirmed"


def test_what_people_ask_of_their_data(db: Database) -> None:
    assert privacy.requested_right("cancella i miei dati") == "erase"
    assert privacy.requested_right("voglio che eliminate tutto quello che sapete") == "erase"
    assert privacy.requested_right("posso avere una copia dei miei dati?") == "export"
    assert privacy.requested_right("che dati tenete su di me") is None
