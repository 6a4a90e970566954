"""Announcements: a community leader or a coordinator writes to the subscribers of some topics in
some towns. A leader reaches only the towns and topics they were given, and their announcement
waits for a coordinator's approval (on by default). Sending puts one outbox row per recipient,
after the replies to people who are writing now, and never at night unless it is urgent.

The messages shown to console users are Italian, like the console.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.db.models import (
    Broadcast,
    LeaderTopic,
    LeaderTown,
    OutboxMessage,
    Person,
    Subscription,
    User,
)
from bot.messages import Channel
from bot.services.bulk_messages import (
    BULK_PRIORITY,
    URGENT_PRIORITY,
    BulkRow,
    BulkTexts,
    is_blocked,
    queue_rows,
    whatsapp_reachable,
)
from bot.services.quiet_hours import QuietHours
from bot.services.subscriptions import ALL_TOWNS, TOPICS

# The roles of bot.services.accounts. Not imported from there: that module hashes a password
# with Argon2 (64 MB) when imported, which the scheduler process has no reason to pay.
COORDINATOR = "coordinator"
COMMUNITY_LEADER = "community_leader"
CONSORTIUM_TOWNS = ("Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera")
AWAITING_APPROVAL = "awaiting_approval"
APPROVED = "approved"
SCHEDULED = "scheduled"
QUEUED = "queued"
CANCELLED = "cancelled"
# Telegram takes 4096 characters; the stop line and a margin must fit too.
MAX_TEXT = 3500


class BroadcastRefused(ValueError):
    """What someone at the console or the terminal tried cannot be done; the message says why."""


@dataclass(frozen=True)
class Announcer:
    """Who is announcing: a coordinator reaches everyone, a leader what they were given."""

    user_id: int | None
    username: str
    role: str
    towns: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()

    @property
    def is_coordinator(self) -> bool:
        return self.role == COORDINATOR

    @property
    def may_announce(self) -> bool:
        return self.role in (COORDINATOR, COMMUNITY_LEADER)


def announcer_of(session: Session, user: User) -> Announcer:
    towns = session.scalars(select(LeaderTown.comune).where(LeaderTown.user_id == user.id))
    topics = session.scalars(select(LeaderTopic.topic).where(LeaderTopic.user_id == user.id))
    return Announcer(user.id, user.username, user.role, frozenset(towns), frozenset(topics))


def announcer_named(session: Session, username: str) -> Announcer:
    user = session.scalars(select(User).where(User.username == username.strip().lower())).first()
    if user is None or not user.active:
        raise BroadcastRefused(f"Non c'è un account attivo «{username}».")
    return announcer_of(session, user)


def set_leader_reach(
    session: Session, user: User, towns: Iterable[str], topics: Iterable[str]
) -> Announcer:
    """The towns and topics a community leader may announce to, replacing the ones before."""
    if user.role != COMMUNITY_LEADER:
        raise BroadcastRefused(f"«{user.username}» non è un referente di comunità.")
    wanted_towns = _check_towns(towns)
    wanted_topics = _check_topics(topics)
    session.execute(delete(LeaderTown).where(LeaderTown.user_id == user.id))
    session.execute(delete(LeaderTopic).where(LeaderTopic.user_id == user.id))
    session.add_all(LeaderTown(user_id=user.id, comune=town) for town in wanted_towns)
    session.add_all(LeaderTopic(user_id=user.id, topic=topic) for topic in wanted_topics)
    session.flush()
    return announcer_of(session, user)


def _check_towns(towns: Iterable[str]) -> list[str]:
    by_name = {town.casefold(): town for town in CONSORTIUM_TOWNS}
    wanted = []
    for town in towns:
        canonical = by_name.get(town.strip().casefold())
        if canonical is None:
            raise BroadcastRefused(
                f"«{town}» non è uno dei comuni del consorzio ({', '.join(CONSORTIUM_TOWNS)})."
            )
        if canonical not in wanted:
            wanted.append(canonical)
    return sorted(wanted, key=CONSORTIUM_TOWNS.index)


def _check_topics(topics: Iterable[str]) -> list[str]:
    wanted = []
    for topic in topics:
        topic = topic.strip()
        if topic not in TOPICS:
            raise BroadcastRefused(f"«{topic}» non è un argomento: {', '.join(TOPICS)}.")
        if topic not in wanted:
            wanted.append(topic)
    return sorted(wanted, key=TOPICS.index)


def create_broadcast(
    session: Session,
    announcer: Announcer,
    *,
    text: str,
    topics: Sequence[str],
    towns: Sequence[str] = (),
    send_at: datetime | None = None,
    urgent: bool = False,
    approval_required: bool = True,
    now: datetime,
) -> Broadcast:
    """A new announcement; `towns` empty means all six towns."""
    if not announcer.may_announce:
        raise BroadcastRefused("Gli annunci li scrivono i referenti di comunità e i coordinatori.")
    text = text.strip()
    if not text:
        raise BroadcastRefused("L'annuncio è vuoto.")
    if len(text) > MAX_TEXT:
        raise BroadcastRefused(f"L'annuncio è troppo lungo: al massimo {MAX_TEXT} caratteri.")
    wanted_topics = _check_topics(topics)
    if not wanted_topics:
        raise BroadcastRefused("Scegli almeno un argomento.")
    wanted_towns = _check_towns(towns)
    _check_reach(announcer, wanted_towns, wanted_topics)
    if urgent and not announcer.is_coordinator:
        raise BroadcastRefused("Solo un coordinatore può mandare un avviso urgente.")
    if send_at is not None and send_at.tzinfo is None:
        raise BroadcastRefused("L'orario di invio deve avere il fuso orario.")
    needs_approval = approval_required and not announcer.is_coordinator
    broadcast = Broadcast(
        author_id=announcer.user_id,
        author=announcer.username,
        text=text,
        topics=wanted_topics,
        towns=wanted_towns,
        urgent=urgent,
        status=AWAITING_APPROVAL if needs_approval else APPROVED,
        send_at=send_at if send_at is not None and send_at > now else None,
        created_at=now,
    )
    session.add(broadcast)
    session.flush()
    return broadcast


def _check_reach(announcer: Announcer, towns: Sequence[str], topics: Sequence[str]) -> None:
    if announcer.is_coordinator:
        return
    if not towns and set(CONSORTIUM_TOWNS) - announcer.towns:
        raise BroadcastRefused(
            "Non puoi scrivere a tutti i comuni: puoi scrivere a "
            f"{_listed(announcer.towns) or 'nessun comune'}."
        )
    outside = [town for town in towns if town not in announcer.towns]
    if outside:
        raise BroadcastRefused(
            f"Non puoi scrivere a {_listed(outside)}: puoi scrivere a "
            f"{_listed(announcer.towns) or 'nessun comune'}."
        )
    other_topics = [topic for topic in topics if topic not in announcer.topics]
    if other_topics:
        raise BroadcastRefused(
            f"Non puoi scrivere su {_listed(other_topics)}: i tuoi argomenti sono "
            f"{_listed(announcer.topics) or 'nessuno'}."
        )


def _listed(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))


def get_broadcast(session: Session, broadcast_id: int, announcer: Announcer) -> Broadcast:
    """The announcement, if this person may see it: their own, or any for a coordinator."""
    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None or not _may_see(announcer, broadcast):
        raise BroadcastRefused(f"Non c'è un annuncio n. {broadcast_id}.")
    return broadcast


def _may_see(announcer: Announcer, broadcast: Broadcast) -> bool:
    return announcer.is_coordinator or (
        announcer.may_announce and broadcast.author_id == announcer.user_id
    )


def list_broadcasts(session: Session, announcer: Announcer, limit: int = 50) -> list[Broadcast]:
    query = select(Broadcast).order_by(Broadcast.id.desc()).limit(limit)
    if not announcer.is_coordinator:
        query = query.where(Broadcast.author_id == announcer.user_id)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Recipient:
    person_id: int
    channel: str
    address: str


@dataclass(frozen=True)
class Audience:
    recipients: tuple[Recipient, ...]
    # Subscribers who cannot be reached now: they blocked the bot, or are on WhatsApp outside
    # the 24-hour window without having accepted messages from us there.
    blocked: int = 0
    outside_whatsapp_window: int = 0
    by_channel: dict[str, int] = field(default_factory=dict)


def audience(session: Session, broadcast: Broadcast, now: datetime) -> Audience:
    towns = list(broadcast.towns or ())
    query = (
        select(Person)
        .join(Subscription, Subscription.person_id == Person.id)
        .where(Subscription.topic.in_(list(broadcast.topics)), Person.consent_at.is_not(None))
        .distinct()
        .order_by(Person.id)
    )
    if towns:
        query = query.where(Subscription.comune.in_([*towns, ALL_TOWNS]))
    recipients = []
    blocked = outside_window = 0
    for person in session.scalars(query):
        if not person.address:
            continue
        if is_blocked(person):
            blocked += 1
        elif not whatsapp_reachable(person, now):
            outside_window += 1
        else:
            recipients.append(Recipient(person.id, person.channel, person.address))
    by_channel = Counter(recipient.channel for recipient in recipients)
    return Audience(tuple(recipients), blocked, outside_window, dict(by_channel))


@dataclass(frozen=True)
class Preview:
    broadcast_id: int
    status: str
    recipients: int
    by_channel: dict[str, int]
    blocked: int
    outside_whatsapp_window: int
    # What a Telegram user would read, stop line included.
    text: str
    sends_from: datetime


def preview(
    session: Session,
    broadcast: Broadcast,
    texts: BulkTexts,
    quiet: QuietHours,
    now: datetime,
) -> Preview:
    reached = audience(session, broadcast, now)
    return Preview(
        broadcast_id=broadcast.id,
        status=broadcast.status,
        recipients=len(reached.recipients),
        by_channel=reached.by_channel,
        blocked=reached.blocked,
        outside_whatsapp_window=reached.outside_whatsapp_window,
        text=texts.announcement(broadcast.text, Channel.TELEGRAM.value).text,
        sends_from=quiet.earliest(max(now, broadcast.send_at or now), urgent=broadcast.urgent),
    )


def approve_broadcast(
    session: Session, broadcast: Broadcast, approver: Announcer, now: datetime
) -> Broadcast:
    if not approver.is_coordinator:
        raise BroadcastRefused("Gli annunci li approva un coordinatore.")
    if broadcast.status != AWAITING_APPROVAL:
        raise BroadcastRefused(_no_longer_waiting(broadcast))
    broadcast.status = APPROVED
    broadcast.approved_by = approver.username
    broadcast.approved_at = now
    return broadcast


def reject_broadcast(session: Session, broadcast: Broadcast, coordinator: Announcer) -> Broadcast:
    if not coordinator.is_coordinator:
        raise BroadcastRefused("Solo un coordinatore può annullare un annuncio.")
    if broadcast.status == QUEUED:
        raise BroadcastRefused("L'annuncio è già partito.")
    broadcast.status = CANCELLED
    return broadcast


def withdraw_broadcast(session: Session, broadcast: Broadcast, author: Announcer) -> Broadcast:
    """The author calls off their own announcement before it leaves (a coordinator any)."""
    if not _may_see(author, broadcast):
        raise BroadcastRefused(f"Non c'è un annuncio n. {broadcast.id}.")
    if broadcast.status == QUEUED:
        raise BroadcastRefused("L'annuncio è già partito.")
    broadcast.status = CANCELLED
    return broadcast


def _no_longer_waiting(broadcast: Broadcast) -> str:
    return {
        APPROVED: "L'annuncio è già approvato.",
        SCHEDULED: "L'annuncio è già approvato e programmato.",
        QUEUED: "L'annuncio è già partito.",
        CANCELLED: "L'annuncio è stato annullato.",
    }.get(broadcast.status, "L'annuncio non è in attesa di approvazione.")


@dataclass(frozen=True)
class SendOutcome:
    status: str
    # Rows this call added to the outbox; zero when everyone already had it.
    queued: int
    recipients: int
    sends_from: datetime | None


def send_broadcast(
    session: Session,
    broadcast_id: int,
    announcer: Announcer,
    texts: BulkTexts,
    quiet: QuietHours,
    now: datetime,
) -> SendOutcome:
    """Send now, or at its time when it has one. Sending again queues nothing twice."""
    broadcast = _locked(session, broadcast_id)
    if broadcast is None or not _may_see(announcer, broadcast):
        raise BroadcastRefused(f"Non c'è un annuncio n. {broadcast_id}.")
    if broadcast.status == AWAITING_APPROVAL:
        raise BroadcastRefused("L'annuncio aspetta ancora l'approvazione di un coordinatore.")
    if broadcast.status == CANCELLED:
        raise BroadcastRefused("L'annuncio è stato annullato.")
    if broadcast.send_at is not None and broadcast.send_at > now and broadcast.status != QUEUED:
        broadcast.status = SCHEDULED
        return SendOutcome(
            SCHEDULED, 0, 0, quiet.earliest(broadcast.send_at, urgent=broadcast.urgent)
        )
    return _queue(session, broadcast, texts, quiet, now)


def send_due_broadcasts(
    session: Session, texts: BulkTexts, quiet: QuietHours, now: datetime
) -> list[SendOutcome]:
    """The scheduled announcements whose time has come, queued (the campaign timer calls it)."""
    due = session.scalars(
        select(Broadcast.id).where(Broadcast.status == SCHEDULED, Broadcast.send_at <= now)
    ).all()
    outcomes = []
    for broadcast_id in due:
        broadcast = _locked(session, broadcast_id)
        if broadcast is not None and broadcast.status == SCHEDULED:
            outcomes.append(_queue(session, broadcast, texts, quiet, now))
    return outcomes


def _locked(session: Session, broadcast_id: int) -> Broadcast | None:
    # Two sends of the same announcement (two terminals, the console and the timer) take turns.
    return session.scalars(
        select(Broadcast).where(Broadcast.id == broadcast_id).with_for_update()
    ).first()


def dedupe_key(broadcast_id: int, person_id: int) -> str:
    return f"broadcast:{broadcast_id}:{person_id}"


def _queue(
    session: Session, broadcast: Broadcast, texts: BulkTexts, quiet: QuietHours, now: datetime
) -> SendOutcome:
    recipients = audience(session, broadcast, now).recipients
    messages = {}
    rows = []
    for recipient in recipients:
        if recipient.channel not in messages:
            messages[recipient.channel] = texts.announcement(broadcast.text, recipient.channel)
        rows.append(
            BulkRow(
                person_id=recipient.person_id,
                channel=recipient.channel,
                address=recipient.address,
                message=messages[recipient.channel],
                dedupe_key=dedupe_key(broadcast.id, recipient.person_id),
            )
        )
    sends_from = quiet.earliest(now, urgent=broadcast.urgent)
    inserted = queue_rows(
        session,
        rows,
        not_before=sends_from,
        now=now,
        priority=URGENT_PRIORITY if broadcast.urgent else BULK_PRIORITY,
    )
    broadcast.status = QUEUED
    broadcast.queued_at = broadcast.queued_at or now
    broadcast.recipients = _rows_of(session, broadcast.id)
    return SendOutcome(QUEUED, len(inserted), broadcast.recipients, sends_from)


def _rows_of(session: Session, broadcast_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.dedupe_key.like(f"broadcast:{broadcast_id}:%"))
        )
        or 0
    )


@dataclass(frozen=True)
class DeliveryReport:
    broadcast_id: int
    queued: int
    sent: int
    blocked: int
    failed: int
    # Not sent yet: waiting for their turn, or for the morning.
    waiting: int
    # The platform may or may not have shown it: the sender stopped during the call.
    uncertain: int
    # The person said "stop" before their turn came.
    cancelled: int


def delivery_report(session: Session, broadcast_id: int) -> DeliveryReport:
    counts = dict(
        session.execute(
            select(OutboxMessage.status, func.count())
            .where(OutboxMessage.dedupe_key.like(f"broadcast:{broadcast_id}:%"))
            .group_by(OutboxMessage.status)
        ).all()
    )

    def count(*statuses: str) -> int:
        return sum(int(counts.get(status, 0)) for status in statuses)

    return DeliveryReport(
        broadcast_id=broadcast_id,
        queued=sum(int(value) for value in counts.values()),
        sent=count("sent"),
        blocked=count("blocked"),
        failed=count("failed", "undeliverable"),
        waiting=count("pending", "sending"),
        uncertain=count("uncertain"),
        cancelled=count("cancelled"),
    )
