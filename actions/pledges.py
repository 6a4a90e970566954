"""Pledging a small sum to a community idea: a promise, not a payment."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking, wording
from bot.engine.turn import current_session
from bot.services import ideas
from bot.services.pledges import PledgeRefused, cents, pledge

DomainDict = dict[str, Any]


class ActionListOpenIdeas(Action):
    """The idea chosen with a button, checked; otherwise the ideas open to pledges, to pick."""

    def name(self) -> str:
        return "action_list_open_ideas"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        requested = tracking.number(
            tracker.get_slot("idea_id") or tracking.entity(tracker, "idea_id")
        )
        with current_session() as session:
            if requested is not None:
                idea = ideas.open_idea(session, requested)
                if idea is not None:
                    return [SlotSet("idea_id", str(idea.id)), SlotSet("idea_title", idea.title)]
                dispatcher.utter_message(response="utter_pledge_unavailable")
                return [SlotSet("idea_id", None), SlotSet("ideas_found", 0.0)]
            offered = ideas.open_ideas(session)
        if not offered:
            dispatcher.utter_message(response="utter_no_open_ideas")
            return [SlotSet("ideas_found", 0.0)]
        dispatcher.utter_message(response="utter_ideas_intro")
        for idea in offered:
            dispatcher.utter_message(
                response="utter_idea_item" if idea.pledged_cents else "utter_idea_item_new",
                title=idea.title,
                comune=idea.comune,
                pledged=wording.euros(idea.pledged_cents),
                idea_id=str(idea.id),
            )
        return [SlotSet("ideas_found", float(len(offered)))]


class ActionRecordPledge(Action):
    def name(self) -> str:
        return "action_record_pledge"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        idea_id = tracking.number(tracker.get_slot("idea_id")) or 0
        amount = cents(float(tracker.get_slot("pledge_amount") or 0))
        done = [SlotSet("idea_title", None), SlotSet("ideas_found", None)]
        try:
            with current_session() as session:
                receipt = pledge(session, tracking.person_id(tracker), idea_id, amount)
        except PledgeRefused:
            dispatcher.utter_message(response="utter_pledge_unavailable")
            return done
        dispatcher.utter_message(
            response="utter_pledge_recorded",
            amount=wording.euros(receipt.amount_cents),
            title=receipt.idea_title,
            total=wording.euros(receipt.total_cents),
        )
        return done
