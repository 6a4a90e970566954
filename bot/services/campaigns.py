"""Campaigns: event reminders (the day before and two hours before), the weekly check-in for people
who asked for one, feedback after an event, and the monthly digest of what is on in each town.

Their state lives in our tables: `campaigns` (paused or not) and `campaign_messages` (what was
queued for whom, on which occasion). The timer only asks, again and again, "what is due now?";
each `plan_*` function answers it for one campaign, and `write_planned` queues each message
once per person and occasion, however many times it runs. A reminder that fell due while the
process was down is sent when it is still useful and dropped when it is not: the check is made
against the clock when it runs, not when it should have run.

Nothing new is queued during quiet hours: what is due then waits for the morning, and is still
sent if by then it is still useful.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from sqlalchemy import ColumnElement, Select, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.db.models import (
    Campaign,
    CampaignMessage,
    Event,
    EventFeedback,
    MessageStop,
    Person,
    Registration,
    Subscription,
)
from bot.engine.prompts import await_answer, forget_question, is_awaiting, is_busy
from bot.messages import OutgoingMessage
from bot.services.bulk_messages import BulkRow, BulkTexts, cancel_waiting, queue_rows, reachable
from bot.services.events import CONFIRMED
from bot.services.quiet_hours import QuietHours
from bot.services.subscriptions import ALL_TOWNS
from bot.services.wall_clock import instant_at, same_time_days_before

EVENT_REMINDERS = "event_reminders"
WEEKLY_CHECKIN = "weekly_checkin"
EVENT_FEEDBACK = "event_feedback"
MONTHLY_DIGEST = "monthly_digest"
CAMPAIGNS = (EVENT_REMINDERS, WEEKLY_CHECKIN, EVENT_FEEDBACK, MONTHLY_DIGEST)
# For the console and the terminal, which speak Italian.
CAMPAIGN_NAMES = {
    EVENT_REMINDERS: "promemoria degli eventi",
    WEEKLY_CHECKIN: "saluto della settimana",
    EVENT_FEEDBACK: "com'è andato l'evento",
    MONTHLY_DIGEST: "il mese nei comuni",
}

QUEUED = "queued"
DROPPED = "dropped"
ANSWERED = "answered"
EXPIRED = "expired"

DAY_BEFORE = "day_before"
TWO_HOURS = "two_hours"
TWO_HOURS_BEFORE = timedelta(hours=2)
# Later than this before the start, a reminder helps nobody get there: it is dropped.
LAST_USEFUL_LEAD = timedelta(minutes=30)
# Monday morning: the week is starting and the offices are open if the answer is "non bene".
CHECKIN_WEEKDAY = 0
CHECKIN_TIME = time(10, 0)
# A check-in that could not go on Monday still makes sense on Tuesday; later it would feel odd.
CHECKIN_USEFUL = timedelta(days=2)
FEEDBACK_AFTER_END = timedelta(hours=1)
# An event without an end time is taken to last this long.
EVENT_LENGTH = timedelta(hours=2)
FEEDBACK_USEFUL = timedelta(days=3)
DIGEST_TIME = time(10, 0)
DIGEST_USEFUL = timedelta(days=3)
# A question we asked first stops waiting for its answer after this: the person's next message,
# days later, is about something else.
QUESTION_WAITS = timedelta(hours=24)

CHECKIN_FLOW = "weekly_checkin"
CHECKIN_STEP = "answer"
CHECKIN_WEEK_SLOT = "checkin_week"
FEEDBACK_FLOW = "event_feedback"
FEEDBACK_STEP = "score"
FEEDBACK_EVENT_SLOT = "feedback_event_id"
FEEDBACK_TITLE_SLOT = "feedback_event_title"
QUESTIONS = {
    WEEKLY_CHECKIN: (CHECKIN_FLOW, (CHECKIN_WEEK_SLOT,)),
    EVENT_FEEDBACK: (FEEDBACK_FLOW, (FEEDBACK_EVENT_SLOT, FEEDBACK_TITLE_SLOT)),
}
LOCALE = "it_IT"


@dataclass(frozen=True)
class CampaignContext:
    texts: BulkTexts
    quiet: QuietHours

    @property
    def zone(self) -> ZoneInfo:
        return self.quiet.zone


class CampaignUnknown(LookupError):
    """No campaign by that name; the message lists the ones there are."""

    def __init__(self, kind: str) -> None:
        super().__init__(f"Non c'è una campagna «{kind}»: ci sono {', '.join(CAMPAIGNS)}.")


# -- pausing -------------------------------------------------------------------------------------


def _campaign(session: Session, kind: str) -> Campaign:
    if kind not in CAMPAIGNS:
        raise CampaignUnknown(kind)
    campaign = session.get(Campaign, kind)
    if campaign is None:
        campaign = Campaign(kind=kind)
        session.add(campaign)
        session.flush()
    return campaign


def is_paused(session: Session, kind: str) -> bool:
    campaign = session.get(Campaign, kind)
    return campaign is not None and campaign.paused_at is not None


def pause_campaign(session: Session, kind: str, by: str, now: datetime) -> Campaign:
    """Nothing new is queued until it resumes; what was queued already still goes."""
    campaign = _campaign(session, kind)
    if campaign.paused_at is None:
        campaign.paused_at = now
        campaign.paused_by = by
    return campaign


def resume_campaign(session: Session, kind: str) -> Campaign:
    """What fell due meanwhile goes out if it is still useful, the rest is dropped."""
    campaign = _campaign(session, kind)
    campaign.paused_at = None
    campaign.paused_by = None
    return campaign


def mark_run(session: Session, kind: str, now: datetime) -> None:
    _campaign(session, kind).last_run_at = now


@dataclass(frozen=True)
class CampaignSummary:
    kind: str
    name: str
    paused_at: datetime | None
    paused_by: str | None
    last_run_at: datetime | None
    # How many messages, by outcome: queued, dropped, answered, expired.
    outcomes: dict[str, int]


def campaign_summaries(session: Session) -> list[CampaignSummary]:
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, outcome, count in session.execute(
        select(CampaignMessage.campaign, CampaignMessage.outcome, func.count()).group_by(
            CampaignMessage.campaign, CampaignMessage.outcome
        )
    ):
        counts[kind][outcome] = int(count)
    summaries = []
    for kind in CAMPAIGNS:
        campaign = session.get(Campaign, kind)
        summaries.append(
            CampaignSummary(
                kind=kind,
                name=CAMPAIGN_NAMES[kind],
                paused_at=campaign.paused_at if campaign else None,
                paused_by=campaign.paused_by if campaign else None,
                last_run_at=campaign.last_run_at if campaign else None,
                outcomes=dict(counts[kind]),
            )
        )
    return summaries


# -- what is due: a plan read in one go, written in short transactions --------------------------


@dataclass(frozen=True)
class Question:
    """A question we ask first: the flow that reads the answer and the slots it needs."""

    flow: str
    step: str
    slots: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Planned:
    person_id: int
    channel: str
    address: str
    occasion: str
    due_at: datetime
    response: str
    variables: tuple[tuple[str, str], ...]
    question: Question | None = None


@dataclass
class Plan:
    """What a campaign has due now. It is written in chunks, each its own short transaction, so
    that delivery starts with the first chunk and replies to people writing now are never held
    behind a long write (SQLite has a single writer)."""

    campaign: str
    now: datetime
    messages: list[Planned] = field(default_factory=list)
    # No longer useful: recorded so they are not weighed again. (person, occasion, due at)
    dropped: list[tuple[int, str, datetime]] = field(default_factory=list)


def _planned(
    person: Person,
    occasion: str,
    due_at: datetime,
    response: str,
    variables: dict[str, str],
    question: Question | None = None,
) -> Planned:
    return Planned(
        person.id,
        person.channel,
        str(person.address),
        occasion,
        due_at,
        response,
        tuple(sorted(variables.items())),
        question,
    )


def _not_yet(campaign: str, occasion: str) -> ColumnElement[bool]:
    """No message of this campaign and occasion for the person in the outer query yet."""
    return ~exists().where(
        CampaignMessage.campaign == campaign,
        CampaignMessage.occasion == occasion,
        CampaignMessage.person_id == Person.id,
    )


def _record(
    session: Session,
    campaign: str,
    entries: Iterable[tuple[int, str, datetime, str, int | None]],
    now: datetime,
) -> None:
    """(person, occasion, due at, outcome, outbox id) rows; one already there is left alone."""
    values = [
        {
            "campaign": campaign,
            "person_id": person_id,
            "occasion": occasion,
            "outcome": outcome,
            "outbox_id": outbox_id,
            "due_at": due_at,
            "created_at": now,
        }
        for person_id, occasion, due_at, outcome, outbox_id in entries
    ]
    if not values:
        return
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(
        insert(CampaignMessage).on_conflict_do_nothing(
            index_elements=[
                CampaignMessage.campaign,
                CampaignMessage.occasion,
                CampaignMessage.person_id,
            ]
        ),
        values,
    )


def record_dropped(session: Session, plan: Plan) -> None:
    _record(
        session,
        plan.campaign,
        ((person, occasion, due, DROPPED, None) for person, occasion, due in plan.dropped),
        plan.now,
    )


def write_planned(
    session: Session, context: CampaignContext, plan: Plan, chunk: Sequence[Planned]
) -> int:
    """Queue one chunk of the plan; how many messages went into the outbox."""
    now = plan.now
    # Someone who said "stop" while the plan was being written gets nothing of it.
    stopped = set(
        session.scalars(
            select(MessageStop.person_id).where(
                MessageStop.person_id.in_({item.person_id for item in chunk}),
                MessageStop.stopped_at >= now,
            )
        )
    )
    chunk = [item for item in chunk if item.person_id not in stopped]
    # The same reminder for a hundred people is rendered once.
    rendered: dict[tuple[str, str, tuple[tuple[str, str], ...]], OutgoingMessage] = {}
    rows = []
    for item in chunk:
        key = (item.response, item.channel, item.variables)
        if key not in rendered:
            rendered[key] = context.texts.render(
                item.response, item.channel, **dict(item.variables)
            )
        rows.append(
            BulkRow(
                person_id=item.person_id,
                channel=item.channel,
                address=item.address,
                message=rendered[key],
                dedupe_key=f"{plan.campaign}:{item.occasion}:{item.person_id}",
            )
        )
        if item.question is not None:
            question = item.question
            await_answer(
                session, item.person_id, question.flow, question.step, dict(question.slots)
            )
    inserted = queue_rows(session, rows, not_before=now, now=now)
    _record(
        session,
        plan.campaign,
        (
            (item.person_id, item.occasion, item.due_at, QUEUED, inserted.get(row.dedupe_key))
            for row, item in zip(rows, chunk, strict=True)
        ),
        now,
    )
    return len(inserted)


def _people(session: Session, query: Select[Person], now: datetime) -> list[Person]:
    return [person for person in session.scalars(query) if reachable(person, now)]


# -- event reminders -----------------------------------------------------------------------------


def reminder_due_at(kind: str, starts_at: datetime, zone: ZoneInfo) -> datetime:
    """The day before at the same wall-clock time (23 or 25 hours across a change), or two
    hours before."""
    if kind == DAY_BEFORE:
        return same_time_days_before(starts_at, 1, zone)
    return starts_at - TWO_HOURS_BEFORE


def _participants(event_id: int, campaign: str, occasion: str) -> Select[Person]:
    """Confirmed participants without this message yet, who did not say "stop" after booking."""
    return (
        select(Person)
        .join(Registration, Registration.person_id == Person.id)
        .outerjoin(MessageStop, MessageStop.person_id == Person.id)
        .where(
            Registration.event_id == event_id,
            Registration.status == CONFIRMED,
            (MessageStop.stopped_at.is_(None)) | (Registration.created_at > MessageStop.stopped_at),
            _not_yet(campaign, occasion),
        )
        .order_by(Person.id)
    )


def plan_event_reminders(session: Session, context: CampaignContext, now: datetime) -> Plan:
    plan = Plan(EVENT_REMINDERS, now)
    if context.quiet.is_quiet(now):
        return plan
    zone = context.zone
    # The day-before reminder of an event the day after the clocks go back comes 25 hours ahead.
    soon = session.scalars(
        select(Event)
        .where(Event.starts_at > now, Event.starts_at <= now + timedelta(hours=26))
        .order_by(Event.starts_at)
    ).all()
    for event in soon:
        if now >= reminder_due_at(TWO_HOURS, event.starts_at, zone):
            kind = TWO_HOURS
        elif now >= reminder_due_at(DAY_BEFORE, event.starts_at, zone):
            kind = DAY_BEFORE
        else:
            continue
        occasion = f"event:{event.id}:{kind}"
        due_at = reminder_due_at(kind, event.starts_at, zone)
        people = _people(session, _participants(event.id, EVENT_REMINDERS, occasion), now)
        if now > event.starts_at - LAST_USEFUL_LEAD:
            plan.dropped += [(person.id, occasion, due_at) for person in people]
            continue
        variables = {
            "event_id": str(event.id),
            "title": event.title,
            "when": _day_and_time(event.starts_at, zone),
            "time": format_time(event.starts_at, "HH:mm", tzinfo=zone, locale=LOCALE),
            "place": f"{event.venue}, {event.comune}" if event.venue else event.comune,
        }
        response = (
            "utter_event_reminder_day_before" if kind == DAY_BEFORE else "utter_event_reminder_soon"
        )
        plan.messages += [
            _planned(person, occasion, due_at, response, variables) for person in people
        ]
    return plan


def _day_and_time(moment: datetime, zone: ZoneInfo) -> str:
    return format_datetime(moment, "EEEE d MMMM 'alle' HH:mm", tzinfo=zone, locale=LOCALE)


# -- the weekly check-in -------------------------------------------------------------------------


def checkin_week(now: datetime, zone: ZoneInfo) -> tuple[str, datetime]:
    """This week's name (ISO, in Rome) and when its check-in falls due."""
    today = now.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    iso = monday.isocalendar()
    return f"{iso.year}-W{iso.week:02d}", instant_at(
        monday + timedelta(days=CHECKIN_WEEKDAY), CHECKIN_TIME, zone
    )


