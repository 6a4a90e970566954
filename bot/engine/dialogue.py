"""One turn of the flows: the message moves the stack of active flows, and the bot speaks.

The order of the checks is the contract's "Engine behaviour, in order": urgency first, then
media, empty and foreign messages, then cancel, correction, the answer to the question asked,
a digression to another flow, and only when no flow is active the flow the intent triggers.
"""

import logging
import traceback
from collections.abc import Iterable
from functools import cached_property
from typing import Any

from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from bot.engine.actions import ActionOutcome
from bot.engine.content import EMERGENCY_FLOW, Content
from bot.engine.flows import END, Flow, Step
from bot.engine.slot_filling import MISSING, answer_for, coerce, mentioned_value
from bot.engine.state import DialogueState, Frame
from bot.engine.understanding import Understanding
from bot.messages import AttachmentKind, Button, IncomingMessage, Location, OutgoingMessage
from bot.nlu.rasa_config import FALLBACK_INTENT

log = logging.getLogger(__name__)

# More steps than any conversation needs in one turn: past this, a flow loops on itself.
MAX_STEPS_PER_TURN = 200
PHOTOS_SLOT = "photos"
LOCATION_SLOT = "location"
LANGUAGE_SLOT = "language"
ITALIAN = "it"
# Fewer words than this say too little to tell a language, unless the script does.
WORDS_TO_JUDGE_LANGUAGE = 4
# A story the person tells at length may contain "lascia perdere" without meaning it to us.
CANCEL_MAX_WORDS = 6
DISPATCHER_KEYS = frozenset(
    {"text", "buttons", "elements", "custom", "template", "response", "image", "attachment"}
)


class ActionFailed(Exception):
    """A custom action raised; what it wrote was rolled back to before it started."""


