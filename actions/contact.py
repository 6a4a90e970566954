"""Asking for a human: the request reaches the right operators, and the person knows when."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking
from bot.engine.turn import current_session
from bot.services.free_text import describes_something
from bot.services.reports import create_report
from bot.services.routing import load_routing

DomainDict = dict[str, Any]


class ActionCaptureContactReason(Action):
    """ "vorrei parlare con qualcuno per la casa popolare" already says what about."""

    def name(self) -> str:
        return "action_capture_contact_reason"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = tracking.text(tracker)
        # Not the category: the NLU gives one to any message, also "voglio un operatore".
        if tracker.get_slot("contact_reason") or not describes_something(text):
            return []
        return [SlotSet("contact_reason", text)]


class ActionRequestContact(Action):
    def name(self) -> str:
        return "action_request_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        routing = load_routing()
        # Whoever asks for a person is answered within days at most, whatever the topic.
        urgency = "high" if tracker.get_slot("report_urgency") == "high" else "medium"
        with current_session() as session:
            report = create_report(
                session,
                person_id=tracking.person_id(tracker),
                text=str(tracker.get_slot("contact_reason") or ""),
                category=tracker.get_slot("report_category") or "other",
                urgency=urgency,
                comune=tracker.get_slot("comune"),
                frazione=tracker.get_slot("frazione"),
                kind="contact",
                routing=routing,
            )
            reference, queue = report.reference, routing.queue(report.queue)
        dispatcher.utter_message(
            response="utter_contact_requested",
            reference=reference,
            operators=queue.operators,
            answer_within=routing.answer_within[urgency],
        )
        return [SlotSet(slot, None) for slot in ("report_category", "report_urgency", "frazione")]
