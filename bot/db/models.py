"""The antenna's records. One module, because the tables reference each other closely."""

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.db.types import UTCDateTime, utcnow

# Named constraints, so that Alembic migrations can alter them on SQLite and PostgreSQL alike.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def person_fk() -> ForeignKey:
    """A person's records go with them when they ask to be erased."""
    return ForeignKey("people.id", ondelete="CASCADE")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON}


class Person(Base):
    """Someone who wrote to the antenna on one channel, known by a pseudonym only."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("channel", "pseudonym"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    pseudonym: Mapped[str] = mapped_column(String(64))
    # Where to deliver: the chat id or phone number. Needed to answer, erased with the person.
    address: Mapped[str | None] = mapped_column(String(128))
    first_name: Mapped[str | None] = mapped_column(String(80))
    language: Mapped[str] = mapped_column(String(8), default="it")
    comune: Mapped[str | None] = mapped_column(String(80))
    consent_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(16))
    consent_declined_at: Mapped[datetime | None]
    # The person blocked the bot (Telegram 403): we never write again until they come back.
    blocked_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]
    # Explicit yes to messages outside WhatsApp's 24-hour window (templates).
    template_opt_in: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_checkin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped["Conversation | None"] = relationship(
        back_populates="person", cascade="all, delete-orphan", passive_deletes=True
    )


class Conversation(Base):
    """Where a person is in their flows; survives restarts."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(person_fk(), unique=True)
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped[Person] = relationship(back_populates="conversation")


class Message(Base):
    """The transcript, kept only after consent: operators read it with the report."""

    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_person_created", "person_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(person_fk())
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    text: Mapped[str] = mapped_column(Text, default="")
    intent: Mapped[str | None] = mapped_column(String(40))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ProcessedUpdate(Base):
    """Platform update ids already handled: a retried webhook is answered, not redone."""

    __tablename__ = "processed_updates"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReferenceCounter(Base):
    """The last report number of each year, for references like 2026-0142."""

    __tablename__ = "reference_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_queue_status_urgency", "queue", "status", "urgency", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    person_id: Mapped[int | None] = mapped_column(person_fk(), index=True)
    text: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    urgency: Mapped[str] = mapped_column(String(8))
    comune: Mapped[str | None] = mapped_column(String(80))
    frazione: Mapped[str | None] = mapped_column(String(80))
    # Whom it is about, in the person's words: "me", "someone else", "the place".
    subject: Mapped[str | None] = mapped_column(String(16))
    # "report" (the person described a problem), "contact" (asked for a human), "emergency"
    # (opened by the safety net): operators handle each differently.
    kind: Mapped[str] = mapped_column(String(16), default="report")
    queue: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="new")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    photo_file_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    taken_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Volunteer(Base):
    __tablename__ = "volunteers"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(person_fk(), index=True)
    offer: Mapped[str] = mapped_column(Text)
    availability: Mapped[str | None] = mapped_column(Text)
    comune: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Idea(Base):
    """A proposal for the community: a candidate for micro-credit and crowdfunding."""

    __tablename__ = "ideas"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(person_fk(), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    # Whom the idea is for, in the proposer's words ("i ragazzi del quartiere").
    audience: Mapped[str | None] = mapped_column(Text)
    comune: Mapped[str | None] = mapped_column(String(80))
    # Only ideas the coordinators opened to pledges are offered in the donate flow.
    open_for_pledges: Mapped[bool] = mapped_column(Boolean, default=False)
    goal_cents: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Pledge(Base):
    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("ideas.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(person_fk(), index=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Place(Base):
    """A place that matters, with its story: the unconventional map."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(person_fk(), index=True)
    name: Mapped[str] = mapped_column(String(200))
    story: Mapped[str | None] = mapped_column(Text)
    comune: Mapped[str | None] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # focus_group | theatre_workshop | exhibition
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    comune: Mapped[str] = mapped_column(String(80))
    venue: Mapped[str | None] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    capacity: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(person_fk(), index=True)
    status: Mapped[str] = mapped_column(String(16))  # confirmed | waitlist | cancelled
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Subscription(Base):
    """Announcements a person asked for: a topic, in one town or (comune empty) in all."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "topic", "comune"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(person_fk(), index=True)
    topic: Mapped[str] = mapped_column(String(32))
    comune: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A message to send. It is a row before it is sent, so a crash never loses or repeats it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "channel", "priority", "not_before", "id"),
        Index("ix_outbox_address", "channel", "address", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # 0 answers someone who is talking now; bulk messages (broadcasts, campaigns) wait behind.
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    # A broadcast's "this person, this announcement": the same bulk message is queued once.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    platform_message_id: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(String(200))
    # When a delivery worker took it (status "sending"): a claim older than the lease belongs
    # to a worker that died mid-call, and the row is then never sent again (bot/delivery).
    claimed_at: Mapped[datetime | None]
    # A long text goes as several platform messages: a retry resumes after the last one sent.
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


# The operators' side: console accounts, casework, handoffs, audit.


class User(Base):
    """Someone who works in the console. Citizens are never users: they are people."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    # operator | coordinator | community_leader | administrator
    role: Mapped[str] = mapped_column(String(24))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who presses the buttons in the operators' Telegram groups. Kept as text: Telegram ids
    # outgrow 32 bits.
    telegram_user_id: Mapped[str | None] = mapped_column(String(20), unique=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class UserQueue(Base):
    """The queues an operator works on; coordinators and administrators see all of them."""

    __tablename__ = "user_queues"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    queue: Mapped[str] = mapped_column(String(40), primary_key=True)


class ConsoleSession(Base):
    """A signed-in browser. Only a hash of its cookie is kept: a copy of the table opens nothing."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReportCase(Base):
    """How the operators are handling a report: who has it, the alerts sent, the escalation."""

    __tablename__ = "report_cases"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    alerts_sent: Mapped[int] = mapped_column(Integer, default=0)
    last_alert_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]


class ReportNote(Base):
    """An operator's internal note on a report: never sent to the citizen."""

    __tablename__ = "report_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OperatorMessage(Base):
    """A transcript message that an operator wrote to the citizen (its text is in `messages`)."""

    __tablename__ = "operator_messages"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    # None for the notices the operators' side sends by itself (taken in charge, closed).
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class Handoff(Base):
    """An operator talking with a citizen: meanwhile the bot relays instead of answering."""

    __tablename__ = "handoffs"
    __table_args__ = (Index("ix_handoffs_person_open", "person_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(person_fk())
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class TriageCorrection(Base):
    """An operator's fix of the category or urgency the NLU gave: new training examples."""

    __tablename__ = "triage_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    field: Mapped[str] = mapped_column(String(16))  # category | urgency
    old_value: Mapped[str] = mapped_column(String(32))
    new_value: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what, when: every operator action and every escalation. Never a message text."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The username at the time, so the entry still says who after the account is gone.
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), index=True
    )
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# Announcements and campaigns: who may announce to whom, what was queued, what people answered.


class LeaderTown(Base):
    """A town a community leader was given: their announcements reach only these."""

    __tablename__ = "leader_towns"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    comune: Mapped[str] = mapped_column(String(80), primary_key=True)


class LeaderTopic(Base):
    """A topic a community leader was given (events, volunteering, ideas, urgent)."""

    __tablename__ = "leader_topics"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(32), primary_key=True)