class Dialogue:
    def __init__(
        self,
        content: Content,
        session: Session,
        state: DialogueState,
        channel: str,
        sender_id: str,
    ) -> None:
        self.content = content
        self.flows = content.flows
        self.domain = content.domain
        self.session = session
        self.state = state
        self.slots = state.slots
        self.stack = state.stack
        self.channel = channel
        self.sender_id = sender_id
        self.replies: list[OutgoingMessage] = []
        self.understanding = Understanding(text="")

    # -- the turn ------------------------------------------------------------------------------

    def handle(self, message: IncomingMessage, understanding: Understanding) -> None:
        self.understanding = understanding
        if understanding.urgent:
            self.start_emergency()
            return
        if (message.attachments or message.location) and self._media(message):
            return
        text = understanding.text.strip()
        if not text:
            self.say("utter_empty_message")
            self._repeat_question()
            return
        if self._foreign_language(text):
            return
        if self.stack:
            self._in_flow()
        else:
            self._without_flow()

    def say(self, response: str, **variables: Any) -> None:
        self.replies.append(
            self.content.responses.render(response, self.slots, variables, self.channel)
        )

    def start_emergency(self) -> None:
        if EMERGENCY_FLOW not in self.flows:
            self.say("utter_emergency")
            self._repeat_question()
            return
        # Urgent again while the emergency flow runs: it starts over, with the numbers first.
        for index, frame in enumerate(self.stack):
            if frame.flow == EMERGENCY_FLOW:
                del self.stack[index:]
                break
        if self.stack:
            self.stack[-1].interrupted = True
        self._start(self.flows[EMERGENCY_FLOW])
        self.run()

    # -- what kind of message ------------------------------------------------------------------

    def _media(self, message: IncomingMessage) -> bool:
        """Handle what is not text; True when nothing of the message is left to handle."""
        if message.location is not None:
            self._location(message.location)
            return True
        photos = [a.file_id for a in message.attachments if a.kind == AttachmentKind.PHOTO]
        has_text = bool(self.understanding.text.strip())
        if not photos:
            self.say("utter_cannot_read_media")
            if not has_text:
                self._repeat_question()
            return not has_text
        if not self._flow_uses(PHOTOS_SLOT):
            self.say("utter_photo_received_outside_flow")
            return not has_text
        kept = self.slots.get(PHOTOS_SLOT)
        kept = list(kept) if isinstance(kept, list) else []
        self.slots[PHOTOS_SLOT] = kept + [file_id for file_id in photos if file_id]
        self.say("utter_photo_received")
        if self._collecting(PHOTOS_SLOT):
            self._fill(self.stack[-1], self._current_step(), self.slots[PHOTOS_SLOT])
            self.run()
        return not has_text

    def _location(self, location: Location) -> None:
        if not self._flow_uses(LOCATION_SLOT):
            self.say("utter_location_outside_flow")
            return
        self.slots[LOCATION_SLOT] = {
            "latitude": location.latitude,
            "longitude": location.longitude,
            "address": location.address,
        }
        if self._collecting(LOCATION_SLOT):
            self._fill(self.stack[-1], self._current_step(), self.slots[LOCATION_SLOT])
            self.run()
        else:
            self._repeat_question()

    def _foreign_language(self, text: str) -> bool:
        understanding = self.understanding
        if understanding.from_button or not _long_enough_to_judge(text):
            return False
        language = understanding.language or ITALIAN
        if LANGUAGE_SLOT in self.domain.slots:
            known = coerce(self.domain.slots[LANGUAGE_SLOT], language)
            self.slots[LANGUAGE_SLOT] = None if known is MISSING else known
        if language == ITALIAN:
            return False
        self.say("utter_other_language")
        return True

    def _in_flow(self) -> None:
        frame = self.stack[-1]
        step = self._current_step()
        if self.understanding.cancel and self._means_cancel(frame, step):
            self._drop_top()
            self.say("utter_flow_cancelled")
            self._resume_interrupted()
            self.run()
            return
        if self._correction(frame, step):
            return
        if step.kind == "collect" and frame.waiting and step.slot:
            value = answer_for(self.domain.slots[step.slot], self.understanding)
            if value is not MISSING:
                self._fill(frame, step, value)
                self.run()
                return
            if self._digression():
                return
            self.say("utter_ask_rephrase")
            self._ask(frame, step)
            return
        self.run()

    def _means_cancel(self, frame: Frame, step: Step) -> bool:
        """A "lascia stare" is a short answer; inside a story told at length it is just words."""
        telling = (
            step.kind == "collect"
            and frame.waiting
            and any(m.kind == "from_text" for m in self.domain.slots[step.slot or ""].mappings)
        )
        return not telling or len(self.understanding.text.split()) <= CANCEL_MAX_WORDS

    def _without_flow(self) -> None:
        understanding = self.understanding
        if not self._understood():
            self.say("utter_default")
            return
        flow = self.flows.triggered_by(understanding.intent, understanding.confidence, self.slots)
        if flow is not None:
            self._start(flow)
            self.run()
            return
        # An intent without a flow of its own may have a plain answer: utter_greet for greet.
        response = f"utter_{understanding.intent}"
        self.say(response if response in self.content.responses else "utter_default")

    def _understood(self) -> bool:
        understanding = self.understanding
        return (
            understanding.intent is not None
            and understanding.intent != FALLBACK_INTENT
            and understanding.confidence >= self.content.fallback_threshold
        )

    def _digression(self) -> bool:
        if not self._understood():
            return False
        understanding = self.understanding
        flow = self.flows.triggered_by(
            understanding.intent,
            understanding.confidence,
            self.slots,
            exclude={frame.flow for frame in self.stack},
        )
        if flow is None:
            return False
        self.stack[-1].interrupted = True
        self._start(flow)
        self.run()
        return True

    def _correction(self, frame: Frame, step: Step) -> bool:
        """A changed answer to an earlier question: update it and go back to the confirmation."""
        understanding = self.understanding
        collecting = step.slot if step.kind == "collect" and frame.waiting else None
        # "no, a Bruino" at a yes/no question is a correction even when the NLU did not flag it.
        confirming = collecting is not None and self.domain.slots[collecting].type == "bool"
        if not (understanding.correction or confirming):
            return False
        collects = sorted(self.flows[frame.flow].collects, key=lambda s: s.order)
        changed: list[tuple[Step, str, Any]] = []
        for collect in collects:
            name = collect.slot
            if name is None or name == collecting:
                continue
            value = mentioned_value(self.domain.slots[name], understanding)
            if value is MISSING or value == self.slots.get(name):
                continue
            if not understanding.correction and self.slots.get(name) is None:
                continue
            changed.append((collect, name, value))
        if not changed:
            return False
        for _, name, value in changed:
            self.slots[name] = value
        first, first_name, first_value = changed[0]
        self.say("utter_corrected", value=first_value, slot=first_name)
        confirmation = next(
            (s for s in collects if s.order > first.order and s.ask_before_filling), None
        )
        if confirmation is not None and confirmation.order <= step.order:
            frame.step = confirmation.id
            frame.waiting = False
            self.run()
        else:
            self._ask(frame, step)
        return True

    # -- running the flows ---------------------------------------------------------------------

    def run(self) -> None:
        """Execute steps until a question waits for an answer or no flow is left."""
        budget = MAX_STEPS_PER_TURN
        while self.stack:
            budget -= 1
            if budget < 0:
                log.error("flow %s loops without asking anything: dropped", self.stack[-1].flow)
                self._fail()
                budget = MAX_STEPS_PER_TURN
                continue
            frame = self.stack[-1]
            if not self._execute(frame, self._current_step()):
                return

    def _execute(self, frame: Frame, step: Step) -> bool:
        """Run one step; False when it waits for the person."""
        if step.kind == "collect":
            if frame.waiting:
                return False
            slot = step.slot or ""
            # Filled before its question (by the first message, another flow): not asked,
            # but refused as an answer would be.
            filled = self.slots.get(slot) is not None and not step.ask_before_filling
            if filled and not self._rejected(step):
                self._advance(frame, step)
                return True
            self._ask(frame, step)
            # Waiting for the answer, unless asking failed and took the flow away.
            return frame is not self._top()
        if step.kind == "action" and step.action:
            try:
                self._act(step.action)
            except ActionFailed:
                self._fail()
                return True
        elif step.kind == "set_slots":
            for name, value in step.slot_values:
                self.slots[name] = value
        elif step.kind == "link" and step.flow_target:
            self._pop(frame)
            self.stack.append(
                Frame(step.flow_target, self.flows[step.flow_target].first, called=frame.called)
            )
            return True
        elif step.kind == "call" and step.flow_target:
            if not frame.waiting:
                frame.waiting = True
                self.stack.append(
                    Frame(step.flow_target, self.flows[step.flow_target].first, called=True)
                )
                return True
            frame.waiting = False
        if frame is self._top():
            self._advance(frame, step)
        return True

    def _advance(self, frame: Frame, step: Step) -> None:
        target = next(
            t.target
            for t in step.transitions
            if t.condition is None or t.condition.holds(self.slots)
        )
        frame.waiting = False
        if target != END:
            frame.step = target
            return
        called = frame.called
        self._pop(frame)
        if not called:
            self._resume_interrupted()

    def _fill(self, frame: Frame, step: Step, value: Any) -> None:
        self.slots[step.slot or ""] = value
        if self._rejected(step):
            self._ask(frame, step)
        else:
            self._advance(frame, step)

    def _rejected(self, step: Step) -> bool:
        """Refuse the slot's value if a rejection of the step holds; the slot is emptied."""
        slot = step.slot or ""
        for rejection in step.rejections:
            if rejection.condition.holds(self.slots):
                # Said while the slot still holds the refused value, so the text can name it.
                self.say(rejection.response)
                self.slots[slot] = self.domain.slots[slot].initial_value
                return True
        return False

    def _ask(self, frame: Frame, step: Step) -> None:
        frame.waiting = True
        question = step.question or ""
        if question in self.content.responses:
            self.say(question)
            return
        try:
            self._act(question)
        except ActionFailed:
            self._fail()

    def _start(self, flow: Flow) -> None:
        """Start a flow the person asked for; their message may already answer its questions."""
        self.stack.append(Frame(flow.id, flow.first))
        for collect in flow.collects:
            if collect.slot:
                value = mentioned_value(self.domain.slots[collect.slot], self.understanding)
                if value is not MISSING:
                    self.slots[collect.slot] = value

    def _pop(self, frame: Frame) -> None:
        """End the top flow; what it collected is forgotten unless a flow still running needs it."""
        self.stack.remove(frame)
        keep: set[str] = set()
        for remaining in self.stack:
            keep |= self.flows.slots_of(remaining.flow)
        self._reset(self.flows.slots_reset_at_end(frame.flow) - keep)

    def _drop_top(self) -> None:
        """Drop the top flow, with the flows that called it, and everything they touched."""
        dropped = [self.stack.pop()]
        while dropped[-1].called and self.stack:
            dropped.append(self.stack.pop())
        keep: set[str] = set()
        for remaining in self.stack:
            keep |= self.flows.slots_of(remaining.flow)
        for frame in dropped:
            self._reset(self.flows.slots_of(frame.flow) - keep)

    def _resume_interrupted(self) -> None:
        if self.stack and self.stack[-1].interrupted:
            below = self.stack[-1]
            below.interrupted = False
            below.waiting = False
            self.say("utter_continue_interrupted")

    def _fail(self) -> None:
        self.say("utter_internal_error")
        self._drop_top()
        self._resume_interrupted()

    def _reset(self, names: Iterable[str]) -> None:
        for name in names:
            self.slots[name] = self.domain.slots[name].initial_value

    def _repeat_question(self) -> None:
        if self.stack and self.stack[-1].waiting:
            step = self._current_step()
            if step.kind == "collect":
                self._ask(self.stack[-1], step)

    # -- actions -------------------------------------------------------------------------------

    def _act(self, name: str) -> None:
        pending = [name]
        while pending:
            current = pending.pop(0)
            if current in self.content.responses:
                self.say(current)
            elif current in self.content.actions:
                outcome = self._run_custom(current)
                self._speak(outcome.messages)
                pending.extend(self._apply(outcome.events))
            else:
                log.error("follow-up action %s does not exist", current)

    def _run_custom(self, name: str) -> ActionOutcome:
        tracker = Tracker(
            sender_id=self.sender_id,
            slots=dict(self.slots),
            latest_message=self._latest_message,
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name=None,
            stack=[
                {"type": "flow", "flow_id": frame.flow, "step_id": frame.step}
                for frame in self.stack
            ],
        )
        try:
            # A savepoint: a failing action takes back its own writes, nothing written before.
            with self.session.begin_nested():
                return self.content.actions.run(name, tracker, self.domain.raw)
        except Exception as error:
            flow = self.stack[-1].flow if self.stack else "-"
            # The type and the stack, never the exception's message: it may quote the person.
            log.error(
                "action %s failed in flow %s (%s)\n%s",
                name,
                flow,
                type(error).__name__,
                "".join(traceback.format_tb(error.__traceback__)),
            )
            raise ActionFailed(name) from error

    @cached_property
    def _latest_message(self) -> dict[str, Any]:
        data = self.understanding.parse_data()
        data["metadata"]["channel"] = self.channel
        return data

    def _speak(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            buttons = tuple(
                Button(str(b["title"]), str(b["payload"]))
                for b in message.get("buttons") or ()
                if isinstance(b, dict) and b.get("title") and b.get("payload")
            )
            response = message.get("response")
            if response and response in self.content.responses:
                variables = {k: v for k, v in message.items() if k not in DISPATCHER_KEYS}
                self.replies.append(
                    self.content.responses.render(
                        response, self.slots, variables, self.channel, buttons
                    )
                )
            elif response:
                log.error("an action asked for the response %s, which the domain lacks", response)
            elif message.get("text"):
                log.warning("an action spoke a literal text: texts belong in domain.yml")
                self.replies.append(OutgoingMessage(text=str(message["text"]), buttons=buttons))

    def _apply(self, events: list[dict[str, Any]]) -> list[str]:
        """Apply an action's events; returns the follow-up actions it asked for."""
        follow_ups = []
        for event in events:
            kind = event.get("event") if isinstance(event, dict) else None
            if kind == "slot":
                name = event.get("name")
                if name in self.slots:
                    self.slots[name] = event.get("value")
                else:
                    log.warning("an action set the slot %s, which the domain lacks", name)
            elif kind == "reset_slots":
                self.slots.update(self.domain.initial_slots())
            elif kind == "restart":
                self.slots.update(self.domain.initial_slots())
                self.stack.clear()
            elif kind == "followup":
                follow_ups.append(str(event.get("name")))
        return follow_ups

    # -- where the stack is --------------------------------------------------------------------

    def _top(self) -> Frame | None:
        return self.stack[-1] if self.stack else None

    def _current_step(self) -> Step:
        frame = self.stack[-1]
        return self.flows[frame.flow].steps[frame.step]

    def _collecting(self, slot: str) -> bool:
        if not self.stack or not self.stack[-1].waiting:
            return False
        step = self._current_step()
        return step.kind == "collect" and step.slot == slot

    def _flow_uses(self, slot: str) -> bool:
        return slot in self.slots and any(slot in self.flows.slots_of(f.flow) for f in self.stack)


def _long_enough_to_judge(text: str) -> bool:
    letters = [char for char in text[:400] if char.isalpha()]
    if not letters:
        return False
    # Arabic, Cyrillic, Chinese ...: a single word is enough to know it is not Italian.
    if sum(1 for char in letters if not _latin(char)) * 2 >= len(letters):
        return True
    return len(text.split()) >= WORDS_TO_JUDGE_LANGUAGE


def _latin(char: str) -> bool:
    return char.isascii() or "\u00c0" <= char <= "\u024f"
