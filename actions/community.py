"""What a person gives the community: their time, an idea, a place and its story."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking
from actions.reports import coordinates
from bot.engine.turn import current_session
from bot.services.free_text import describes_something
from bot.services.ideas import propose_idea
from bot.services.places import share_place
from bot.services.volunteers import offer_help

DomainDict = dict[str, Any]


def _captured(tracker: Tracker, slot: str) -> list[dict[str, Any]]:
    """The first message as the answer to the flow's first question, when it already is one."""
    text = tracking.text(tracker)
    if tracker.get_slot(slot) or not describes_something(text):
        return []
    return [SlotSet(slot, text)]


class ActionCaptureHelpOffer(Action):
    def name(self) -> str:
        return "action_capture_help_offer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return _captured(tracker, "help_offer")


class ActionRecordHelpOffer(Action):
    def name(self) -> str:
        return "action_record_help_offer"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            offer_help(
                session,
                tracking.person_id(tracker),
                str(tracker.get_slot("help_offer") or ""),
                tracker.get_slot("help_when"),
                tracker.get_slot("comune"),
            )
        dispatcher.utter_message(response="utter_help_recorded")
        return [SlotSet("offer_preview", None)]


class ActionCaptureIdea(Action):
    def name(self) -> str:
        return "action_capture_idea"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        return _captured(tracker, "idea_text")


class ActionRecordIdea(Action):
    def name(self) -> str:
        return "action_record_idea"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            propose_idea(
                session,
                tracking.person_id(tracker),
                str(tracker.get_slot("idea_text") or ""),
                tracker.get_slot("idea_audience"),
                tracker.get_slot("comune"),
            )
        dispatcher.utter_message(response="utter_idea_recorded")
        return [SlotSet("idea_preview", None)]


class ActionRecordPlace(Action):
    def name(self) -> str:
        return "action_record_place"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        location = tracker.get_slot("location")
        latitude, longitude = coordinates(location)
        if isinstance(location, dict):
            address = location.get("address")
        else:
            address = str(location) if location else None
        with current_session() as session:
            share_place(
                session,
                tracking.person_id(tracker),
                str(tracker.get_slot("place_name") or ""),
                tracker.get_slot("place_story"),
                comune=tracker.get_slot("comune"),
                address=address,
                latitude=latitude,
                longitude=longitude,
            )
        dispatcher.utter_message(response="utter_place_recorded")
        return [SlotSet("story_preview", None), SlotSet("location", None)]
