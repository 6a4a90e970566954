"""Announcements by town and topic; "stop" ends them all at once."""

import pytest

from bot.db.database import Database
from bot.services.subscriptions import (
    TOPICS,
    subscribe,
    subscriptions_of,
    topics_in,
    unsubscribe_all,
)
from tests.services.factories import person


def test_subscribing_twice_keeps_one_subscription(db: Database) -> None:
    with db.unit_of_work() as session:
        maria = person(session)
        assert subscribe(session, maria.id, ["events", "ideas"], "Orbassano") == ["events", "ideas"]
        assert subscribe(session, maria.id, ["events"], "Orbassano") == []
        assert subscribe(session, maria.id, ["events"]) == ["events"]
        held = [(s.topic, s.comune) for s in subscriptions_of(session, maria.id)]
    assert held == [("events", ""), ("events", "Orbassano"), ("ideas", "Orbassano")]


def test_stop_ends_every_subscription_at_once(db: Database) -> None:
    with db.unit_of_work() as session:
        maria, luca = person(session, "maria"), person(session, "luca")
        subscribe(session, maria.id, list(TOPICS), "Bruino")
        subscribe(session, luca.id, ["events"], "Bruino")
        assert unsubscribe_all(session, maria.id) == 4
        assert unsubscribe_all(session, maria.id) == 0
        assert subscriptions_of(session, maria.id) == []
        assert len(subscriptions_of(session, luca.id)) == 1


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("avvisami degli eventi", ["events"]),
        ("voglio sapere dei laboratori di teatro e del volontariato", ["events", "volunteering"]),
        ("le raccolte fondi per i progetti", ["ideas"]),
        ("solo le cose urgenti", ["urgent"]),
        ("tutto", list(TOPICS)),
        ("boh", []),
    ],
)
def test_topics_are_read_from_what_people_type(text: str, topics: list[str]) -> None:
    assert topics_in(text) == topics
