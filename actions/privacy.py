"""A person's data: what we keep, a copy of all of it, or all of it erased."""

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracking, wording
from actions.events import tell_promoted
from bot.engine.turn import current_session
from bot.services import events, privacy
from bot.services.free_text import preview

DomainDict = dict[str, Any]
# A chat message stays readable on every channel (Telegram stops at 4,096 characters).
CHUNK = 3000


class ActionReadPrivacyRequest(Action):
    def name(self) -> str:
        return "action_read_privacy_request"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        tapped = tracking.entity(tracker, "privacy_choice")
        choice = tapped or privacy.requested_right(tracking.text(tracker)) or "info"
        return [SlotSet("privacy_choice", choice)]


def _date(value: str | None) -> str:
    return (
        wording.day(datetime.fromisoformat(value))
        if value
        else wording.text("utter_export_unknown")
    )


def readable_lines(data: dict[str, Any]) -> Iterator[str]:
    """The export, one line per record, in the words of domain.yml."""
    unknown = wording.text("utter_export_unknown")
    person = data["person"]
    yield wording.text(
        "utter_export_person",
        channel=wording.name_of("channel", person["channel"]),
        since=_date(person["created_at"]),
        comune=person["comune"] or unknown,
    )
    for report in data["reports"]:
        yield wording.text(
            "utter_export_report",
            reference=report["reference"],
            date=_date(report["created_at"]),
            text=preview(report["text"], 300),
            status=wording.name_of("status", report["status"]),
        )
    for offer in data["volunteering"]:
        yield wording.text(
            "utter_export_volunteer",
            date=_date(offer["created_at"]),
            offer=preview(offer["offer"], 300),
            availability=offer["availability"] or unknown,
        )
    for idea in data["ideas"]:
        yield wording.text("utter_export_idea", date=_date(idea["created_at"]), title=idea["title"])
    for pledge in data["pledges"]:
        yield wording.text(
            "utter_export_pledge",
            date=_date(pledge["created_at"]),
            amount=wording.euros(round(pledge["amount_euro"] * 100)),
            idea=pledge["idea"],
        )
    for place in data["places"]:
        yield wording.text(
            "utter_export_place", date=_date(place["created_at"]), name=place["name"]
        )
    for booking in data["event_bookings"]:
        yield wording.text(
            "utter_export_booking",
            event=booking["event"],
            when=wording.day_and_time(datetime.fromisoformat(booking["starts_at"])),
            status=wording.name_of("booking_status", booking["status"]),
        )
    for subscription in data["subscriptions"]:
        where = (
            wording.text("utter_where_town", comune=subscription["comune"])
            if subscription["comune"]
            else wording.text("utter_where_all_towns")
        )
        yield wording.text(
            "utter_export_subscription",
            topic=wording.name_of("topic", subscription["topic"]),
            where=where,
        )
    if data["messages"]:
        yield wording.text("utter_export_messages", count=len(data["messages"]))


def chunks(lines: Iterator[str], size: int = CHUNK) -> Iterator[str]:
    block: list[str] = []
    length = 0
    for line in lines:
        if block and length + len(line) > size:
            yield "\n".join(block)
            block, length = [], 0
        block.append(line)
        length += len(line) + 1
    if block:
        yield "\n".join(block)


class ActionExportData(Action):
    def name(self) -> str:
        return "action_export_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            data = privacy.export(session, tracking.person_id(tracker))
        for index, records in enumerate(chunks(readable_lines(data))):
            response = "utter_data_export" if index == 0 else "utter_data_export_more"
            dispatcher.utter_message(response=response, records=records)
        dispatcher.utter_message(response="utter_data_export_end")
        return [SlotSet("privacy_choice", None)]


class ActionEraseData(Action):
    """Everything about the person goes, the person row included; their event places go to
    whoever was waiting, who is told."""

    def name(self) -> str:
        return "action_erase_data"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            erasure = privacy.erase(session, tracking.person_id(tracker))
            for event_id, promoted in erasure.promoted:
                summary = events.event_summary(session, event_id)
                if summary is not None:
                    tell_promoted(session, summary, promoted)
        dispatcher.utter_message(response="utter_data_erased")
        # Nothing of the conversation may survive either.
        return [Restarted()]
