"""Someone may come to harm today: an urgent report in the on-call queue and the on-call alert,
at once; then what the person tells us next joins the same report."""

from datetime import timedelta
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracking, wording
from actions.reports import coordinates
from bot.db.models import Report
from bot.db.types import utcnow
from bot.engine.turn import current_session
from bot.messages import Channel
from bot.services.alerts import alert_on_call
from bot.services.free_text import preview
from bot.services.reports import add_to_report, create_report, find_report
from bot.services.routing import load_routing
from bot.settings import Settings

DomainDict = dict[str, Any]
# Messages of the same night belong to the same emergency: one report, updated, not ten.
SAME_EMERGENCY = timedelta(hours=12)
ALERT_TEXT_LENGTH = 500
# No food, no roof, no heating tonight: what helps first is the on-call finding food or a bed,
# not the list of emergency lines.
NEEDS_TONIGHT = frozenset({"no_food_tonight", "no_roof_tonight", "newborn_no_heating"})


def _town(tracker: Tracker) -> str | None:
    return (
        tracking.entity(tracker, "comune")
        or tracking.district_town(tracker)
        or tracker.get_slot("comune")
    )


def _ongoing(session: Session, reference: str | None) -> Report | None:
    report = find_report(session, reference) if reference else None
    if report is None or report.status == "closed":
        return None
    return report if utcnow() - report.created_at < SAME_EMERGENCY else None


def _alert(session: Session, tracker: Tracker, report: Report, response: str, text: str) -> None:
    message = wording.message(
        response,
        Channel.TELEGRAM.value,
        reference=report.reference,
        category=wording.name_of("category", report.category),
        comune=report.comune or wording.text("utter_export_unknown"),
        channel=wording.name_of("channel", tracking.channel(tracker)),
        text=preview(text, ALERT_TEXT_LENGTH),
    )
    alert_on_call(session, report, message, Settings().telegram_operator_group_ids)


class ActionReadEmergency(Action):
    """Which numbers come first, or whether this belongs to the emergency already open. It
    writes nothing, so the numbers always follow."""

    def name(self) -> str:
        return "action_read_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        with current_session() as session:
            ongoing = _ongoing(session, tracker.get_slot("emergency_reference"))
        danger = set(tracking.triage(tracker).get("danger") or ())
        if ongoing is not None:
            kind = "ongoing"
        elif tracking.category(tracker) == "violence":
            kind = "violence"
        elif danger and danger <= NEEDS_TONIGHT:
            kind = "need"
        else:
            kind = "general"
        return [SlotSet("emergency_kind", kind)]


class ActionOpenEmergency(Action):
    def name(self) -> str:
        return "action_open_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        text = tracking.text(tracker)
        category = tracking.category(tracker)
        latitude, longitude = coordinates(tracker.get_slot("location"))
        with current_session() as session:
            report = _ongoing(session, tracker.get_slot("emergency_reference"))
            if report is not None:
                add_to_report(
                    session, report.reference, text, comune=_town(tracker),
                    latitude=latitude, longitude=longitude,
                )  # fmt: skip
                _alert(session, tracker, report, "utter_operator_alert_update", text)
            else:
                routing = load_routing()
                report = create_report(
                    session,
                    person_id=tracking.person_id(tracker),
                    text=text,
                    category=category,
                    urgency="high",
                    comune=_town(tracker),
                    frazione=tracking.entity(tracker, "frazione"),
                    kind="emergency",
                    latitude=latitude,
                    longitude=longitude,
                    photo_file_ids=[str(p) for p in tracker.get_slot("photos") or ()],
                    routing=routing,
                    queue=routing.on_call,
                )
                _alert(session, tracker, report, "utter_operator_alert_urgent", text)
            reference = report.reference
        return [SlotSet("emergency_reference", reference)]


class ActionUpdateEmergency(Action):
    """The answer to "are you safe, where are you" goes to the on-call with the report."""

    def name(self) -> str:
        return "action_update_emergency"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        answer = str(tracker.get_slot("emergency_safety") or "")
        latitude, longitude = coordinates(tracker.get_slot("location"))
        with current_session() as session:
            report = add_to_report(
                session,
                str(tracker.get_slot("emergency_reference") or ""),
                answer,
                comune=_town(tracker),
                latitude=latitude,
                longitude=longitude,
            )
            if report is not None:
                _alert(session, tracker, report, "utter_operator_alert_update", answer)
        dispatcher.utter_message(
            response="utter_emergency_followup",
            reference=report.reference if report is not None else None,
        )
        return []
