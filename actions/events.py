"""What is on, booking a place, giving it back: the waiting list is told through the outbox."""

from datetime import date
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions import tracking, wording
from bot.db.models import Person
from bot.db.types import utcnow
from bot.engine.turn import current_session
from bot.services import events, outbox
from bot.services.events import EventSummary

DomainDict = dict[str, Any]
HELPER_SLOTS = ("event_title", "event_when", "event_where", "events_found")


def _where(event: EventSummary) -> str:
    return ", ".join(part for part in (event.venue, event.comune) if part)


def _places(event: EventSummary) -> str:
    if event.places_left == 0:
        return wording.text("utter_event_full")
    if event.places_left == 1:
        return wording.text("utter_event_last_place")
    return wording.text("utter_event_places_left", count=event.places_left)


def _day_named(tracker: Tracker) -> date | None:
    value = tracking.entity(tracker, "data")
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _town_named(tracker: Tracker) -> str | None:
    return tracking.entity(tracker, "comune") or tracking.district_town(tracker)


def _show(dispatcher: CollectingDispatcher, listed: list[EventSummary]) -> None:
    for event in listed:
        dispatcher.utter_message(
            response="utter_event_item",
            title=event.title,
            when=wording.day_and_time(event.starts_at),
            where=_where(event),
            places=_places(event),
            event_id=str(event.id),
        )


def _chosen(event: EventSummary) -> list[dict[str, Any]]:
    return [
        SlotSet("event_id", str(event.id)),
        SlotSet("event_title", event.title),
        SlotSet("event_when", wording.day_and_time(event.starts_at)),
        SlotSet("event_where", _where(event)),
    ]


def _nothing_chosen(found: int = 0) -> list[dict[str, Any]]:
    return [SlotSet("event_id", None), SlotSet("events_found", float(found))]


def _requested_event(tracker: Tracker) -> int | None:
    return tracking.number(tracker.get_slot("event_id") or tracking.entity(tracker, "event_id"))


class ActionListEvents(Action):
    def name(self) -> str:
        return "action_list_events"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        comune = _town_named(tracker)
        day = _day_named(tracker)
        mention = tracking.entity(tracker, "evento")
        with current_session() as session:
            # "ci sono laboratori di teatro?": those first; all of them when none matches.
            listed = (
                events.match_events(session, str(mention), comune=comune, day=day)
                if mention
                else []
            )
            # Nothing on the day named ("nei prossimi giorni" is a day too): the next ones.
            listed = (
                listed
                or events.upcoming(session, comune=comune, day=day)
                or events.upcoming(session, comune=comune)
            )
        if not listed:
            if comune:
                dispatcher.utter_message(response="utter_no_events_town", comune=comune)
            else:
                dispatcher.utter_message(response="utter_no_events")
            return []
        if comune:
            dispatcher.utter_message(response="utter_events_intro_town", comune=comune)
        else:
            dispatcher.utter_message(response="utter_events_intro")
        _show(dispatcher, listed)
        return []


class ActionFindEvent(Action):
    """Which event the person means: the button's, the one the words name, or a list to pick."""

    def name(self) -> str:
        return "action_find_event"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        person_id = tracking.person_id(tracker)
        requested = _requested_event(tracker)
        with current_session() as session:
            if requested is not None:
                event = events.event_summary(session, requested)
                return self._check(dispatcher, session, event, person_id)
            mention = str(tracking.entity(tracker, "evento") or tracking.text(tracker))
            comune = _town_named(tracker)
            # A day the person names may be off ("giovedi" for next week's workshop).
            found = events.match_events(
                session, mention, comune=comune, day=_day_named(tracker)
            ) or events.match_events(session, mention, comune=comune)
            if len(found) == 1:
                return self._check(dispatcher, session, found[0], person_id)
            listed = found or events.upcoming(session)
        if not listed:
            dispatcher.utter_message(response="utter_no_events")
            return _nothing_chosen()
        _show(dispatcher, listed)
        return _nothing_chosen(len(listed))

    @staticmethod
    def _check(
        dispatcher: CollectingDispatcher,
        session: Session,
        event: EventSummary | None,
        person_id: int,
    ) -> list[dict[str, Any]]:
        if event is None or event.starts_at <= utcnow():
            dispatcher.utter_message(response="utter_event_unavailable")
            return _nothing_chosen()
        held = next(
            (b for b in events.bookings_of(session, person_id) if b.event.id == event.id), None
        )
        if held is not None:
            dispatcher.utter_message(
                response=(
                    "utter_booking_already"
                    if held.status == events.CONFIRMED
                    else "utter_booking_already_waitlist"
                ),
                title=event.title,
                when=wording.day_and_time(event.starts_at),
                position=held.position,
                event_id=str(event.id),
            )
            return _nothing_chosen()
        return _chosen(event)


