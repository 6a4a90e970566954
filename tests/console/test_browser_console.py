"""The console in a real headless Chromium, against the whole app on a real server.

An operator signs in on a phone-sized screen, opens her queue, takes a report, answers and
closes it; the citizen, on the web chat in another browser, reads the answer and replies, and
the reply shows in the report's conversation.
"""

import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from bot.db.database import Database
from bot.db.models import Person
from bot.db.types import utcnow
from bot.engine import Assistant
from bot.runtime import Runtime
from bot.services import people
from bot.services.operator_setup import OperatorSetup
from bot.settings import PROJECT_ROOT, Settings
from bot.web.app import create_app
from bot.web.chat_session import address_of
from bot.web.server import bind_socket, make_server, url_of
from tests.engine.fake_nlu import FakeNlu
from tests.operators import factories
from tests.operators.factories import PASSWORD

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
KEY = "browser-console-key"


@dataclass(frozen=True)
class Live:
    url: str
    database: Database


@pytest.fixture
def live(db: Database, tmp_path: Path) -> Iterator[Live]:
    settings = Settings(data_dir=tmp_path / "var", pseudonym_key=KEY, demo_data=False)
    nlu = FakeNlu()
    assistant = Assistant(db, nlu, PROJECT_ROOT, settings)
    runtime = Runtime(settings, db, assistant)  # type: ignore[arg-type]
    sock = bind_socket("127.0.0.1", 0)
    server = make_server(create_app(runtime), log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    try:
        yield Live(url_of(sock).rstrip("/"), db)
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def phone(browser: Browser) -> BrowserContext:
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="it-IT")


def citizen_on_the_web_chat(live: Live, setup: OperatorSetup, text: str) -> tuple[str, int]:
    """Someone who wrote on the web chat and consented: their cookie, and their report."""
    session_id = secrets.token_urlsafe(32)
    with live.database.unit_of_work() as session:
        person = Person(
            channel="web",
            pseudonym=people.pseudonym(KEY, "web", session_id),
            address=address_of(session_id),
            consent_at=utcnow(),
            consent_version="v1",
            last_inbound_at=utcnow(),
        )
        session.add(person)
        session.flush()
        report = factories.report(session, setup, person, text, now=utcnow())
        factories.user(session, "anna", queues=("anziani_disabilita",), display_name="Anna")
        return session_id, report.id


def sign_in(page: Page, live: Live, username: str) -> None:
    page.goto(f"{live.url}/console")
    expect(page).to_have_url(f"{live.url}/console/login?next=%2Fconsole")
    page.get_by_label("Nome utente").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Entra").click()
    expect(page.get_by_role("heading", name="Le tue code")).to_be_visible()


def test_take_answer_and_close_while_the_citizen_reads_on_the_web_chat(
    browser: Browser, live: Live, setup: OperatorSetup
) -> None:
    session_id, _ = citizen_on_the_web_chat(
        live, setup, "Mia madre ha 85 anni e non riesce più a fare la spesa"
    )
    citizen_context = phone(browser)
    citizen_context.add_cookies([{"name": "scintille_chat", "value": session_id, "url": live.url}])
    citizen = citizen_context.new_page()
    citizen.goto(live.url)

    operator_context = phone(browser)
    operator = operator_context.new_page()
    sign_in(operator, live, "anna")
    operator.get_by_role("link", name="Anziani e disabilità").click()
    operator.get_by_role("link", name="non riesce più a fare la spesa").click()
    expect(operator.get_by_role("heading", name="Segnalazione n.")).to_be_visible()

    operator.get_by_role("button", name="Prendo in carico").click()
    expect(operator.get_by_role("status")).to_contain_text("Presa in carico")
    operator.get_by_label("Rispondi alla persona").fill("Buongiorno, sono Anna: domani la chiamo.")
    operator.get_by_role("button", name="Invia la risposta").click()
    expect(operator.get_by_role("status")).to_contain_text("Risposta inviata")

    # The web chat polls for later messages: the notice and the answer arrive by themselves.
    expect(citizen.get_by_text("domani la chiamo.")).to_be_visible(timeout=15_000)
    expect(
        citizen.get_by_text("Anna, degli operatori dell'area anziani", exact=False)
    ).to_be_visible()

    # The citizen answers; the bot steps aside, and Anna reads it in the report.
    said_before = citizen.locator(".message--bot").count()
    box = citizen.get_by_role("textbox")
    box.fill("grazie, va benissimo")
    with citizen.expect_response("**/api/chat/messages"):
        box.press("Enter")
    operator.reload()
    expect(operator.locator(".chat__line--in .chat__text").last).to_have_text(
        "grazie, va benissimo"
    )

    operator.get_by_label("Com'è andata a finire").select_option("resolved")
    operator.get_by_role("button", name="Chiudi la segnalazione").click()
    expect(operator.get_by_role("status")).to_contain_text("Chiusa")
    closing = citizen.get_by_text("adesso è chiusa", exact=False).or_(
        citizen.get_by_text("Abbiamo chiuso", exact=False)
    )
    expect(closing).to_be_visible(timeout=15_000)
    # The bot did not answer the reply meant for Anna: the closing is its only new message.
    expect(citizen.locator(".message--bot")).to_have_count(said_before + 1)
    operator_context.close()
    citizen_context.close()


def test_a_script_in_a_report_is_shown_not_run(
    browser: Browser, live: Live, setup: OperatorSetup
) -> None:
    _, report_id = citizen_on_the_web_chat(
        live, setup, "<script>window.pwned = true</script><img src=x onerror='window.pwned=1'>"
    )
    context = phone(browser)
    page = context.new_page()
    sign_in(page, live, "anna")
    page.goto(f"{live.url}/console/reports/{report_id}")
    expect(page.locator(".report-text")).to_contain_text("<script>window.pwned = true</script>")
    assert page.evaluate("window.pwned === undefined")
    context.close()


def test_another_queue_s_report_stays_closed_even_by_url(
    browser: Browser, live: Live, setup: OperatorSetup
) -> None:
    with live.database.unit_of_work() as session:
        other = factories.report(
            session, setup, factories.person(session, "ugo"), "Ho perso il lavoro", category="work"
        )
        factories.user(session, "anna", queues=("anziani_disabilita",))
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live.url}/console/reports/{other.id}")
    expect(page.get_by_role("heading", name="Console degli operatori")).to_be_visible()
    sign_in(page, live, "anna")
    response = page.goto(f"{live.url}/console/reports/{other.id}")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Ho perso il lavoro")).to_have_count(0)
    context.close()