def set_weekly_checkin(session: Session, person_id: int, wanted: bool) -> None:
    session.execute(update(Person).where(Person.id == person_id).values(weekly_checkin=wanted))


def plan_weekly_checkins(session: Session, context: CampaignContext, now: datetime) -> Plan:
    plan = Plan(WEEKLY_CHECKIN, now)
    week, due_at = checkin_week(now, context.zone)
    if not due_at <= now < due_at + CHECKIN_USEFUL or context.quiet.is_quiet(now):
        return plan
    occasion = f"week:{week}"
    query = (
        select(Person)
        .where(Person.weekly_checkin.is_(True), _not_yet(WEEKLY_CHECKIN, occasion))
        .order_by(Person.id)
    )
    question = Question(CHECKIN_FLOW, CHECKIN_STEP, ((CHECKIN_WEEK_SLOT, week),))
    for person in _people(session, query, now):
        if not _may_ask(session, person, now):
            continue
        if person.first_name:
            response, variables = "utter_checkin", {"first_name": person.first_name}
        else:
            response, variables = "utter_checkin_no_name", {}
        plan.messages.append(_planned(person, occasion, due_at, response, variables, question))
    return plan


def _may_ask(session: Session, person: Person, now: datetime) -> bool:
    """A question of ours waits for someone who is not talking now and has no other pending."""
    return not is_busy(person, now) and not is_awaiting(
        session, person.id, {CHECKIN_FLOW, FEEDBACK_FLOW}
    )


