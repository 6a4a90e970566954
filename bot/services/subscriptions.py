"""Announcements a person asked for: topics, in one town or in all of them."""

import re
import unicodedata

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.db.models import Subscription

TOPICS = ("events", "volunteering", "ideas", "urgent")
ALL_TOWNS = ""

# How people name the topics when they type instead of tapping a button: word beginnings,
# without accents. The buttons carry the topic id itself.
TOPIC_WORDS = {
    "events": ("event", "incontr", "laborator", "teatr", "mostr", "focus", "festa"),
    "volunteering": ("volontar", "aiut", "dare una mano"),
    "ideas": ("idea", "idee", "progett", "raccolt", "crowdfunding", "donazion", "microcredit"),
    "urgent": ("urgen", "emergenz", "allert", "allarm", "important"),
}
ALL_WORDS = ("tutt", "ogni cosa", "qualsiasi")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()


def topics_in(text: str) -> list[str]:
    """The topics a message names, in the order of TOPICS; all of them for "tutto"."""
    plain = _plain(text)
    if any(re.search(rf"\b{word}", plain) for word in ALL_WORDS):
        return list(TOPICS)
    return [
        topic
        for topic in TOPICS
        if any(re.search(rf"\b{word}", plain) for word in TOPIC_WORDS[topic])
    ]


def subscribe(
    session: Session, person_id: int, topics: list[str], comune: str | None = None
) -> list[str]:
    """Add the subscriptions the person does not have yet; the topics newly added."""
    town = comune or ALL_TOWNS
    held = set(
        session.scalars(
            select(Subscription.topic).where(
                Subscription.person_id == person_id, Subscription.comune == town
            )
        )
    )
    added = [topic for topic in TOPICS if topic in topics and topic not in held]
    for topic in added:
        session.add(Subscription(person_id=person_id, topic=topic, comune=town))
    session.flush()
    return added


def subscriptions_of(session: Session, person_id: int) -> list[Subscription]:
    return list(
        session.scalars(
            select(Subscription)
            .where(Subscription.person_id == person_id)
            .order_by(Subscription.comune, Subscription.topic)
        )
    )


def unsubscribe_all(session: Session, person_id: int) -> int:
    """ "stop": every announcement ends at once. How many subscriptions there were."""
    result = session.execute(delete(Subscription).where(Subscription.person_id == person_id))
    return int(getattr(result, "rowcount", 0) or 0)
