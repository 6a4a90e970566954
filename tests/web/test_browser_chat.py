"""The web chat in a real headless Chromium on a phone-sized screen, against a real server.

The server is what `antenna serve` runs: a Runtime built on a fresh SQLite file with demo data,
the app, uvicorn on a free port of 127.0.0.1.
"""

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.db.models import Place, Report
from bot.nlu import NluPipeline
from bot.runtime import Runtime
from bot.settings import Settings
from bot.web.app import create_app
from bot.web.server import bind_socket, make_server, url_of
from bot.web.texts import WebTexts

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
# Orbassano's town hall.
ORBASSANO = {"latitude": 45.0073, "longitude": 7.5366}


@dataclass(frozen=True)
class LiveChat:
    url: str
    runtime: Runtime
    texts: WebTexts

    def button_title(self, response: str, payload: str) -> str:
        """The title of a response's button, as domain.yml writes it."""
        for variation in self.runtime.assistant.content.responses.variations(response):
            for title, button_payload in variation.buttons:
                if button_payload == payload:
                    return title
        raise LookupError(f"{response} has no button {payload}")


@pytest.fixture
def live_chat(tmp_path: Path, nlu: NluPipeline) -> Iterator[LiveChat]:
    runtime = Runtime.build(Settings(data_dir=tmp_path / "var", database_url=""), nlu=nlu)
    sock = bind_socket("127.0.0.1", 0)
    server = make_server(create_app(runtime), log_level="warning")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    try:
        yield LiveChat(
            url_of(sock), runtime, WebTexts.from_responses(runtime.assistant.content.responses)
        )
    finally:
        server.should_exit = True
        thread.join()
        sock.close()
        runtime.close()


@pytest.fixture
def page(browser: Browser, live_chat: LiveChat) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="it-IT",
        geolocation=ORBASSANO,
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_chat.url)
    yield page
    context.close()


def _replies_arrived(page: Page) -> None:
    expect(page.locator("#messages")).not_to_have_attribute("aria-busy", "true")


def _write(page: Page, chat: LiveChat, text: str) -> None:
    box = page.get_by_label(chat.texts["input_label"])
    box.fill(text)
    box.press("Enter")
    _replies_arrived(page)


def _tap(page: Page, title: str) -> None:
    page.get_by_role("button", name=title, exact=True).last.click()
    _replies_arrived(page)


def _bot_said(page: Page, pattern: str) -> str:
    message = page.locator(".message--bot").filter(has_text=re.compile(pattern)).last
    expect(message).to_be_visible()
    return message.inner_text()


def test_a_report_typed_as_a_person_would_lands_in_its_queue(
    page: Page, live_chat: LiveChat
) -> None:
    _write(
        page,
        live_chat,
        "buongiorno, mia nonna abita da sola a orbassano e non riesce piu a fare la spesa, "
        "servirebbe qualcuno che la aiuti",
    )
    _tap(page, live_chat.button_title("utter_privacy_notice", "/affirm"))
    _tap(page, live_chat.button_title("utter_ask_report_confirmed", "/affirm"))

    submitted = _bot_said(page, r"n\. \d{4}-\d{4}")
    reference = re.search(r"n\. (\d{4}-\d{4})", submitted)
    assert reference is not None
    with live_chat.runtime.database.unit_of_work() as session:
        report = session.scalars(select(Report).where(Report.reference == reference[1])).one()
        assert report.category == "elderly_care"
        assert report.urgency == "medium"
        assert report.comune == "Orbassano"
        assert report.queue == "anziani_disabilita"
        assert "non riesce piu a fare la spesa" in report.text


def test_html_in_a_message_is_shown_as_text(page: Page, live_chat: LiveChat) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    written = '<script>alert("ciao")</script><img src=x onerror=alert(2)> <b>aiuto</b>'

    _write(page, live_chat, written)

    mine = page.locator(".message--you .message__text").last
    expect(mine).to_have_text(written)
    expect(page.locator(".message--bot").nth(1)).to_be_visible()
    assert page.locator("#messages script, #messages img, #messages b").count() == 0
    assert dialogs == []


def test_the_chat_works_with_the_keyboard_alone(page: Page, live_chat: LiveChat) -> None:
    box = page.get_by_label(live_chat.texts["input_label"])
    box.focus()
    page.keyboard.type("ciao")
    page.keyboard.press("Enter")
    accept = page.get_by_role(
        "button", name=live_chat.button_title("utter_privacy_notice", "/affirm"), exact=True
    )
    expect(accept).to_be_visible()
    expect(box).to_be_focused()

    # Back from the message box to the notice's buttons: "Non accetto", then "Accetto".
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(accept).to_be_focused()
    page.keyboard.press("Enter")

    thanks = runtime_texts(live_chat, "utter_consent_thanks")
    expect(page.locator(".message--bot").filter(has_text=re.compile(thanks))).to_have_count(1)
    expect(accept).to_be_disabled()


def test_the_page_fits_a_phone_and_its_targets_are_large(page: Page, live_chat: LiveChat) -> None:
    _write(page, live_chat, "ciao")
    accept = page.get_by_role(
        "button", name=live_chat.button_title("utter_privacy_notice", "/affirm"), exact=True
    )
    expect(accept).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for target in (accept, page.get_by_role("button", name=live_chat.texts["send"])):
        box = target.bounding_box()
        assert box is not None
        assert box["height"] >= 44


def test_a_place_is_shared_with_the_phone_s_position(page: Page, live_chat: LiveChat) -> None:
    _write(page, live_chat, "vorrei raccontarvi di un posto importante per me")
    _tap(page, live_chat.button_title("utter_privacy_notice", "/affirm"))
    location = page.get_by_role("button", name=live_chat.texts["location_button"])
    # What the place is and why it matters, as long as the assistant asks, then where it is.
    for answer in ["la panchina sotto il tiglio in piazza", "mio nonno ci raccontava la guerra"]:
        if location.is_visible():
            break
        _write(page, live_chat, answer)
    expect(location).to_be_visible()

    location.click()
    _replies_arrived(page)

    expect(page.locator(".message--you .message__text").last).to_have_text(
        live_chat.texts["location_sent"]
    )
    expect(location).to_be_hidden()
    _tap(page, "Orbassano")
    _tap(page, live_chat.button_title("utter_ask_place_confirmed", "/affirm"))
    _bot_said(page, "mappa")
    with live_chat.runtime.database.unit_of_work() as session:
        place = session.scalars(select(Place)).one()
        assert place.latitude == pytest.approx(ORBASSANO["latitude"])
        assert place.longitude == pytest.approx(ORBASSANO["longitude"])


def runtime_texts(chat: LiveChat, response: str) -> str:
    """A pattern that matches any variation of a response."""
    variations = chat.runtime.assistant.content.responses.variations(response)
    return "|".join(re.escape(variation.text) for variation in variations)