class Broadcast(Base):
    """An announcement to the subscribers of some topics in some towns."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # The username at the time, so the announcement still says who after the account is gone.
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Empty: all six towns.
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Only a coordinator's urgent notice may go out during quiet hours.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # awaiting_approval | approved | scheduled | queued | cancelled
    status: Mapped[str] = mapped_column(String(20), index=True)
    send_at: Mapped[datetime | None]
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_at: Mapped[datetime | None]
    queued_at: Mapped[datetime | None]
    recipients: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Campaign(Base):
    """A recurring campaign (reminders, check-ins, feedback, digest) and whether it is paused."""

    __tablename__ = "campaigns"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    paused_at: Mapped[datetime | None]
    paused_by: Mapped[str | None] = mapped_column(String(64))
    last_run_at: Mapped[datetime | None]


class CampaignMessage(Base):
    """One campaign message for one person on one occasion: queued once, or dropped once."""

    __tablename__ = "campaign_messages"
    __table_args__ = (
        UniqueConstraint("campaign", "occasion", "person_id"),
        Index("ix_campaign_messages_open", "outcome", "campaign", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign: Mapped[str] = mapped_column(String(32))
    # What it is about: "event:12:day_before", "week:2026-W48", "month:2026-12", "event:12".
    occasion: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[int] = mapped_column(person_fk(), index=True)
    # queued | dropped (no longer useful) | answered | expired (asked, never answered)
    outcome: Mapped[str] = mapped_column(String(16))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id", ondelete="SET NULL"))
    due_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageStop(Base):
    """When a person said "stop": what they booked before it gets no reminder either."""

    __tablename__ = "message_stops"

    person_id: Mapped[int] = mapped_column(person_fk(), primary_key=True)
    stopped_at: Mapped[datetime]


class CheckinAnswer(Base):
    """How someone said their week went: what the loneliness indicator counts."""

    __tablename__ = "checkin_answers"
    __table_args__ = (UniqueConstraint("person_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(person_fk())
    week: Mapped[str] = mapped_column(String(8))  # ISO week in Rome, e.g. 2026-W48
    # The person's town when they answered, so the indicator can be read town by town.
    comune: Mapped[str | None] = mapped_column(String(80), index=True)
    mood: Mapped[str] = mapped_column(String(8))  # good | so_so | bad
    # They said they feel alone, whatever the mood.
    lonely: Mapped[bool] = mapped_column(Boolean, default=False)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class EventFeedback(Base):
    """What a participant thought of an event: a score from 1 to 5 and their own words."""

    __tablename__ = "event_feedback"
    __table_args__ = (UniqueConstraint("event_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(person_fk(), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    words: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SchedulerLease(Base):
    """Which process runs the campaign timer: one per database, taken over when it lapses."""

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime]
    expires_at: Mapped[datetime]
