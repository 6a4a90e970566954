"""The report page: the whole conversation, and every action as a form."""

import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.db.database import Database
from bot.db.models import AuditEntry, Message, Report
from bot.services.accounts import COORDINATOR
from bot.services.operator_setup import OperatorSetup
from tests.console.conftest import sign_in
from tests.operators import factories
from tests.operators.factories import TUESDAY_10


def seed(db: Database, setup: OperatorSetup) -> int:
    with db.unit_of_work() as session:
        maria = factories.person(session)
        session.add_all(
            [
                Message(
                    person_id=maria.id, direction="in", text="buongiorno", created_at=TUESDAY_10
                ),
                Message(
                    person_id=maria.id,
                    direction="out",
                    text="Ciao! Raccontami pure.",
                    created_at=TUESDAY_10,
                ),
            ]
        )
        report = factories.report(session, setup, maria)
        factories.user(session, "anna", queues=("anziani_disabilita",), display_name="Anna Verdi")
        factories.user(session, "zoe", role=COORDINATOR)
        return report.id


def test_take_answer_note_and_close_from_the_page(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    report_id = seed(db, setup)
    csrf = sign_in(client, "anna")
    page = client.get(f"/console/reports/{report_id}").text
    assert "buongiorno" in page and "Raccontami pure." in page

    taken = client.post(f"/console/reports/{report_id}/take", data={"csrf": csrf})
    assert taken.status_code == 303
    assert "Presa in carico: ora è tua" in client.get(taken.headers["location"]).text

    answered = client.post(
        f"/console/reports/{report_id}/answer",
        data={"csrf": csrf, "text": "Buongiorno Maria, la chiamo domani mattina."},
    )
    assert answered.headers["location"].endswith("done=answer&reach=sent")
    page = client.get(answered.headers["location"]).text
    assert "Buongiorno Maria, la chiamo domani mattina." in page
    assert "in conversazione con un operatore" in page

    client.post(f"/console/reports/{report_id}/note", data={"csrf": csrf, "text": "Ha un figlio"})
    empty = client.post(f"/console/reports/{report_id}/answer", data={"csrf": csrf, "text": " "})
    assert empty.status_code == 409 and "Scrivi la risposta" in empty.text

    closed = client.post(
        f"/console/reports/{report_id}/close",
        data={"csrf": csrf, "outcome": "resolved", "text": "Sentito il figlio"},
    )
    page = client.get(closed.headers["location"]).text
    assert "Risolta" in page and "Sentito il figlio" in page

    with db.unit_of_work() as session:
        report = session.get(Report, report_id)
        assert report is not None and report.status == "closed"
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
        responses = factories.responses_to(session, "chat-maria")
    assert actions == ["login", "take", "answer", "note", "note", "close"]
    assert responses == ["utter_report_taken", "utter_operator_answer", "utter_report_closed"]


def test_a_coordinator_corrects_the_triage_and_exports_it(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    report_id = seed(db, setup)
    csrf = sign_in(client, "zoe")
    corrected = client.post(
        f"/console/reports/{report_id}/correct",
        data={"csrf": csrf, "category": "loneliness", "urgency": "medium", "reroute": "1"},
    )
    assert corrected.status_code == 303
    with db.unit_of_work() as session:
        report = session.get(Report, report_id)
        assert report is not None and report.queue == "comunita_volontariato"
    exported = client.get("/console/corrections.yml")
    assert exported.headers["content-type"].startswith("application/yaml")
    [example] = yaml.safe_load(exported.text)["nlu"][0]["examples"]
    assert example["metadata"] == {"category": "loneliness", "urgency": "medium"}
    assert "correzioni" in client.get("/console/audit").text


def test_operators_cannot_export_or_read_the_audit_log(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    seed(db, setup)
    sign_in(client, "anna")
    assert client.get("/console/corrections.yml").status_code == 404
    assert client.get("/console/audit").status_code == 404
