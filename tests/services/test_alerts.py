"""An urgent report reaches every operators' group at once, ahead of bulk messages."""

import pytest
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import OutboxMessage
from bot.messages import OutgoingMessage
from bot.services.alerts import alert_on_call
from bot.services.reports import create_report


def test_every_operators_group_gets_the_alert_first_in_line(db: Database) -> None:
    with db.unit_of_work() as session:
        report = create_report(
            session, person_id=None, text="aiuto", category="violence", urgency="high",
            kind="emergency",
        )  # fmt: skip
        alert = OutgoingMessage(text=f"URGENTE {report.reference}")
        assert alert_on_call(session, report, alert, [-1001, -1002]) == 2
    with db.unit_of_work() as session:
        rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [(r.channel, r.address, r.priority, r.status) for r in rows] == [
            ("telegram", "-1001", 0, "pending"),
            ("telegram", "-1002", 0, "pending"),
        ]
        assert rows[0].payload["text"] == f"URGENTE {report.reference}"
        assert rows[0].person_id is None


def test_without_groups_nothing_is_queued_and_the_log_says_so(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with db.unit_of_work() as session:
        report = create_report(
            session, person_id=None, text="aiuto", category="health", urgency="high"
        )
        assert alert_on_call(session, report, OutgoingMessage(text="x"), []) == 0
        assert session.scalars(select(OutboxMessage)).all() == []
    assert "no operators' group" in caplog.text
    # The log names the report, never what the person wrote.
    assert report.reference in caplog.text and "aiuto" not in caplog.text
