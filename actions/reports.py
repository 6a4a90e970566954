"""Reporting a problem: the person's words, their triage, and a reference they can keep."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking
from bot.engine.turn import current_session
from bot.services.free_text import describes_something, preview
from bot.services.reports import create_report
from bot.services.routing import load_routing

DomainDict = dict[str, Any]
# Long answers and the short versions the summaries repeat.
PREVIEWS = {
    "problem_text": "problem_preview",
    "help_offer": "offer_preview",
    "idea_text": "idea_preview",
    "place_story": "story_preview",
}


def photo_ids(value: Any) -> list[str]:
    return [str(item) for item in value or () if item]


def coordinates(location: Any) -> tuple[float | None, float | None]:
    """A pin's latitude and longitude; a typed address has none."""
    if isinstance(location, dict):
        latitude, longitude = location.get("latitude"), location.get("longitude")
        if latitude is not None and longitude is not None:
            return float(latitude), float(longitude)
    return None, None


class ActionCaptureReportText(Action):
    """When the first message already tells the problem, it is the report's text."""

    def name(self) -> str:
        return "action_capture_report_text"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = tracking.text(tracker)
        category = tracking.category(tracker)
        events = [SlotSet("frazione", tracking.entity(tracker, "frazione"))]
        if not tracker.get_slot("problem_text") and describes_something(text, category):
            events.append(SlotSet("problem_text", text))
        return events


class ActionTriageReport(Action):
    """Category and urgency of the words that tell the problem; a district names its town."""

    def name(self) -> str:
        return "action_triage_report"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        events = [
            SlotSet("report_category", tracking.category(tracker)),
            SlotSet("report_urgency", tracking.urgency(tracker)),
        ]
        district = tracking.entity(tracker, "frazione")
        if district:
            events.append(SlotSet("frazione", district))
        town = tracking.entity(tracker, "comune") or tracking.district_town(tracker)
        if town and not tracker.get_slot("comune"):
            events.append(SlotSet("comune", town))
        return events


class ActionAskReportExtrasDone(Action):
    """Asks for a photo or the position; once one has arrived, whether there is more."""

    def name(self) -> str:
        return "action_ask_report_extras_done"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        received = tracker.get_slot("photos") or tracker.get_slot("location")
        dispatcher.utter_message(
            response="utter_ask_report_extras_more" if received else "utter_ask_report_extras"
        )
        return []


class ActionPreviewTexts(Action):
    """Short versions of long answers, for the summary the person confirms."""

    def name(self) -> str:
        return "action_preview_texts"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return [
            SlotSet(target, preview(str(tracker.get_slot(source))))
            for source, target in PREVIEWS.items()
            if tracker.get_slot(source)
        ]


class ActionSubmitReport(Action):
    def name(self) -> str:
        return "action_submit_report"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        routing = load_routing()
        urgency = tracker.get_slot("report_urgency") or "low"
        latitude, longitude = coordinates(tracker.get_slot("location"))
        with current_session() as session:
            report = create_report(
                session,
                person_id=tracking.person_id(tracker),
                text=str(tracker.get_slot("problem_text") or ""),
                category=tracker.get_slot("report_category") or "other",
                urgency=urgency,
                comune=tracker.get_slot("comune"),
                frazione=tracker.get_slot("frazione"),
                latitude=latitude,
                longitude=longitude,
                photo_file_ids=photo_ids(tracker.get_slot("photos")),
                routing=routing,
            )
            reference, queue = report.reference, routing.queue(report.queue)
        dispatcher.utter_message(
            response="utter_report_submitted",
            reference=reference,
            operators=queue.operators,
            answer_within=routing.answer_within[urgency],
        )
        return [
            SlotSet(slot, None)
            for slot in (
                "problem_preview", "report_category", "report_urgency", "frazione", "photos",
                "location",
            )
        ]  # fmt: skip
