"""Who may see what: logged out nothing, an operator only their queues, by page or by API."""

import re

from fastapi.testclient import TestClient

from bot.db.database import Database
from bot.db.models import Report
from bot.services.accounts import ADMINISTRATOR
from bot.services.operator_setup import OperatorSetup
from tests.console.conftest import form_token, sign_in
from tests.operators import factories


def seed(db: Database, setup: OperatorSetup) -> tuple[int, int]:
    """Anna works on the elderly queue; one report there, one in work and housing."""
    with db.unit_of_work() as session:
        mine = factories.report(session, setup, factories.person(session, "maria"))
        theirs = factories.report(
            session, setup, factories.person(session, "ugo"), "Ho perso il lavoro", category="work"
        )
        factories.user(session, "anna", queues=("anziani_disabilita",))
        return mine.id, theirs.id


def test_logged_out_gets_nothing_but_the_login(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    mine, _ = seed(db, setup)
    for path in (
        "/console",
        "/console/queues/anziani_disabilita",
        "/console/queues/tutte",
        f"/console/reports/{mine}",
        "/console/late",
        "/console/users",
        "/console/audit",
        "/console/corrections.yml",
    ):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/console/login?next=")
        assert "non riesce" not in response.text
    for path in (f"/console/api/reports/{mine}", "/console/api/queues/anziani_disabilita/reports"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.json() == {"error": "login_required"}
    response = client.post(f"/console/reports/{mine}/take", data={"csrf": "x"})
    assert response.status_code == 303
    with db.unit_of_work() as session:
        assert session.get(Report, mine).status == "new"  # type: ignore[union-attr]


def test_an_operator_cannot_open_another_queue_s_report(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    mine, theirs = seed(db, setup)
    csrf = sign_in(client, "anna")
    assert client.get(f"/console/reports/{mine}").status_code == 200
    assert client.get(f"/console/reports/{theirs}").status_code == 404
    assert "lavoro" not in client.get(f"/console/reports/{theirs}").text
    assert client.get("/console/queues/lavoro_casa").status_code == 404
    assert client.get(f"/console/api/reports/{mine}").json()["id"] == mine
    assert client.get(f"/console/api/reports/{theirs}").status_code == 404
    assert client.get("/console/api/queues/lavoro_casa/reports").status_code == 404
    everything = client.get("/console/api/queues/tutte/reports").json()
    assert [report["id"] for report in everything["reports"]] == [mine]
    assert "Ho perso il lavoro" not in client.get("/console/queues/tutte?status=all").text
    for action, data in (
        ("take", {}),
        ("answer", {"text": "ciao"}),
        ("note", {"text": "nota"}),
        ("reassign", {"queue": "anziani_disabilita"}),
        ("close", {"outcome": "resolved"}),
    ):
        response = client.post(f"/console/reports/{theirs}/{action}", data={"csrf": csrf, **data})
        assert response.status_code == 404, action
    with db.unit_of_work() as session:
        report = session.get(Report, theirs)
        assert report is not None and (report.status, report.queue) == ("new", "lavoro_casa")


def test_a_form_without_the_session_s_token_is_refused(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    mine, _ = seed(db, setup)
    sign_in(client, "anna")
    assert client.post(f"/console/reports/{mine}/take").status_code == 403
    assert client.post(f"/console/reports/{mine}/take", data={"csrf": "forged"}).status_code == 403
    with db.unit_of_work() as session:
        assert session.get(Report, mine).status == "new"  # type: ignore[union-attr]


def test_a_report_holding_a_script_shows_it_as_text(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    with db.unit_of_work() as session:
        report = factories.report(
            session, setup, factories.person(session), "<script>alert('x')</script> aiuto"
        )
        factories.user(session, "anna", queues=("anziani_disabilita",))
    sign_in(client, "anna")
    for page in (f"/console/reports/{report.id}", "/console/queues/anziani_disabilita"):
        html = client.get(page).text
        assert "&lt;script&gt;alert(" in html
        assert "<script>alert" not in html


def test_the_login_refuses_wrong_passwords_and_foreign_redirects(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    seed(db, setup)
    page = client.get("/console/login")
    token = form_token(page.text, "login_token")
    wrong = client.post(
        "/console/login",
        data={"username": "anna", "password": "non-è-lei-123", "login_token": token},
    )
    assert wrong.status_code == 401
    assert "non corretti" in wrong.text
    stale = client.post(
        "/console/login",
        data={"username": "anna", "password": factories.PASSWORD, "login_token": "old"},
    )
    assert stale.status_code == 400
    page = client.get("/console/login?next=https://example.org/")
    right = client.post(
        "/console/login",
        data={
            "username": "anna",
            "password": factories.PASSWORD,
            "login_token": form_token(page.text, "login_token"),
            "next": "https://example.org/",
        },
    )
    assert right.status_code == 303 and right.headers["location"] == "/console"


def test_signing_out_ends_the_session(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    seed(db, setup)
    csrf = sign_in(client, "anna")
    cookie = client.cookies.get("scintille_console")
    assert client.post("/console/logout", data={"csrf": csrf}).status_code == 303
    client.cookies.set("scintille_console", cookie or "", path="/console")
    assert client.get("/console").status_code == 303


def test_only_administrators_manage_accounts(
    client: TestClient, db: Database, setup: OperatorSetup
) -> None:
    seed(db, setup)
    with db.unit_of_work() as session:
        factories.user(session, "root", role=ADMINISTRATOR)
    csrf = sign_in(client, "anna")
    assert client.get("/console/users").status_code == 404
    assert client.post("/console/users", data={"csrf": csrf, "username": "x"}).status_code == 404

    client.cookies.clear()
    csrf = sign_in(client, "root")
    created = client.post(
        "/console/users",
        data={
            "csrf": csrf,
            "username": "bea",
            "display_name": "Bea Neri",
            "role": "operator",
            "queues": ["lavoro_casa", "minori_famiglie"],
        },
    )
    assert created.status_code == 200
    handed = re.search(r'<code class="secret">([^<]+)</code>', created.text)
    assert handed is not None
    password = handed[1]
    client.cookies.clear()
    sign_in(client, "bea", password)
    listing = client.get("/console/api/queues/tutte/reports").json()
    assert [report["queue"] for report in listing["reports"]] == ["lavoro_casa"]
