"""The web chat through its ASGI app: what the page sends, what it gets back, what is stored."""

import json
import socket
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import func, select

from bot.db.database import Database
from bot.db.models import Person
from bot.messages import OutgoingMessage
from bot.runtime import Runtime
from bot.services import outbox
from bot.web.app import create_app
from bot.web.chat_session import COOKIE, address_of
from bot.web.texts import WebTexts

MESSAGES = "/api/chat/messages"
UPDATES = "/api/chat/updates"
JSON = {"content-type": "application/json"}


def _texts(answer: object) -> list[str]:
    assert isinstance(answer, dict)
    return [message["text"] for message in answer["messages"]]


def _variations(runtime: Runtime, response: str) -> set[str]:
    return {v.text for v in runtime.assistant.content.responses.variations(response)}


def _people(db: Database) -> int:
    with db.unit_of_work() as session:
        return session.scalar(select(func.count()).select_from(Person)) or 0


def _accept_privacy(client: TestClient) -> None:
    client.post(MESSAGES, json={"payload": "/greet"})
    client.post(MESSAGES, json={"payload": "/affirm"})


def _person_of(client: TestClient, db: Database) -> Person:
    address = address_of(client.cookies[COOKIE])
    with db.unit_of_work() as session:
        return session.scalars(select(Person).where(Person.address == address)).one()


def _leave_message(db: Database, person: Person, text: str) -> None:
    """What an operator's answer or a waiting-list seat does: a pending row for the person."""
    with db.unit_of_work() as session:
        outbox.enqueue(session, person, "web", person.address or "", OutgoingMessage(text=text))


def test_the_page_is_the_chat_in_italian(client: TestClient, web_texts: WebTexts) -> None:
    page = client.get("/")

    assert page.status_code == 200
    assert '<html lang="it">' in page.text
    assert f"<title>{escape(web_texts['title'])}</title>" in page.text
    assert f'<label class="sr-only" for="message-input">{escape(web_texts["input_label"])}' in (
        page.text
    )
    assert 'role="log" aria-live="polite"' in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


def test_a_first_message_gets_the_privacy_notice_and_a_private_cookie(
    client: TestClient, runtime: Runtime, db: Database
) -> None:
    answer = client.post(MESSAGES, json={"text": "buongiorno"})

    assert answer.status_code == 200
    [notice] = answer.json()["messages"]
    assert notice["text"] in _variations(runtime, "utter_privacy_notice")
    assert [button["payload"] for button in notice["buttons"]] == ["/affirm", "/deny"]
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert answer.headers["cache-control"] == "no-store"
    # The session id itself is stored nowhere: only hashes of it.
    session_id = client.cookies[COOKIE]
    person = _person_of(client, db)
    assert session_id not in {person.pseudonym, person.address}


def test_the_cookie_keeps_the_person_and_another_browser_is_someone_else(
    runtime: Runtime, db: Database
) -> None:
    notice = _variations(runtime, "utter_privacy_notice")
    with (
        TestClient(create_app(runtime)) as mine,
        TestClient(create_app(runtime)) as theirs,
    ):
        _accept_privacy(mine)
        again = mine.post(MESSAGES, json={"payload": "/thank"}).json()
        first_of_theirs = theirs.post(MESSAGES, json={"payload": "/thank"}).json()

        assert not notice & set(_texts(again))
        assert notice & set(_texts(first_of_theirs))
        assert mine.cookies[COOKIE] != theirs.cookies[COOKIE]
    assert _people(db) == 2


def test_a_cookie_we_did_not_make_is_replaced(runtime: Runtime) -> None:
    with TestClient(create_app(runtime)) as client:
        answer = client.post(
            MESSAGES,
            json={"payload": "/thank"},
            headers={"cookie": f"{COOKIE}=<script>alert(1)</script>"},
        )

    assert set(_texts(answer.json())) & _variations(runtime, "utter_privacy_notice")
    assert answer.cookies[COOKIE] != "<script>alert(1)</script>"


