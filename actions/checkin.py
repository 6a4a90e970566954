"""The answer to the weekly check-in ("come va questa settimana?")."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking, wording
from actions.subscriptions import ActionUnsubscribe
from bot.db.types import utcnow
from bot.engine.turn import current_session
from bot.services.campaigns import checkin_week
from bot.services.checkins import answer_checkin
from bot.services.indicators import feels_alone, mood_of

DomainDict = dict[str, Any]
UNSUBSCRIBE = "unsubscribe"


def said_stop(tracker: Tracker) -> bool:
    """ "stop" in answer to a question of ours is a stop, not an answer."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") == UNSUBSCRIBE


def stop(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> None:
    """What "stop" does anywhere else, answer included."""
    ActionUnsubscribe().run(dispatcher, tracker, domain)


class ActionRecordCheckin(Action):
    def name(self) -> str:
        return "action_record_checkin"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        reset = [SlotSet("checkin_answer", None), SlotSet("checkin_week", None)]
        if said_stop(tracker):
            stop(dispatcher, tracker, domain)
            return reset
        answer = str(tracker.get_slot("checkin_answer") or "")
        typed = answer != tracking.entity(tracker, "checkin_answer")
        mood = mood_of(answer)
        lonely = typed and feels_alone(answer)
        triage = tracking.triage(tracker) if typed else {}
        now = utcnow()
        with current_session() as session:
            outcome = answer_checkin(
                session,
                tracking.person_id(tracker),
                str(tracker.get_slot("checkin_week") or checkin_week(now, wording.ROME)[0]),
                mood=mood,
                lonely=lonely,
                report_text=answer if typed else _button_answer(mood),
                category=str(triage.get("category") or "other"),
                urgency=str(triage.get("urgency") or "low"),
                now=now,
            )
        if outcome.report is not None:
            dispatcher.utter_message(
                response="utter_checkin_not_well", reference=outcome.report.reference
            )
        elif outcome.mood is None:
            dispatcher.utter_message(response="utter_checkin_thanks")
        else:
            dispatcher.utter_message(response=f"utter_checkin_{outcome.mood}")
        return reset


def _button_answer(mood: str | None) -> str:
    answer = wording.text(f"utter_checkin_mood_{mood}") if mood else ""
    return wording.text("utter_checkin_report", answer=answer)
