"""Outbox rows delivered to the Graph API stand-in, within WhatsApp's limits and its window."""

from datetime import timedelta

import httpx
from fastapi import FastAPI

from bot.channels.whatsapp.sender import WhatsAppSender
from bot.channels.whatsapp.webhook import whatsapp_webhook_router
from bot.db.database import Database
from bot.db.types import utcnow
from bot.messages import Location
from bot.settings import Settings
from tests.channels.fake_assistant import RecordingAssistant
from tests.channels.outbox_rows import add_person, queue, rows, running, settled, until
from tests.standins.graph_api import GraphApi, WhatsAppPerson, signature

WA_ID = "393331112222"


def yes_no() -> tuple[tuple[str, str], ...]:
    return (("Sì", "/affirm"), ("No", "/deny"))


async def test_inside_the_window_texts_buttons_lists_and_places_go_as_whatsapp_shows_them(
    db: Database, graph_api: GraphApi, whatsapp_settings: Settings
) -> None:
    person = add_person(db, "whatsapp", WA_ID)
    towns = ("Beinasco", "Bruino", "Orbassano", "Piossasco", "Rivalta di Torino", "Volvera")
    queue(db, "whatsapp", WA_ID, "Ciao!", person_id=person)
    queue(db, "whatsapp", WA_ID, "Va bene?", buttons=yes_no(), person_id=person)
    queue(
        db,
        "whatsapp",
        WA_ID,
        "In quale comune?",
        buttons=tuple((town, f'/inform{{"comune": "{town}"}}') for town in towns),
        person_id=person,
    )
    queue(
        db,
        "whatsapp",
        WA_ID,
        "Quale?",
        buttons=(("Laboratorio di teatro dell'oppresso", "/choose"), ("Cena", "/deny")),
        person_id=person,
    )
    queue(db, "whatsapp", WA_ID, "Dove si trova?", request_location=True, person_id=person)
    queue(db, "whatsapp", WA_ID, "Eccolo", location=Location(45.0, 7.5), person_id=person)
    async with running(db, WhatsAppSender(whatsapp_settings)):
        assert set((await settled(db)).values()) == {"sent"}
    assert graph_api.refused == []
    text, buttons, towns_list, long_titles, ask_position, words, place = graph_api.sent_to(WA_ID)
    assert (text.type, text.text) == ("text", "Ciao!")
    assert buttons.interactive_type == "button"
    assert buttons.choices() == [{"id": "/affirm", "title": "Sì"}, {"id": "/deny", "title": "No"}]
    assert towns_list.interactive_type == "list"
    assert [c["title"] for c in towns_list.choices()] == list(towns)
    assert long_titles.interactive_type == "list"
    assert all(len(c["title"]) <= 24 for c in long_titles.choices())
    assert ask_position.interactive_type == "location_request_message"
    assert (words.text, place.type) == ("Eccolo", "location")


async def test_a_long_text_is_split_and_twelve_choices_become_a_list_of_ten(
    db: Database, graph_api: GraphApi, whatsapp_settings: Settings
) -> None:
    person = add_person(db, "whatsapp", WA_ID)
    text = "Una storia lunga, raccontata con calma e con tutti i particolari. " * 120
    choices = tuple((f"Scelta {n}", f'/choose{{"n": {n}}}') for n in range(12))
    queue(db, "whatsapp", WA_ID, text, buttons=choices, person_id=person)
    async with running(db, WhatsAppSender(whatsapp_settings)):
        assert set((await settled(db)).values()) == {"sent"}
    assert graph_api.refused == []
    received = graph_api.sent_to(WA_ID)
    assert len(received) >= 3
    assert [m.type for m in received[:-1]] == ["text"] * (len(received) - 1)
    assert " ".join(m.text for m in received).split() == text.split()
    assert len(received[-1].choices()) == 10