# -- feedback after an event ---------------------------------------------------------------------


def feedback_due_at(event: Event) -> datetime:
    return (event.ends_at or event.starts_at + EVENT_LENGTH) + FEEDBACK_AFTER_END


def plan_event_feedback(session: Session, context: CampaignContext, now: datetime) -> Plan:
    plan = Plan(EVENT_FEEDBACK, now)
    if context.quiet.is_quiet(now):
        return plan
    recent = session.scalars(
        select(Event)
        .where(Event.starts_at <= now, Event.starts_at > now - timedelta(days=30))
        .order_by(Event.starts_at)
    ).all()
    for event in recent:
        due_at = feedback_due_at(event)
        if not due_at <= now < due_at + FEEDBACK_USEFUL:
            continue
        occasion = f"event:{event.id}"
        question = Question(
            FEEDBACK_FLOW,
            FEEDBACK_STEP,
            ((FEEDBACK_EVENT_SLOT, str(event.id)), (FEEDBACK_TITLE_SLOT, event.title)),
        )
        variables = {FEEDBACK_TITLE_SLOT: event.title}
        for person in _people(session, _participants(event.id, EVENT_FEEDBACK, occasion), now):
            if _may_ask(session, person, now):
                plan.messages.append(
                    _planned(
                        person, occasion, due_at, "utter_ask_feedback_score", variables, question
                    )
                )
    return plan


