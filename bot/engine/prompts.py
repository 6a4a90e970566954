"""Questions the antenna asks first (the weekly check-in, the feedback after an event): the
person's next message must be read as their answer, whatever words they use.

The campaign puts the flow that reads the answer on top of the person's stack, already waiting
at its question, with the slots the answer needs (which week, which event). The engine then runs
it like any other flow: the next message fills the collected slot, a cancel or an emergency
still win, and an interrupted flow resumes afterwards.
"""

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.models import Conversation, Person
from bot.engine.state import STATE_VERSION, Frame

# Someone who wrote this recently may be answering another question: theirs comes first.
BUSY_FOR = timedelta(minutes=15)


def is_busy(person: Person, now: datetime) -> bool:
    written = person.last_inbound_at
    return written is not None and now - BUSY_FOR < written <= now


def await_answer(
    session: Session, person_id: int, flow: str, step: str, slots: Mapping[str, Any]
) -> None:
    """Make the person's next message the answer to the question at `step` of `flow`."""
    conversation = _locked_conversation(session, person_id)
    if conversation is None:
        conversation = Conversation(person_id=person_id, state={})
        session.add(conversation)
    state = dict(conversation.state or {})
    stack = [frame for frame in state.get("stack") or () if frame.get("flow") != flow]
    if stack:
        stack[-1] = {**stack[-1], "interrupted": True}
    stack.append(asdict(Frame(flow=flow, step=step, waiting=True)))
    state["version"] = state.get("version", STATE_VERSION)
    state["slots"] = {**(state.get("slots") or {}), **slots}
    state["stack"] = stack
    conversation.state = state


def is_awaiting(session: Session, person_id: int, flows: set[str]) -> bool:
    """A question of one of these flows is still waiting for this person's answer."""
    state = session.scalar(select(Conversation.state).where(Conversation.person_id == person_id))
    return any(frame.get("flow") in flows for frame in (state or {}).get("stack") or ())


def forget_question(session: Session, person_id: int, flow: str, slots: Mapping[str, Any]) -> bool:
    """Stop waiting for an answer that never came; True when the question was still waiting."""
    conversation = _locked_conversation(session, person_id)
    if conversation is None:
        return False
    state = dict(conversation.state or {})
    before = list(state.get("stack") or ())
    stack = [frame for frame in before if frame.get("flow") != flow]
    if len(stack) == len(before):
        return False
    if stack:
        # Nothing is on top of it any more: it continues at the next message, without a "where
        # were we" first.
        stack[-1] = {**stack[-1], "interrupted": False}
    state["stack"] = stack
    state["slots"] = {
        name: value for name, value in (state.get("slots") or {}).items() if name not in slots
    }
    conversation.state = state
    return True


def _locked_conversation(session: Session, person_id: int) -> Conversation | None:
    # The person's row first, as a turn of the engine takes it: a turn under way finishes before
    # the state is read here, and a turn that starts now waits for this one.
    session.execute(select(Person.id).where(Person.id == person_id).with_for_update())
    return session.scalars(
        select(Conversation).where(Conversation.person_id == person_id).with_for_update()
    ).first()
