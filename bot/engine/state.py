"""Where a person is: the stack of active flows and the slots, kept in conversations.state."""

import logging
from dataclasses import asdict, dataclass
from typing import Any

from bot.engine.domain import Domain
from bot.engine.flows import Flows

log = logging.getLogger(__name__)

STATE_VERSION = 1


@dataclass
class Frame:
    flow: str
    step: str
    # The step started and is waiting: a collect whose question was asked, or a call whose
    # flow runs on top.
    waiting: bool = False
    # Another flow started on top without being called: when it ends, this one resumes with
    # utter_continue_interrupted.
    interrupted: bool = False
    # Started by the call step of the frame below, which continues when this one ends.
    called: bool = False


@dataclass
class DialogueState:
    slots: dict[str, Any]
    stack: list[Frame]

    @classmethod
    def empty(cls, domain: Domain) -> "DialogueState":
        return cls(domain.initial_slots(), [])

    @classmethod
    def from_document(
        cls, document: dict[str, Any], domain: Domain, flows: Flows
    ) -> "DialogueState":
        """Read what was stored, dropping what the content no longer has (a renamed step)."""
        state = cls.empty(domain)
        for name, value in (document.get("slots") or {}).items():
            if name in state.slots:
                state.slots[name] = value
        for raw in document.get("stack") or ():
            frame = _frame(raw)
            if frame and frame.flow in flows and frame.step in flows[frame.flow].steps:
                state.stack.append(frame)
                continue
            log.warning("a stored step no longer exists: %s", raw)
            # The flows above a dropped one were started from it: they cannot go back to it.
            break
        return state

    def to_document(self, domain: Domain) -> dict[str, Any]:
        initial = domain.initial_slots()
        slots = {name: value for name, value in self.slots.items() if value != initial.get(name)}
        document: dict[str, Any] = {"version": STATE_VERSION}
        if slots:
            document["slots"] = slots
        if self.stack:
            document["stack"] = [asdict(frame) for frame in self.stack]
        return document


def _frame(raw: Any) -> Frame | None:
    try:
        return Frame(**raw)
    except TypeError:
        return None
