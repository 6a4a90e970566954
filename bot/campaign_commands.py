"""`antenna broadcast create|preview|approve|send|report|reach` and
`antenna campaign list|pause|resume|checkin`: announcements and campaigns from the terminal.

Whoever runs them can already read the database, so previews and reports need no account;
creating, approving and sending are done in the name of a console account (`--as`), so that the
announcement says who wrote it and who approved it, and a leader's limits still hold.
"""

import argparse
import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.services.subscriptions import TOPICS
from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from bot.db.models import Broadcast

Command = Callable[[argparse.Namespace, Settings], int]
CHANNELS = ["telegram", "whatsapp", "web", "shell"]
# As in bot.services.campaigns, which the commands import only when they run.
CAMPAIGNS = ["event_reminders", "weekly_checkin", "event_feedback", "monthly_digest"]


class Refused(Exception):
    """Said to the person at the terminal in plain words, without a traceback."""


def add_broadcast_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    broadcast = commands.add_parser("broadcast", help="announcements to the people of some towns")
    actions = broadcast.add_subparsers(dest="broadcast_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="write an announcement")
    create.add_argument("text", help="the announcement, in quotes (the stop line is added)")
    create.add_argument("--as", dest="account", required=True, help="your console username")
    create.add_argument(
        "--topic", action="append", required=True, choices=TOPICS, help="repeat for several"
    )
    create.add_argument(
        "--town", action="append", default=[], help="repeat for several; none: all six towns"
    )
    create.add_argument("--at", help='when to send it, Rome time: "2026-12-05 10:00"')
    create.add_argument("--urgent", action="store_true", help="goes out even at night")
    create.set_defaults(run=_guarded(broadcast_create))

    preview = actions.add_parser("preview", help="who would receive it, and what they would read")
    preview.add_argument("id", type=int)
    preview.set_defaults(run=_guarded(broadcast_preview))

    for name, run, text in (
        ("approve", broadcast_approve, "approve a community leader's announcement"),
        ("send", broadcast_send, "send it now, or at its time (running it twice sends it once)"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("id", type=int)
        action.add_argument("--as", dest="account", required=True, help="your console username")
        action.set_defaults(run=_guarded(run))

    report = actions.add_parser("report", help="how many were sent, blocked, failed")
    report.add_argument("id", type=int)
    report.set_defaults(run=_guarded(broadcast_report))

    reach = actions.add_parser("reach", help="the towns and topics a community leader may reach")
    reach.add_argument("username")
    reach.add_argument("--town", action="append", required=True)
    reach.add_argument("--topic", action="append", required=True, choices=TOPICS)
    reach.set_defaults(run=_guarded(broadcast_reach))


def add_campaign_commands(commands: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    campaign = commands.add_parser("campaign", help="reminders, check-ins, feedback, digest")
    actions = campaign.add_subparsers(dest="campaign_command", required=True, metavar="ACTION")
    actions.add_parser("list", help="the campaigns and what they sent").set_defaults(
        run=_guarded(campaign_list)
    )
    for name, run, text in (
        ("pause", campaign_pause, "queue nothing new until resumed"),
        ("resume", campaign_resume, "start again; what is still useful goes out"),
    ):
        action = actions.add_parser(name, help=text)
        action.add_argument("campaign", choices=CAMPAIGNS)
        action.set_defaults(run=_guarded(run))
    checkin = actions.add_parser(
        "checkin", help="turn a person's weekly check-in on or off (with their agreement)"
    )
    checkin.add_argument("state", choices=["on", "off"])
    checkin.add_argument("--channel", required=True, choices=CHANNELS)
    checkin.add_argument("--user", required=True, help="the person's id on that channel")
    checkin.set_defaults(run=_guarded(campaign_checkin))


def _guarded(command: Command) -> Command:
    def run(args: argparse.Namespace, settings: Settings) -> int:
        from bot.services import broadcasts, campaigns

        try:
            return command(args, settings)
        except (Refused, broadcasts.BroadcastRefused, campaigns.CampaignUnknown) as error:
            print(f"antenna {args.command}: {error}", file=sys.stderr)
            return 1

    return run


@contextmanager
def _session(settings: Settings) -> Iterator["Session"]:
    from bot.db.database import Database

    database = Database(settings.resolved_database_url())
    try:
        with database.unit_of_work() as session:
            yield session
    finally:
        database.dispose()


def _broadcast(session: "Session", broadcast_id: int) -> "Broadcast":
    from bot.db.models import Broadcast

    broadcast = session.get(Broadcast, broadcast_id)
    if broadcast is None:
        raise Refused(f"there is no announcement {broadcast_id}")
    return broadcast


def _send_at(raw: str | None, settings: Settings) -> datetime | None:
    from bot.services.wall_clock import instant_at

    if raw is None:
        return None
    try:
        local = datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M")
    except ValueError as error:
        raise Refused(f'--at must look like "2026-12-05 10:00", not {raw!r}') from error
    return instant_at(local.date(), local.time(), ZoneInfo(settings.timezone))


def _rome(moment: datetime | None, settings: Settings) -> str:
    if moment is None:
        return "-"
    return moment.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")


def broadcast_create(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.types import utcnow
    from bot.services import broadcasts

    with _session(settings) as session:
        announcer = broadcasts.announcer_named(session, args.account)
        broadcast = broadcasts.create_broadcast(
            session,
            announcer,
            text=args.text,
            topics=args.topic,
            towns=args.town,
            send_at=_send_at(args.at, settings),
            urgent=args.urgent,
            approval_required=settings.broadcast_approval_required,
            now=utcnow(),
        )
        print(f"Announcement {broadcast.id} created: {broadcast.status}.")
        if broadcast.status == broadcasts.AWAITING_APPROVAL:
            print(
                f"A coordinator approves it with: antenna broadcast approve {broadcast.id} --as ..."
            )
    return 0


def broadcast_preview(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.types import utcnow
    from bot.services import broadcasts
    from bot.services.bulk_messages import BulkTexts
    from bot.services.quiet_hours import QuietHours

    with _session(settings) as session:
        broadcast = _broadcast(session, args.id)
        shown = broadcasts.preview(
            session,
            broadcast,
            BulkTexts.load(settings.project_root),
            QuietHours.from_settings(settings),
            utcnow(),
        )
    channels = ", ".join(f"{name} {count}" for name, count in sorted(shown.by_channel.items()))
    print(f"Announcement {shown.broadcast_id} ({shown.status}), by {broadcast.author}")
    print(
        f"Topics: {', '.join(broadcast.topics)}; towns: {', '.join(broadcast.towns) or 'all six'}"
    )
    print(f"Recipients: {shown.recipients}" + (f" ({channels})" if channels else ""))
    print(f"Not reachable: {shown.blocked} blocked the bot, {shown.outside_whatsapp_window} on")
    print("  WhatsApp outside the 24-hour window without having accepted our messages there")
    print(f"Goes out from: {_rome(shown.sends_from, settings)} (Rome)")
    print("---")
    print(shown.text)
    return 0


def broadcast_approve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.types import utcnow
    from bot.services import broadcasts

    with _session(settings) as session:
        approver = broadcasts.announcer_named(session, args.account)
        broadcasts.approve_broadcast(session, _broadcast(session, args.id), approver, utcnow())
    print(
        f"Announcement {args.id} approved. Send it with: antenna broadcast send {args.id} --as ..."
    )
    return 0


def broadcast_send(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.types import utcnow
    from bot.services import broadcasts
    from bot.services.bulk_messages import BulkTexts
    from bot.services.quiet_hours import QuietHours

    with _session(settings) as session:
        sender = broadcasts.announcer_named(session, args.account)
        outcome = broadcasts.send_broadcast(
            session,
            args.id,
            sender,
            BulkTexts.load(settings.project_root),
            QuietHours.from_settings(settings),
            utcnow(),
        )
    when = _rome(outcome.sends_from, settings)
    if outcome.status == broadcasts.SCHEDULED:
        print(f"Announcement {args.id} will go out at {when} (Rome).")
    else:
        print(
            f"Announcement {args.id}: {outcome.queued} messages queued now, "
            f"{outcome.recipients} in all, going out from {when} (Rome)."
        )
    return 0


def broadcast_report(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import broadcasts

    with _session(settings) as session:
        _broadcast(session, args.id)
        report = broadcasts.delivery_report(session, args.id)
    print(
        f"Announcement {args.id}: {report.queued} queued, {report.sent} sent, "
        f"{report.blocked} blocked, {report.failed} failed, {report.waiting} waiting, "
        f"{report.uncertain} uncertain, {report.cancelled} cancelled after a stop."
    )
    return 0


def broadcast_reach(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.db.models import User
    from bot.services import broadcasts

    with _session(settings) as session:
        user = session.scalars(select(User).where(User.username == args.username.lower())).first()
        if user is None:
            raise Refused(f"there is no account {args.username!r}")
        announcer = broadcasts.set_leader_reach(session, user, args.town, args.topic)
    print(
        f"{announcer.username} may announce to {', '.join(sorted(announcer.towns))} "
        f"about {', '.join(sorted(announcer.topics))}."
    )
    return 0


def campaign_list(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import campaigns

    with _session(settings) as session:
        summaries = campaigns.campaign_summaries(session)
    for summary in summaries:
        state = (
            f"paused since {_rome(summary.paused_at, settings)} by {summary.paused_by}"
            if summary.paused_at
            else "active"
        )
        counts = ", ".join(
            f"{count} {outcome}" for outcome, count in sorted(summary.outcomes.items())
        )
        print(f"{summary.kind:<16} {state}; last run {_rome(summary.last_run_at, settings)}")
        print(f"{'':<16} {summary.name}: {counts or 'nothing sent yet'}")
    return 0


def campaign_pause(args: argparse.Namespace, settings: Settings) -> int:
    from bot.db.types import utcnow
    from bot.services import campaigns

    with _session(settings) as session:
        campaigns.pause_campaign(session, args.campaign, _terminal_user(), utcnow())
    print(f"{args.campaign} paused: nothing new is queued until it resumes.")
    return 0


def campaign_resume(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services import campaigns

    with _session(settings) as session:
        campaigns.resume_campaign(session, args.campaign)
    print(f"{args.campaign} resumed: what fell due meanwhile goes out if it is still useful.")
    return 0


def campaign_checkin(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy import select

    from bot.db.models import Person
    from bot.services import campaigns, people

    with _session(settings) as session:
        key = settings.pseudonym_key or people.ensure_pseudonym_key(settings.data_dir)
        person_id = session.scalar(
            select(Person.id).where(
                Person.channel == args.channel,
                Person.pseudonym == people.pseudonym(key, args.channel, args.user),
            )
        )
        if person_id is None:
            raise Refused(f"nobody with id {args.user} has written on {args.channel}")
        campaigns.set_weekly_checkin(session, person_id, args.state == "on")
    print(f"Weekly check-in {args.state} for {args.channel} person {args.user}.")
    return 0


def _terminal_user() -> str:
    return f"terminal:{getpass.getuser()}"
