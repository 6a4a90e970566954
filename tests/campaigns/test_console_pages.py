"""The announcement pages of the console, over HTTP: a leader writes within their towns, a
coordinator approves and sends, both see who it reaches and how delivery went."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bot.db.database import Database
from bot.db.models import Broadcast, OutboxMessage
from bot.services.broadcasts import set_leader_reach
from bot.services.bulk_messages import BulkTexts
from bot.services.checkins import answer_checkin
from bot.services.operator_setup import OperatorSetup
from bot.settings import Settings
from bot.web.announcements import router as announcements_router
from bot.web.announcements.state import AnnouncementsState
from bot.web.console import router as console_router
from bot.web.console.state import ConsoleState
from tests.campaigns.conftest import citizen, queued, rome, subscriber
from tests.console.conftest import sign_in
from tests.operators import factories
from tests.operators.conftest import domain_texts, setup  # noqa: F401 (fixtures)

NOW = rome(2026, 5, 12, 11, 0)


@pytest.fixture
def client(
    db: Database,
    setup: OperatorSetup,  # noqa: F811
    settings: Settings,
    texts: BulkTexts,
) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.console = ConsoleState.build(db, setup, timers=False, clock=lambda: NOW)
    app.state.announcements = AnnouncementsState.build(db, settings, texts=texts, clock=lambda: NOW)
    app.include_router(console_router)
    app.include_router(announcements_router)
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.fixture
def people(db: Database) -> None:
    with db.unit_of_work() as session:
        subscriber(session, "anna", ["events"], "Orbassano")
        subscriber(session, "bruno", ["events"], "Bruino")
        subscriber(session, "carla", ["events"], None)
        giulia = factories.user(session, "giulia", "community_leader")
        set_leader_reach(
            session, factories.user_row(session, giulia.username), ["Orbassano"], ["events"]
        )
        factories.user(session, "coordina", "coordinator")
        factories.user(session, "ugo", "operator", ("anziani_disabilita",))


def _id_of(response_location: str) -> int:
    match = re.fullmatch(r"/console/annunci/(\d+)", response_location)
    assert match, response_location
    return int(match[1])


def test_a_leader_writes_a_coordinator_approves_and_sends(
    client: TestClient, db: Database, people: None
) -> None:
    csrf = sign_in(client, "giulia")
    page = client.get("/console/annunci")
    assert page.status_code == 200
    assert 'value="Orbassano"' in page.text and 'value="Bruino"' not in page.text
    created = client.post(
        "/console/annunci",
        data={
            "csrf": csrf,
            "text": "Sabato festa in piazza!",
            "topics": ["events"],
            "towns": ["Orbassano"],
        },
    )
    assert created.status_code == 303
    broadcast_id = _id_of(created.headers["location"])
    shown = client.get(f"/console/annunci/{broadcast_id}").text
    assert 'id="recipients">2<' in shown  # Anna and Carla
    assert "Per non ricevere più messaggi scrivi STOP" in shown
    assert "in attesa di approvazione" in shown
    refused = client.post(f"/console/annunci/{broadcast_id}/invia", data={"csrf": csrf})
    assert refused.status_code == 400 and "approvazione" in refused.text
    assert queued(db) == []

    csrf = sign_in(client, "coordina")
    assert (
        client.post(f"/console/annunci/{broadcast_id}/approva", data={"csrf": csrf}).status_code
        == 303
    )
    assert (
        client.post(f"/console/annunci/{broadcast_id}/invia", data={"csrf": csrf}).status_code
        == 303
    )
    assert sorted(row.address for row in queued(db)) == ["chat-anna", "chat-carla"]
    with db.unit_of_work() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.address == "chat-anna").values(status="sent")
        )
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.address == "chat-carla")
            .values(status="blocked")
        )
    report = client.get(f"/console/annunci/{broadcast_id}").text
    assert "Inviati: 1" in report and "Bloccati (la persona ha bloccato il bot): 1" in report


def test_a_leader_cannot_write_to_a_town_they_were_not_given_even_by_hand(
    client: TestClient, db: Database, people: None
) -> None:
    csrf = sign_in(client, "giulia")
    response = client.post(
        "/console/annunci",
        data={"csrf": csrf, "text": "Festa", "topics": ["events"], "towns": ["Bruino"]},
    )
    assert response.status_code == 400
    assert "Non puoi scrivere a Bruino" in response.text
    with db.unit_of_work() as session:
        assert session.scalars(select(Broadcast)).all() == []


def test_operators_and_strangers_get_nothing(
    client: TestClient, db: Database, people: None
) -> None:
    assert client.get("/console/annunci").status_code == 303  # to the login
    csrf = sign_in(client, "ugo")
    assert client.get("/console/annunci").status_code == 404
    assert client.get("/console/campagne").status_code == 404
    response = client.post(
        "/console/annunci", data={"csrf": csrf, "text": "x", "topics": ["events"]}
    )
    assert response.status_code == 404


def test_a_form_without_its_token_is_refused(client: TestClient, people: None) -> None:
    sign_in(client, "coordina")
    response = client.post("/console/annunci", data={"text": "x", "topics": ["events"]})
    assert response.status_code == 403


def test_a_leader_does_not_see_another_leaders_announcement(
    client: TestClient, db: Database, people: None
) -> None:
    csrf = sign_in(client, "coordina")
    created = client.post(
        "/console/annunci", data={"csrf": csrf, "text": "Avviso", "topics": ["events"]}
    )
    broadcast_id = _id_of(created.headers["location"])
    sign_in(client, "giulia")
    assert client.get(f"/console/annunci/{broadcast_id}").status_code == 404


def test_an_announcement_text_is_shown_as_text(client: TestClient, people: None) -> None:
    csrf = sign_in(client, "coordina")
    created = client.post(
        "/console/annunci",
        data={"csrf": csrf, "text": "<script>alert(1)</script>", "topics": ["events"]},
    )
    page = client.get(created.headers["location"]).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_a_coordinator_pauses_and_resumes_a_campaign(client: TestClient, people: None) -> None:
    csrf = sign_in(client, "coordina")
    assert (
        client.post("/console/campagne/weekly_checkin/pausa", data={"csrf": csrf}).status_code
        == 303
    )
    page = client.get("/console/campagne").text
    section = page.split('id="weekly_checkin"')[1].split("</section>")[0]
    assert "In pausa" in section and "coordina" in section
    client.post("/console/campagne/weekly_checkin/riprendi", data={"csrf": csrf})
    section = client.get("/console/campagne").text.split('id="weekly_checkin"')[1]
    assert "Attiva" in section.split("</section>")[0]


def test_a_send_time_is_read_as_rome_time(client: TestClient, db: Database, people: None) -> None:
    csrf = sign_in(client, "coordina")
    client.post(
        "/console/annunci",
        data={"csrf": csrf, "text": "Domani", "topics": ["events"], "send_at": "2026-05-13T09:15"},
    )
    with db.unit_of_work() as session:
        send_at = session.scalars(select(Broadcast.send_at)).one()
    assert send_at == rome(2026, 5, 13, 9, 15)
    assert send_at - NOW == timedelta(hours=22, minutes=15)


def test_leaders_and_coordinators_find_the_announcements_in_the_menu(
    client: TestClient, people: None
) -> None:
    sign_in(client, "giulia")
    assert 'href="/console/annunci"' in client.get("/console").text
    sign_in(client, "ugo")
    assert 'href="/console/annunci"' not in client.get("/console").text


def test_coordinators_read_the_loneliness_indicator(
    client: TestClient, db: Database, people: None
) -> None:
    with db.unit_of_work() as session:
        lonely = citizen(session, "elsa", comune="Volvera", weekly_checkin=True)
        answer_checkin(
            session,
            lonely.id,
            "2026-W20",
            mood="bad",
            lonely=True,
            report_text="sola",
            category="other",
            urgency="low",
            now=NOW - timedelta(days=1),
        )
    sign_in(client, "coordina")
    table = client.get("/console/campagne").text.split('id="loneliness"')[1]
    volvera = table.split("<td>Volvera</td>")[1].split("</tr>")[0]
    assert "<td>1.00</td>" in volvera