async def test_outside_the_window_one_invitation_goes_and_the_messages_wait_for_the_reply(
    db: Database, graph_api: GraphApi, whatsapp_settings: Settings
) -> None:
    person = add_person(
        db, "whatsapp", WA_ID, last_inbound_at=utcnow() - timedelta(days=3), template_opt_in=True
    )
    first = queue(db, "whatsapp", WA_ID, "L'operatrice ti ha risposto: ...", person_id=person)
    second = queue(db, "whatsapp", WA_ID, "Sabato c'è la festa", priority=10, person_id=person)
    app = FastAPI()
    app.include_router(whatsapp_webhook_router(whatsapp_settings, RecordingAssistant(db), db))  # type: ignore[arg-type]
    async with running(db, WhatsAppSender(whatsapp_settings)):
        await until(lambda: {rows(db)[first].status, rows(db)[second].status} == {"awaiting_reply"})
        (invitation,) = graph_api.sent_to(WA_ID)
        assert invitation.type == "template"
        assert invitation.body["template"]["name"] == whatsapp_settings.whatsapp_reengage_template

        body = WhatsAppPerson(WA_ID).says("eccomi")
        raw = httpx.Request("POST", "/", json=body).content
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            response = await client.post(
                "/whatsapp/webhook",
                content=raw,
                headers={"Content-Type": "application/json", "X-Hub-Signature-256": signature(raw)},
            )
        assert response.status_code == 200
        await settled(db)
    assert [m.type for m in graph_api.sent_to(WA_ID)] == ["template", "text", "text", "text"]
    texts = [m.text for m in graph_api.sent_to(WA_ID)[1:]]
    # The reply to "eccomi" is newer, but the answer that waited comes first.
    assert texts == ["L'operatrice ti ha risposto: ...", "Ricevuto, grazie.", "Sabato c'è la festa"]


async def test_outside_the_window_without_a_yes_to_templates_nothing_goes(
    db: Database, graph_api: GraphApi, whatsapp_settings: Settings
) -> None:
    person = add_person(db, "whatsapp", WA_ID, last_inbound_at=utcnow() - timedelta(hours=25))
    row = queue(db, "whatsapp", WA_ID, "Un avviso", priority=10, person_id=person)
    async with running(db, WhatsAppSender(whatsapp_settings)):
        await settled(db)
    assert rows(db)[row].status == "undeliverable"
    assert graph_api.accepted == []


async def test_throughput_refusals_are_waited_out_and_nothing_is_lost_or_doubled(
    db: Database, whatsapp_settings: Settings
) -> None:
    with GraphApi(messages_per_second=10) as slow:
        settings = whatsapp_settings.model_copy(update={"whatsapp_graph_url": slow.base_url})
        for n in range(30):
            address = f"3934500{n:05d}"
            person = add_person(db, "whatsapp", address)
            queue(db, "whatsapp", address, f"avviso {n}", priority=10, person_id=person)
        async with running(db, WhatsAppSender(settings)):
            assert set((await settled(db, timeout=30)).values()) == {"sent"}
        assert slow.rate_refusals >= 1
        assert sorted(m.to for m in slow.accepted) == sorted(f"3934500{n:05d}" for n in range(30))


async def test_a_number_whatsapp_cannot_reach_fails_without_retries(
    db: Database, graph_api: GraphApi, whatsapp_settings: Settings
) -> None:
    person = add_person(db, "whatsapp", WA_ID)
    graph_api.make_undeliverable(WA_ID)
    row = queue(db, "whatsapp", WA_ID, "ciao", person_id=person)
    async with running(db, WhatsAppSender(whatsapp_settings)):
        await settled(db)
    assert rows(db)[row].status == "failed"
    assert rows(db)[row].attempts == 0


async def test_a_refused_token_stops_the_channel_without_spending_the_messages(
    db: Database, graph_api: GraphApi, whatsapp_settings: Settings
) -> None:
    settings = whatsapp_settings.model_copy(update={"whatsapp_token": "expired"})
    person = add_person(db, "whatsapp", WA_ID)
    row = queue(db, "whatsapp", WA_ID, "ciao", person_id=person)
    async with running(db, WhatsAppSender(settings)):
        await until(lambda: rows(db)[row].error is not None)
    assert rows(db)[row].status == "pending"
    assert graph_api.accepted == []
