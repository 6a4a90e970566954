"""What the service is, how micro-credit works, where the offices are."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking
from bot.services.info_topics import info_topic_in

DomainDict = dict[str, Any]


class ActionReadInfoTopic(Action):
    def name(self) -> str:
        return "action_read_info_topic"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        topic = tracking.entity(tracker, "info_topic") or info_topic_in(tracking.text(tracker))
        return [SlotSet("info_topic", topic)]