def test_a_long_message_of_emoji_is_taken_whole(client: TestClient, db: Database) -> None:
    body = json.dumps({"text": "🙂" * 5000}, ensure_ascii=False).encode()

    answer = client.post(MESSAGES, content=body, headers=JSON)

    assert answer.status_code == 200
    assert answer.json()["messages"]
    assert _people(db) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "status", "text"),
    [
        (b'{"text": "ciao"', "application/json", 400, "error_bad_json"),
        (b"\xff\xfe{}", "application/json", 400, "error_bad_json"),
        (b'["ciao"]', "application/json", 400, "error_bad_json"),
        (b"{}", "application/json", 422, "error_empty"),
        (b'{"testo": "ciao"}', "application/json", 422, "error_empty"),
        (b'{"text": 42}', "application/json", 422, "error_invalid"),
        (b'{"payload": "affirm"}', "application/json", 422, "error_invalid"),
        (b'{"location": {"latitude": 91, "longitude": 7}}', "application/json", 422,
         "error_invalid"),
        (b'{"location": {"latitude": NaN, "longitude": 7}}', "application/json", 422,
         "error_invalid"),
        (b"ciao", "text/plain", 415, "error_unsupported"),
        (b"text=ciao", "application/x-www-form-urlencoded", 415, "error_unsupported"),
        (json.dumps({"text": "a" * 40_000}).encode(), "application/json", 413, "error_too_large"),
    ],
)  # fmt: skip
def test_a_bad_request_gets_kind_italian_words_and_stores_nothing(
    client: TestClient,
    db: Database,
    web_texts: WebTexts,
    body: bytes,
    content_type: str,
    status: int,
    text: str,
) -> None:
    answer = client.post(MESSAGES, content=body, headers={"content-type": content_type})

    assert answer.status_code == status
    assert answer.json()["message"] == web_texts[text]
    assert "set-cookie" not in answer.headers
    assert _people(db) == 0


def test_an_oversized_body_without_a_length_is_cut_off(
    client: TestClient, db: Database, web_texts: WebTexts
) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 1024
        yield b'"}'

    answer = client.post(MESSAGES, content=chunks(), headers=JSON)

    assert answer.status_code == 413
    assert answer.json()["message"] == web_texts["error_too_large"]
    assert _people(db) == 0


def test_a_message_that_arrives_later_is_fetched_once(client: TestClient, db: Database) -> None:
    _accept_privacy(client)
    _leave_message(db, _person_of(client, db), "Sono Giulia, dello sportello: domani ti chiamo.")

    assert _texts(client.get(UPDATES).json()) == ["Sono Giulia, dello sportello: domani ti chiamo."]
    assert _texts(client.get(UPDATES).json()) == []


def test_a_waiting_message_comes_along_with_the_next_replies(
    client: TestClient, db: Database
) -> None:
    _accept_privacy(client)
    _leave_message(db, _person_of(client, db), "Si è liberato un posto.")

    texts = _texts(client.post(MESSAGES, json={"payload": "/thank"}).json())

    assert texts[-1] == "Si è liberato un posto."
    assert len(texts) >= 2
    assert _texts(client.get(UPDATES).json()) == []


def test_nobody_reads_someone_else_s_messages(runtime: Runtime, db: Database) -> None:
    with TestClient(create_app(runtime)) as mine, TestClient(create_app(runtime)) as theirs:
        _accept_privacy(mine)
        _leave_message(db, _person_of(mine, db), "Solo per te.")
        _accept_privacy(theirs)

        assert _texts(theirs.get(UPDATES).json()) == []
        assert _texts(mine.get(UPDATES).json()) == ["Solo per te."]


def test_updates_without_a_session_are_empty_and_make_none(client: TestClient) -> None:
    answer = client.get(UPDATES)

    assert answer.json() == {"messages": []}
    assert "set-cookie" not in answer.headers


def test_a_broken_engine_is_answered_kindly(
    runtime: Runtime, db: Database, web_texts: WebTexts, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_incoming: object) -> list[OutgoingMessage]:
        raise RuntimeError("the engine broke")

    monkeypatch.setattr(runtime.assistant, "handle", broken)
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        answer = client.post(MESSAGES, json={"text": "ciao"})

    assert answer.status_code == 500
    assert answer.json() == {"error": "server_error", "message": web_texts["error_server"]}
    assert "content-security-policy" in answer.headers


def test_wrong_addresses_are_answered_in_italian(client: TestClient, web_texts: WebTexts) -> None:
    api = client.get("/api/chat/nothing")
    page = client.get("/nothing-here", headers={"accept": "text/html,*/*;q=0.8"})
    not_a_browser = client.get("/nothing-here")
    wrong_method = client.get(MESSAGES)

    assert api.status_code == 404
    assert api.json()["message"] == web_texts["error_not_found"]
    assert page.status_code == 404
    assert str(escape(web_texts["error_not_found"])) in page.text
    assert not_a_browser.json()["error"] == "not_found"
    assert wrong_method.status_code == 405
    assert wrong_method.json()["message"] == web_texts["error_invalid"]


def test_health_says_the_app_and_its_database_answer(client: TestClient) -> None:
    answer = client.get("/healthz")

    assert answer.status_code == 200
    assert answer.json() == {"status": "ok"}


def test_health_says_when_the_database_does_not_answer(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    unreachable = Database(f"postgresql+psycopg://nobody@127.0.0.1:{port}/x")
    monkeypatch.setattr(runtime, "database", unreachable)

    answer = client.get("/healthz")

    assert answer.status_code == 503
    assert answer.json() == {"status": "unavailable"}
    unreachable.dispose()