def record_feedback(
    session: Session,
    person_id: int,
    event_id: int,
    *,
    score: int | None,
    words: str | None,
    now: datetime,
) -> EventFeedback:
    feedback = session.scalars(
        select(EventFeedback).where(
            EventFeedback.event_id == event_id, EventFeedback.person_id == person_id
        )
    ).first()
    if feedback is None:
        feedback = EventFeedback(event_id=event_id, person_id=person_id, created_at=now)
        session.add(feedback)
    if score is not None:
        feedback.score = score
    if words:
        feedback.words = words
    feedback.updated_at = now
    mark_answered(session, person_id, EVENT_FEEDBACK, f"event:{event_id}")
    session.flush()
    return feedback


def mark_answered(session: Session, person_id: int, campaign: str, occasion: str) -> None:
    session.execute(
        update(CampaignMessage)
        .where(
            CampaignMessage.person_id == person_id,
            CampaignMessage.campaign == campaign,
            CampaignMessage.occasion == occasion,
        )
        .values(outcome=ANSWERED)
    )


def forget_unanswered(session: Session, now: datetime) -> int:
    """Questions nobody answered in time stop waiting: the next message is read afresh."""
    stale = session.scalars(
        select(CampaignMessage).where(
            CampaignMessage.outcome == QUEUED,
            CampaignMessage.campaign.in_(list(QUESTIONS)),
            CampaignMessage.created_at < now - QUESTION_WAITS,
        )
    ).all()
    for message in stale:
        flow, slots = QUESTIONS[message.campaign]
        forget_question(session, message.person_id, flow, dict.fromkeys(slots))
        message.outcome = EXPIRED
    return len(stale)


