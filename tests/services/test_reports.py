"""Reports get a yearly reference and land in the right queue, on both backends."""

import threading
from datetime import UTC, datetime

import pytest

from bot.db.database import Database
from bot.db.models import Report
from bot.services.reports import ROME, add_to_report, create_report, find_report, next_reference
from tests.services.factories import person


def test_references_count_up_within_a_year_and_restart_the_next(db: Database) -> None:
    day = datetime(2026, 3, 12, 10, tzinfo=UTC)
    with db.unit_of_work() as session:
        assert next_reference(session, day) == "2026-0001"
        assert next_reference(session, day) == "2026-0002"
    with db.unit_of_work() as session:
        assert next_reference(session, day) == "2026-0003"
        assert next_reference(session, datetime(2027, 1, 2, tzinfo=UTC)) == "2027-0001"


def test_the_year_is_the_one_of_rome(db: Database) -> None:
    # 23:30 UTC on 31 December is already New Year's Day in Rome.
    with db.unit_of_work() as session:
        assert next_reference(session, datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "2027-0001"


def test_a_report_is_stored_with_its_triage_and_queue(db: Database) -> None:
    with db.unit_of_work() as session:
        maria = person(session)
        report = create_report(
            session,
            person_id=maria.id,
            text="la panchina del parco e rotta",
            category="public_spaces",
            urgency="low",
            comune="Orbassano",
            frazione="Tetti Valfrè",
            latitude=45.0,
            longitude=7.5,
            photo_file_ids=["photo-1"],
        )
        reference = report.reference
    with db.unit_of_work() as session:
        stored = find_report(session, reference)
        assert stored is not None
        assert (stored.category, stored.urgency, stored.comune, stored.queue, stored.status) == (
            "public_spaces",
            "low",
            "Orbassano",
            "spazi_pubblici_orbassano",
            "new",
        )
        assert stored.frazione == "Tetti Valfrè"
        assert stored.photo_file_ids == ["photo-1"]
        assert stored.kind == "report"
        assert stored.reference.endswith("-0001")


def test_what_the_person_adds_later_joins_the_report(db: Database) -> None:
    with db.unit_of_work() as session:
        report = create_report(
            session,
            person_id=None,
            text="aiuto",
            category="violence",
            urgency="high",
            kind="emergency",
        )
        reference = report.reference
    with db.unit_of_work() as session:
        add_to_report(session, reference, "sono in via roma", comune="Bruino")
    with db.unit_of_work() as session:
        stored = find_report(session, reference)
        assert stored is not None
        assert stored.text == "aiuto\n\nsono in via roma"
        assert stored.comune == "Bruino"
        assert stored.queue == "reperibilita"
        assert add_to_report(session, "1999-0001", "niente") is None


def test_reports_written_at_the_same_moment_never_share_a_reference(db: Database) -> None:
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: there is no race to lose")
    references: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def write() -> None:
        try:
            start.wait()
            for _ in range(10):
                with db.unit_of_work() as session:
                    report = create_report(
                        session, person_id=None, text="x", category="other", urgency="low"
                    )
                    references.append(report.reference)
        except BaseException as error:  # the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    year = datetime.now(ROME).year
    assert sorted(references) == [f"{year}-{n:04d}" for n in range(1, 81)]
    with db.unit_of_work() as session:
        assert session.query(Report).count() == 80
