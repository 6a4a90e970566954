"""Ideas for the community: candidates for micro-credit and crowdfunding."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db.models import Idea, Pledge

TITLE_LENGTH = 80


@dataclass(frozen=True)
class OpenIdea:
    id: int
    title: str
    comune: str | None
    goal_cents: int | None
    pledged_cents: int


def title_from(description: str) -> str:
    """A short title from the person's own words: the first sentence, cut at a word."""
    first = description.strip().split("\n", 1)[0].split(". ", 1)[0].strip()
    if len(first) <= TITLE_LENGTH:
        return first
    cut = first[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return f"{cut}…"


def propose_idea(
    session: Session,
    person_id: int | None,
    description: str,
    audience: str | None = None,
    comune: str | None = None,
) -> Idea:
    idea = Idea(
        person_id=person_id,
        title=title_from(description),
        description=description,
        audience=audience,
        comune=comune,
    )
    session.add(idea)
    session.flush()
    return idea


def pledged_cents(session: Session, idea_id: int) -> int:
    return (
        session.scalar(
            select(func.coalesce(func.sum(Pledge.amount_cents), 0)).where(Pledge.idea_id == idea_id)
        )
        or 0
    )


def open_ideas(session: Session, limit: int = 10) -> list[OpenIdea]:
    """Ideas the coordinators opened to pledges, newest first."""
    ideas = session.scalars(
        select(Idea)
        .where(Idea.open_for_pledges.is_(True))
        .order_by(Idea.created_at.desc(), Idea.id.desc())
        .limit(limit)
    ).all()
    return [
        OpenIdea(
            id=idea.id,
            title=idea.title,
            comune=idea.comune,
            goal_cents=idea.goal_cents,
            pledged_cents=pledged_cents(session, idea.id),
        )
        for idea in ideas
    ]


def open_idea(session: Session, idea_id: int) -> OpenIdea | None:
    idea = session.get(Idea, idea_id)
    if idea is None or not idea.open_for_pledges:
        return None
    return OpenIdea(
        id=idea.id,
        title=idea.title,
        comune=idea.comune,
        goal_cents=idea.goal_cents,
        pledged_cents=pledged_cents(session, idea.id),
    )
