"""Pledging a small sum to a community idea; announcements by town and topic, and "stop"."""

from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import Pledge, Subscription
from tests.conversations.conftest import Person


def test_a_pledge_with_the_amount_in_the_first_message(
    maria: Person, db: Database, open_ideas: dict[str, int]
) -> None:
    answer = maria.says("vorrei donare 20 euro a un progetto del paese")
    assert "Orto condiviso alla scuola Gramsci" in answer and "Non paghi niente" in answer
    confirm = maria.taps("Sostengo questa")
    assert "20 euro" in confirm and "Orto condiviso" in confirm
    answer = maria.says("si")
    assert "20 €" in answer
    with db.unit_of_work() as session:
        pledge = session.scalars(select(Pledge)).one()
        assert (pledge.idea_id, pledge.amount_cents) == (open_ideas["garden"], 2000)


def test_an_amount_too_large_is_explained_and_asked_again(
    maria: Person, db: Database, open_ideas: dict[str, int]
) -> None:
    maria.says("voglio fare una donazione")
    maria.taps("Sostengo questa")
    answer = maria.says("1000 euro")
    assert "da 1 a 500 euro" in answer
    confirm = maria.says("50 euro")
    assert "50 euro" in confirm
    maria.says("si")
    with db.unit_of_work() as session:
        assert session.scalars(select(Pledge.amount_cents)).all() == [5000]


def test_changing_the_amount_at_the_confirmation(
    maria: Person, db: Database, open_ideas: dict[str, int]
) -> None:
    maria.says("vorrei donare qualcosa")
    maria.taps("Sostengo questa")
    maria.says("10 euro")
    corrected = maria.says("anzi 15 euro")
    assert "15 euro" in corrected
    maria.says("si")
    with db.unit_of_work() as session:
        assert session.scalars(select(Pledge.amount_cents)).all() == [1500]


def test_no_idea_open_means_no_pledge_and_an_offer_to_be_told(maria: Person) -> None:
    answer = maria.says("vorrei donare 10 euro")
    assert "non ci sono idee aperte" in answer
    assert maria.buttons() == ["Sì, avvisami"]


def test_subscribing_by_town_and_topic_then_stop(maria: Person, db: Database) -> None:
    question = maria.says("vorrei ricevere gli avvisi")
    assert "Eventi e incontri" in maria.buttons() and "?" in question
    maria.taps("Eventi e incontri")
    answer = maria.taps("Orbassano")
    assert "eventi e incontri" in answer and "a Orbassano" in answer and "stop" in answer
    with db.unit_of_work() as session:
        held = session.scalars(select(Subscription)).all()
        assert [(s.topic, s.comune) for s in held] == [("events", "Orbassano")]

    answer = maria.says("stop")
    assert "non ti mando più avvisi" in answer or "niente più avvisi" in answer
    with db.unit_of_work() as session:
        assert session.scalars(select(Subscription)).all() == []


def test_topics_named_in_the_first_message_and_all_towns(maria: Person, db: Database) -> None:
    maria.says("avvisatemi delle iniziative di volontariato")
    answer = maria.taps("Tutti i comuni")
    assert "volontariato" in answer and "in tutti i comuni" in answer
    with db.unit_of_work() as session:
        held = session.scalars(select(Subscription)).all()
        assert [(s.topic, s.comune) for s in held] == [("volunteering", "")]


def test_topics_typed_instead_of_tapped(maria: Person, db: Database) -> None:
    maria.says("vorrei ricevere gli avvisi per bruino")
    answer = maria.says("boh")
    assert "Non ho capito di quali avvisi parli" in answer
    answer = maria.says("le raccolte fondi e le cose urgenti")
    # The town was in the first message: nothing more to ask.
    assert "idee e raccolte fondi, avvisi urgenti" in answer and "a Bruino" in answer
    with db.unit_of_work() as session:
        held = session.scalars(select(Subscription).order_by(Subscription.topic)).all()
        assert [(s.topic, s.comune) for s in held] == [("ideas", "Bruino"), ("urgent", "Bruino")]


def test_stop_without_subscriptions_is_answered_kindly(maria: Person) -> None:
    answer = maria.says("basta messaggi")
    assert "non c'è niente da fermare" in answer
