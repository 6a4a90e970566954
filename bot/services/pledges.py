"""Pledges: a promise of a small sum to a community project. Nobody pays through the bot."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.db.models import Pledge
from bot.services.ideas import open_idea, pledged_cents

# A pledge is a small gesture from a neighbour; larger sums deserve a conversation with the
# coordinators, not a chat button.
MIN_CENTS = 100
MAX_CENTS = 500_00


class PledgeRefused(ValueError):
    """The idea is not open to pledges, or the amount is outside what a pledge can be."""


@dataclass(frozen=True)
class PledgeReceipt:
    pledge_id: int
    idea_title: str
    amount_cents: int
    # Everything pledged to the idea so far, this pledge included.
    total_cents: int
    goal_cents: int | None


def cents(euros: float) -> int:
    return round(euros * 100)


def amount_allowed(amount_cents: int) -> bool:
    return MIN_CENTS <= amount_cents <= MAX_CENTS


def pledge(
    session: Session, person_id: int | None, idea_id: int, amount_cents: int
) -> PledgeReceipt:
    idea = open_idea(session, idea_id)
    if idea is None:
        raise PledgeRefused(f"idea {idea_id} is not open to pledges")
    if not amount_allowed(amount_cents):
        raise PledgeRefused(f"{amount_cents} cents is not a pledge")
    row = Pledge(idea_id=idea_id, person_id=person_id, amount_cents=amount_cents)
    session.add(row)
    session.flush()
    return PledgeReceipt(
        pledge_id=row.id,
        idea_title=idea.title,
        amount_cents=amount_cents,
        total_cents=pledged_cents(session, idea_id),
        goal_cents=idea.goal_cents,
    )
