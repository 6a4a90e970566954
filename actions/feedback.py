"""Com'è andato? The score and the words of someone who took part in an event."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking
from actions.checkin import said_stop, stop
from bot.db.types import utcnow
from bot.engine.turn import current_session
from bot.services.campaigns import record_feedback, score_of

DomainDict = dict[str, Any]
NOTHING_TO_ADD = "-"
RESET = ("feedback_event_id", "feedback_event_title", "feedback_score", "feedback_words")


class ActionReadFeedbackScore(Action):
    """The score as a number from 1 to 5, or the question again; "stop" ends everything."""

    def name(self) -> str:
        return "action_read_feedback_score"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        if said_stop(tracker):
            stop(dispatcher, tracker, domain)
            return [SlotSet("feedback_stopped", True), *(SlotSet(name, None) for name in RESET)]
        score = score_of(str(tracker.get_slot("feedback_score") or ""))
        if score is None:
            dispatcher.utter_message(response="utter_feedback_score_unclear")
            return [SlotSet("feedback_score", None)]
        return [SlotSet("feedback_score", str(score))]


class ActionRecordFeedback(Action):
    def name(self) -> str:
        return "action_record_feedback"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        words = str(tracker.get_slot("feedback_words") or "").strip()
        if said_stop(tracker):
            stop(dispatcher, tracker, domain)
            words = ""
        event_id = tracking.number(tracker.get_slot("feedback_event_id"))
        if event_id is not None:
            with current_session() as session:
                record_feedback(
                    session,
                    tracking.person_id(tracker),
                    event_id,
                    score=score_of(str(tracker.get_slot("feedback_score") or "")),
                    words=None if words in ("", NOTHING_TO_ADD) else words,
                    now=utcnow(),
                )
        if not said_stop(tracker):
            dispatcher.utter_message(response="utter_feedback_thanks")
        return [SlotSet(name, None) for name in RESET]
