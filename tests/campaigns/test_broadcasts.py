"""Announcements: who can write to whom, the preview, the approval, sending once, the report."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.services.broadcasts import (
    AWAITING_APPROVAL,
    QUEUED,
    SCHEDULED,
    BroadcastRefused,
    approve_broadcast,
    create_broadcast,
    delivery_report,
    get_broadcast,
    preview,
    send_broadcast,
)
from bot.services.bulk_messages import BulkTexts
from bot.services.quiet_hours import QuietHours
from tests.campaigns.conftest import Timer, coordinator, leader, queued, rome, subscriber

NOON = rome(2026, 5, 12, 12, 0)
STOP_LINE = "Per non ricevere più messaggi scrivi STOP"


def _town_of_subscribers(db: Database) -> None:
    with db.unit_of_work() as session:
        subscriber(session, "anna", ["events"], "Orbassano")
        subscriber(session, "bruno", ["events", "volunteering"], "Bruino")
        subscriber(session, "carla", ["events"], None)  # every town
        subscriber(session, "dario", ["volunteering"], "Orbassano")


def test_a_leader_cannot_reach_a_town_they_were_not_given(db: Database) -> None:
    with db.unit_of_work() as session:
        giulia = leader(session, "giulia", ["Orbassano"], ["events"])
        with pytest.raises(BroadcastRefused, match="Bruino"):
            create_broadcast(
                session,
                giulia,
                text="Festa in piazza",
                topics=["events"],
                towns=["Bruino"],
                now=NOON,
            )
        with pytest.raises(BroadcastRefused, match="tutti i comuni"):
            create_broadcast(session, giulia, text="Festa", topics=["events"], towns=[], now=NOON)
        with pytest.raises(BroadcastRefused, match="volunteering"):
            create_broadcast(
                session,
                giulia,
                text="Cerchiamo volontari",
                topics=["volunteering"],
                towns=["Orbassano"],
                now=NOON,
            )


def test_only_a_coordinator_sends_an_urgent_notice(db: Database) -> None:
    with db.unit_of_work() as session:
        giulia = leader(session, "giulia", ["Orbassano"], ["urgent"])
        with pytest.raises(BroadcastRefused, match="coordinatore"):
            create_broadcast(
                session,
                giulia,
                text="Allerta caldo",
                topics=["urgent"],
                towns=["Orbassano"],
                urgent=True,
                now=NOON,
            )


def test_the_preview_counts_who_will_receive_it(
    db: Database, texts: BulkTexts, quiet: QuietHours
) -> None:
    _town_of_subscribers(db)
    with db.unit_of_work() as session:
        giulia = leader(session, "giulia", ["Orbassano"], ["events"])
        broadcast = create_broadcast(
            session,
            giulia,
            text="Sabato festa in piazza!",
            topics=["events"],
            towns=["Orbassano"],
            now=NOON,
        )
        shown = preview(session, broadcast, texts, quiet, NOON)
    # Anna (Orbassano) and Carla (every town); not Bruno (Bruino) nor Dario (volunteering).
    assert shown.recipients == 2
    assert shown.text.startswith("Sabato festa in piazza!")
    assert shown.text.endswith(STOP_LINE)
    assert shown.status == AWAITING_APPROVAL


def test_blocked_people_and_whatsapp_outside_the_window_are_left_out(
    db: Database, texts: BulkTexts, quiet: QuietHours
) -> None:
    with db.unit_of_work() as session:
        subscriber(session, "anna", ["events"], "Orbassano")
        subscriber(session, "bea", ["events"], "Orbassano", blocked_at=NOON - timedelta(days=2))
        subscriber(
            session,
            "ciro",
            ["events"],
            "Orbassano",
            channel="whatsapp",
            last_inbound_at=NOON - timedelta(days=3),
        )
        subscriber(
            session,
            "dora",
            ["events"],
            "Orbassano",
            channel="whatsapp",
            last_inbound_at=NOON - timedelta(days=3),
            template_opt_in=True,
        )
        subscriber(
            session,
            "ezio",
            ["events"],
            "Orbassano",
            channel="whatsapp",
            last_inbound_at=NOON - timedelta(hours=2),
        )
        boss = coordinator(session)
        broadcast = create_broadcast(
            session, boss, text="Festa", topics=["events"], towns=["Orbassano"], now=NOON
        )
        shown = preview(session, broadcast, texts, quiet, NOON)
    assert shown.recipients == 3  # anna, dora (opted in), ezio (wrote two hours ago)
    assert shown.by_channel == {"telegram": 1, "whatsapp": 2}
    assert shown.blocked == 1
    assert shown.outside_whatsapp_window == 1


def test_a_leaders_announcement_waits_for_a_coordinators_approval(
    db: Database, texts: BulkTexts, quiet: QuietHours
) -> None:
    _town_of_subscribers(db)
    with db.unit_of_work() as session:
        giulia = leader(session, "giulia", ["Orbassano"], ["events"])
        boss = coordinator(session)
        broadcast = create_broadcast(
            session, giulia, text="Festa", topics=["events"], towns=["Orbassano"], now=NOON
        )
        with pytest.raises(BroadcastRefused, match="approvazione"):
            send_broadcast(session, broadcast.id, giulia, texts, quiet, NOON)
        with pytest.raises(BroadcastRefused, match="coordinatore"):
            approve_broadcast(session, broadcast, giulia, NOON)
        approve_broadcast(session, broadcast, boss, NOON)
        outcome = send_broadcast(session, broadcast.id, giulia, texts, quiet, NOON)
    assert outcome.status == QUEUED
    assert outcome.queued == 2
    assert {row.address for row in queued(db)} == {"chat-anna", "chat-carla"}


def test_approval_can_be_switched_off(db: Database, texts: BulkTexts, quiet: QuietHours) -> None:
    _town_of_subscribers(db)
    with db.unit_of_work() as session:
        giulia = leader(session, "giulia", ["Orbassano"], ["events"])
        broadcast = create_broadcast(
            session,
            giulia,
            text="Festa",
            topics=["events"],
            towns=["Orbassano"],
            approval_required=False,
            now=NOON,
        )
        outcome = send_broadcast(session, broadcast.id, giulia, texts, quiet, NOON)
    assert outcome.queued == 2


def test_sending_twice_queues_nothing_twice(
    db: Database, texts: BulkTexts, quiet: QuietHours
) -> None:
    _town_of_subscribers(db)
    with db.unit_of_work() as session:
        boss = coordinator(session)
        broadcast_id = create_broadcast(
            session, boss, text="Festa", topics=["events"], towns=[], now=NOON
        ).id
    for _ in range(2):
        with db.unit_of_work() as session:
            send_broadcast(session, broadcast_id, boss, texts, quiet, NOON)
    rows = queued(db)
    assert sorted(row.address for row in rows) == ["chat-anna", "chat-bruno", "chat-carla"]
    assert all(row.priority == 10 for row in rows)
    assert all(
        row.dedupe_key and row.dedupe_key.startswith(f"broadcast:{broadcast_id}:") for row in rows
    )
    assert all(row.text.endswith(STOP_LINE) for row in rows)


def test_an_announcement_sent_at_night_waits_for_the_morning(
    db: Database, texts: BulkTexts, quiet: QuietHours
) -> None:
    _town_of_subscribers(db)
    night = rome(2026, 5, 12, 22, 40)
    with db.unit_of_work() as session:
        boss = coordinator(session)
        festa = create_broadcast(session, boss, text="Festa", topics=["events"], now=night)
        allerta = create_broadcast(
            session, boss, text="Allerta caldo", topics=["events"], urgent=True, now=night
        )
        send_broadcast(session, festa.id, boss, texts, quiet, night)
        send_broadcast(session, allerta.id, boss, texts, quiet, night)
    rows = queued(db)
    festa_rows = [row for row in rows if row.text.startswith("Festa")]
    urgent_rows = [row for row in rows if row.text.startswith("Allerta")]
    assert {row.not_before for row in festa_rows} == {rome(2026, 5, 13, 8, 30)}
    assert {row.not_before for row in urgent_rows} == {night}
    # Urgent notices go before other bulk messages, still after the replies (priority 0).
    assert {row.priority for row in urgent_rows} == {5}


def test_a_send_time_is_kept_and_the_timer_sends_it_then(
    db: Database, texts: BulkTexts, quiet: QuietHours, timer: Timer
) -> None:
    _town_of_subscribers(db)
    saturday = rome(2026, 5, 16, 10, 0)
    with db.unit_of_work() as session:
        boss = coordinator(session)
        broadcast_id = create_broadcast(
            session, boss, text="Festa", topics=["events"], send_at=saturday, now=NOON
        ).id
        assert send_broadcast(session, broadcast_id, boss, texts, quiet, NOON).status == SCHEDULED
    timer.beat(saturday - timedelta(minutes=1))
    assert queued(db) == []
    assert timer.beat(saturday).broadcasts == 1
    assert len(queued(db)) == 3
    timer.beat(saturday + timedelta(minutes=1))
    assert len(queued(db)) == 3


def test_the_delivery_report_counts_sent_blocked_and_failed(
    db: Database, texts: BulkTexts, quiet: QuietHours
) -> None:
    with db.unit_of_work() as session:
        for name in ("a", "b", "c", "d", "e"):
            subscriber(session, name, ["events"], "Volvera")
        boss = coordinator(session)
        broadcast_id = create_broadcast(
            session, boss, text="Festa", topics=["events"], towns=["Volvera"], now=NOON
        ).id
        send_broadcast(session, broadcast_id, boss, texts, quiet, NOON)
    with db.unit_of_work() as session:
        for address, status in (
            ("chat-a", "sent"),
            ("chat-b", "sent"),
            ("chat-c", "blocked"),
            ("chat-d", "failed"),
        ):
            session.execute(
                update(OutboxMessage).where(OutboxMessage.address == address).values(status=status)
            )
        report = delivery_report(session, broadcast_id)
    assert (report.queued, report.sent, report.blocked, report.failed, report.waiting) == (
        5,
        2,
        1,
        1,
        1,
    )


def test_a_leader_sees_only_their_own_announcements(db: Database) -> None:
    with db.unit_of_work() as session:
        giulia = leader(session, "giulia", ["Orbassano"], ["events"])
        marco = leader(session, "marco", ["Bruino"], ["events"])
        boss = coordinator(session)
        theirs = create_broadcast(
            session, marco, text="Festa", topics=["events"], towns=["Bruino"], now=NOON
        )
        with pytest.raises(BroadcastRefused):
            get_broadcast(session, theirs.id, giulia)
        assert get_broadcast(session, theirs.id, boss).id == theirs.id


def test_unknown_towns_and_topics_are_named_in_the_refusal(db: Database) -> None:
    with db.unit_of_work() as session:
        boss = coordinator(session)
        with pytest.raises(BroadcastRefused, match="Rivoli"):
            create_broadcast(session, boss, text="x", topics=["events"], towns=["Rivoli"], now=NOON)
        with pytest.raises(BroadcastRefused, match="sport"):
            create_broadcast(session, boss, text="x", topics=["sport"], now=NOON)
        with pytest.raises(BroadcastRefused, match="vuoto"):
            create_broadcast(session, boss, text="   ", topics=["events"], now=NOON)


def test_a_send_time_without_a_time_zone_is_refused(db: Database) -> None:
    with db.unit_of_work() as session:
        boss = coordinator(session)
        with pytest.raises(BroadcastRefused, match="fuso"):
            create_broadcast(
                session,
                boss,
                text="x",
                topics=["events"],
                send_at=datetime(2026, 5, 13, 10),
                now=NOON,
            )
