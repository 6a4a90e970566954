"""Service levels on a clock the test moves: working hours, holidays, escalation."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import AuditEntry
from bot.services import casework
from bot.services.accounts import COORDINATOR
from bot.services.escalation import escalate_late_reports
from bot.services.operator_setup import OperatorSetup
from bot.services.routing import QueuesFileError
from bot.services.service_levels import parse_service_levels
from tests.operators import factories

ROME = ZoneInfo("Europe/Rome")


def rome(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=ROME).astimezone(UTC)


def test_the_coordinators_file_has_the_targets_of_the_issue(setup: OperatorSetup) -> None:
    levels = setup.levels
    created = rome(2026, 12, 1, 10, 0)  # a Tuesday
    assert levels.deadline(created, "high") == created + timedelta(minutes=15)
    # Two working days of 8.5 hours from Tuesday 10:00: Thursday 10:00.
    assert levels.deadline(created, "medium") == rome(2026, 12, 3, 10, 0)
    # Five: neither the weekend nor the Immacolata (Tuesday 8th) count, so Wednesday 9th.
    assert levels.deadline(created, "low") == rome(2026, 12, 9, 10, 0)


def test_holidays_and_weekends_are_skipped(setup: OperatorSetup) -> None:
    levels = setup.levels
    # Monday 7 December at 09:00; the 8th is the Immacolata: Monday 8h, Wednesday 8.5h, then
    # half an hour on Thursday.
    assert levels.deadline(rome(2026, 12, 7, 9, 0), "medium") == rome(2026, 12, 10, 9, 0)
    # Christmas Eve at 16:00: one hour that day, then Christmas, Santo Stefano, Sunday.
    assert levels.deadline(rome(2026, 12, 24, 16, 0), "medium") == rome(2026, 12, 29, 16, 0)
    # A report written on Saturday starts counting on Monday morning.
    assert levels.deadline(rome(2026, 12, 12, 11, 0), "medium") == rome(2026, 12, 15, 17, 0)


def test_the_territory_adds_its_own_holidays() -> None:
    weekdays = ["lunedì", "martedì", "mercoledì", "giovedì", "venerdì"]
    document = {
        "service_levels": {
            "take_within": {
                "high": {"minutes": 10},
                "medium": {"working_days": 1},
                "low": {"working_days": 3},
            },
            "working_hours": {"days": weekdays, "from": "09:00", "to": "13:00"},
            "extra_holidays": ["06-24"],
        }
    }
    levels = parse_service_levels(document)
    # 24 June 2026 is a Wednesday, San Giovanni: Tuesday's report waits until Thursday.
    assert levels.deadline(rome(2026, 6, 23, 12, 0), "medium") == rome(2026, 6, 25, 12, 0)
    assert levels.deadline(rome(2026, 6, 23, 12, 0), "high") == rome(2026, 6, 23, 12, 10)


@pytest.mark.parametrize(
    "take_within",
    [
        {"high": {"minutes": 15}},
        {"high": {"hours": 1}, "medium": {"minutes": 5}, "low": {"minutes": 5}},
    ],
)
def test_broken_targets_are_explained(take_within: dict[str, object]) -> None:
    document = {"service_levels": {"take_within": take_within, "working_hours": {}}}
    with pytest.raises(QueuesFileError, match="take_within"):
        parse_service_levels(document)


def test_a_missed_target_escalates_to_the_coordinator_once(
    db: Database, setup: OperatorSetup
) -> None:
    created = rome(2026, 12, 7, 9, 0)
    with db.unit_of_work() as session:
        report = factories.report(session, setup, factories.person(session), now=created)
        factories.user(session, "zoe", role=COORDINATOR, telegram="777")

    # Wednesday evening: without the holiday it would already be late; with it, not yet.
    with db.unit_of_work() as session:
        assert escalate_late_reports(session, setup, rome(2026, 12, 9, 17, 30)) == []
        assert factories.outbox_to(session, "777") == []

    with db.unit_of_work() as session:
        late = escalate_late_reports(session, setup, rome(2026, 12, 10, 9, 1))
        assert [r.id for r in late] == [report.id]
    with db.unit_of_work() as session:
        assert escalate_late_reports(session, setup, rome(2026, 12, 10, 12, 0)) == []
        [alert] = factories.outbox_to(session, "777")
        assert alert.payload["response"] == "utter_operator_escalation"
        assert report.reference in alert.payload["text"]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "escalate")).one()
        assert (entry.actor, entry.report_id) == ("sistema", report.id)


def test_a_report_taken_in_time_never_escalates(db: Database, setup: OperatorSetup) -> None:
    created = rome(2026, 12, 1, 23, 0)  # Tuesday night, urgent
    with db.unit_of_work() as session:
        report = factories.report(
            session, setup, factories.person(session), urgency="high", now=created
        )
        anna = factories.user(session, "anna", queues=("reperibilita",))
        casework.take_in_charge(session, setup, anna, report.id, created + timedelta(minutes=5))
        assert escalate_late_reports(session, setup, created + timedelta(hours=3)) == []


def test_an_urgent_report_is_late_after_fifteen_minutes_even_at_night(
    db: Database, setup: OperatorSetup
) -> None:
    created = rome(2026, 12, 5, 2, 0)  # Saturday, 2 a.m.
    with db.unit_of_work() as session:
        factories.report(session, setup, factories.person(session), urgency="high", now=created)
        assert escalate_late_reports(session, setup, created + timedelta(minutes=14)) == []
        assert len(escalate_late_reports(session, setup, created + timedelta(minutes=16))) == 1
