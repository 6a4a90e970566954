"""Announcements by town and topic, and "stop" that ends them all."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking, wording
from bot.db.types import utcnow
from bot.engine.turn import current_session
from bot.services.campaigns import stop_messages
from bot.services.subscriptions import TOPICS, subscribe, topics_in, unsubscribe_all

DomainDict = dict[str, Any]
# The "Tutti i comuni" button.
ALL_TOWNS = "tutti"


class ActionReadTopics(Action):
    """The topics from the button tapped, or from the words typed."""

    def name(self) -> str:
        return "action_read_topics"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        tapped = tracking.entity(tracker, "topic")
        if tapped == "all":
            topics = list(TOPICS)
        elif tapped in TOPICS:
            topics = [tapped]
        else:
            topics = topics_in(str(tracker.get_slot("topic_choice") or tracking.text(tracker)))
        if topics:
            return [SlotSet("topics", topics), SlotSet("topic_choice", None)]
        if tracker.get_slot("topic_choice"):
            dispatcher.utter_message(response="utter_topic_unknown")
        return [SlotSet("topics", None), SlotSet("topic_choice", None)]


class ActionSubscribe(Action):
    def name(self) -> str:
        return "action_subscribe"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        topics = [str(topic) for topic in tracker.get_slot("topics") or ()]
        comune = tracker.get_slot("comune")
        town = None if not comune or str(comune).lower() == ALL_TOWNS else str(comune)
        with current_session() as session:
            added = subscribe(session, tracking.person_id(tracker), topics, town)
        where = (
            wording.text("utter_where_town", comune=town)
            if town
            else wording.text("utter_where_all_towns")
        )
        if added:
            names = ", ".join(wording.name_of("topic", topic) for topic in added)
            dispatcher.utter_message(response="utter_subscribed", topics=names, where=where)
        else:
            dispatcher.utter_message(response="utter_subscribed_already", where=where)
        return [SlotSet("topics", None)]


class ActionUnsubscribe(Action):
    def name(self) -> str:
        return "action_unsubscribe"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            ended = unsubscribe_all(session, tracking.person_id(tracker))
            # The campaigns stop too: no check-in, no reminder, nothing still waiting to go.
            ended = stop_messages(session, tracking.person_id(tracker), utcnow()) or ended
        dispatcher.utter_message(
            response="utter_unsubscribed" if ended else "utter_no_subscriptions"
        )
        return []