# -- the monthly digest --------------------------------------------------------------------------


def digest_month(now: datetime, zone: ZoneInfo) -> tuple[date, datetime, datetime]:
    """The month's first day, when its digest falls due, and when the month ends (in Rome)."""
    first = now.astimezone(zone).date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return first, instant_at(first, DIGEST_TIME, zone), instant_at(following, time(0), zone)


def plan_monthly_digest(session: Session, context: CampaignContext, now: datetime) -> Plan:
    plan = Plan(MONTHLY_DIGEST, now)
    zone = context.zone
    first, due_at, month_end = digest_month(now, zone)
    if not due_at <= now < due_at + DIGEST_USEFUL or context.quiet.is_quiet(now):
        return plan
    occasion = f"month:{first:%Y-%m}"
    events = session.scalars(
        select(Event)
        .where(Event.starts_at > now, Event.starts_at < month_end)
        .order_by(Event.starts_at)
    ).all()
    if not events:
        return plan
    towns_of: dict[int, set[str]] = defaultdict(set)
    people: dict[int, Person] = {}
    for person, town in session.execute(
        select(Person, Subscription.comune)
        .join(Subscription, Subscription.person_id == Person.id)
        .where(Subscription.topic == "events", _not_yet(MONTHLY_DIGEST, occasion))
        .order_by(Person.id)
    ):
        people[person.id] = person
        towns_of[person.id].add(town)
    month = format_date(first, "MMMM", locale=LOCALE)
    listings: dict[frozenset[str], str] = {}
    for person_id, towns in towns_of.items():
        person = people[person_id]
        theirs = [e for e in events if ALL_TOWNS in towns or e.comune in towns]
        if not theirs or not reachable(person, now):
            continue
        key = frozenset(towns)
        if key not in listings:
            listings[key] = _digest_listing(context, theirs, zone)
        variables = {"month": month, "events": listings[key]}
        plan.messages.append(_planned(person, occasion, due_at, "utter_monthly_digest", variables))
    return plan


def _digest_listing(context: CampaignContext, events: Sequence[Event], zone: ZoneInfo) -> str:
    by_town: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        by_town[event.comune].append(event)
    parts = []
    for town in sorted(by_town):
        lines = [context.texts.text("utter_digest_town", comune=town)]
        lines += [
            context.texts.text(
                "utter_digest_event",
                title=event.title,
                when=_day_and_time(event.starts_at, zone),
                venue=event.venue or town,
            )
            for event in by_town[town]
        ]
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


# -- "stop" --------------------------------------------------------------------------------------


def stop_messages(session: Session, person_id: int, now: datetime) -> bool:
    """After "stop" nothing more arrives: no check-in, no reminder or feedback for what they
    booked before, and what was waiting in the outbox is not sent. True when something was on.

    Subscriptions are ended by `subscriptions.unsubscribe_all`, which the same "stop" calls.
    """
    person = session.get(Person, person_id)
    if person is None:
        return False
    had_checkin = person.weekly_checkin
    person.weekly_checkin = False
    stop = session.get(MessageStop, person_id)
    if stop is None:
        session.add(MessageStop(person_id=person_id, stopped_at=now))
    else:
        stop.stopped_at = now
    cancelled = cancel_waiting(session, person_id)
    session.flush()
    return had_checkin or cancelled > 0


_SCORE_WORDS = {"uno": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5}


def score_of(text: str) -> int | None:
    """A score from 1 to 5 in what someone typed: "4", "un 4", "quattro", "5 stelle"."""
    words = text.lower().replace("/", " ").split()
    found = {int(word) for word in words if word.isdigit() and 1 <= int(word) <= 5}
    found |= {_SCORE_WORDS[word] for word in words if word in _SCORE_WORDS}
    return found.pop() if len(found) == 1 else None