class ActionBookEvent(Action):
    def name(self) -> str:
        return "action_book_event"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        event_id = _requested_event(tracker)
        try:
            with current_session() as session:
                booking = events.register(session, event_id or 0, tracking.person_id(tracker))
        except events.EventUnavailable:
            dispatcher.utter_message(response="utter_event_unavailable")
            return [SlotSet(slot, None) for slot in HELPER_SLOTS]
        if booking.status == events.CONFIRMED:
            response = "utter_booking_already" if booking.already else "utter_booking_confirmed"
        else:
            response = (
                "utter_booking_already_waitlist" if booking.already else "utter_booking_waitlist"
            )
        dispatcher.utter_message(
            response=response,
            title=booking.event.title,
            when=wording.day_and_time(booking.event.starts_at),
            where=_where(booking.event),
            position=booking.position,
            event_id=str(booking.event.id),
        )
        return [SlotSet(slot, None) for slot in HELPER_SLOTS]


class ActionFindBooking(Action):
    """Which booking to give back: the button's, or a list of the person's bookings."""

    def name(self) -> str:
        return "action_find_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        requested = _requested_event(tracker)
        with current_session() as session:
            held = events.bookings_of(session, tracking.person_id(tracker))
        chosen = next((b for b in held if b.event.id == requested), None)
        if chosen is not None:
            return _chosen(chosen.event)
        if not held:
            dispatcher.utter_message(response="utter_no_bookings")
            return _nothing_chosen()
        for booking in held:
            dispatcher.utter_message(
                response="utter_booking_item",
                title=booking.event.title,
                when=wording.day_and_time(booking.event.starts_at),
                status=wording.name_of("booking_status", booking.status),
                event_id=str(booking.event.id),
            )
        return _nothing_chosen(len(held))


class ActionCancelBooking(Action):
    def name(self) -> str:
        return "action_cancel_booking"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        event_id = _requested_event(tracker)
        try:
            with current_session() as session:
                cancellation = events.cancel(session, event_id or 0, tracking.person_id(tracker))
                if cancellation.promoted_person_id is not None:
                    tell_promoted(session, cancellation.event, cancellation.promoted_person_id)
        except events.EventUnavailable:
            dispatcher.utter_message(response="utter_event_unavailable")
            return [SlotSet(slot, None) for slot in HELPER_SLOTS]
        dispatcher.utter_message(
            response="utter_booking_cancelled" if cancellation.cancelled else "utter_no_bookings"
        )
        return [SlotSet(slot, None) for slot in HELPER_SLOTS]


def tell_promoted(session: Session, event: EventSummary, person_id: int) -> None:
    """The first of the waiting list learns at once, on their own channel, that the place is
    theirs."""
    person = session.get(Person, person_id)
    if person is None or not person.address:
        return
    notice = wording.message(
        "utter_waitlist_promoted",
        person.channel,
        title=event.title,
        when=wording.day_and_time(event.starts_at),
        where=_where(event),
        event_id=str(event.id),
    )
    outbox.enqueue(session, person, person.channel, person.address, notice, priority=0)
