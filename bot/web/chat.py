"""The citizens' web chat: the page, a message in with its replies out, and later messages."""

import logging
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from bot.messages import IncomingMessage, OutgoingMessage
from bot.runtime import Runtime
from bot.services import outbox
from bot.web.chat_input import parse_chat_message, preferred_language, read_json_body, to_incoming
from bot.web.chat_session import address_of, keep_session, new_session_id, session_id
from bot.web.state import WebState, web_state

log = logging.getLogger(__name__)

router = APIRouter()
State = Annotated[WebState, Depends(web_state)]

# The page asks for later messages this often (an operator's answer, a waiting-list seat).
POLL_SECONDS = 4


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request, web: State) -> Response:
    page_texts = dict(web.texts.texts)
    return web.templates.TemplateResponse(
        request,
        "chat.html",
        {"texts": page_texts, "script_config": {"texts": page_texts, "poll_seconds": POLL_SECONDS}},
    )


@router.post("/api/chat/messages")
async def post_message(request: Request, web: State) -> JSONResponse:
    message = parse_chat_message(await read_json_body(request))
    person = session_id(request) or new_session_id()
    incoming = to_incoming(
        message,
        session_id=person,
        address=address_of(person),
        message_id=uuid.uuid4().hex,
        language_code=preferred_language(request.headers.get("accept-language", "")),
    )
    # The turn does blocking NLU and database work: off the event loop, like any sync route.
    replies = await run_in_threadpool(run_turn, web.runtime, incoming)
    log.info("web turn: %d replies", len(replies))
    response = JSONResponse({"messages": [as_json(reply) for reply in replies]})
    keep_session(request, response, person)
    return response


@router.get("/api/chat/updates")
async def get_updates(request: Request, web: State) -> JSONResponse:
    person = session_id(request)
    if person is None:
        return JSONResponse({"messages": []})
    replies = await run_in_threadpool(take_replies, web.runtime, address_of(person))
    return JSONResponse({"messages": [as_json(reply) for reply in replies]})


def run_turn(runtime: Runtime, incoming: IncomingMessage) -> list[OutgoingMessage]:
    # The engine records the replies as delivered, since they are shown now; whatever else
    # waits in the outbox for this person (an operator's answer) comes along with them.
    replies = runtime.assistant.handle(incoming)
    return replies + take_replies(runtime, incoming.address)


def take_replies(runtime: Runtime, address: str) -> list[OutgoingMessage]:
    with runtime.database.unit_of_work() as session:
        return outbox.take_for_web(session, address)


def as_json(message: OutgoingMessage) -> dict[str, Any]:
    location = None
    if message.location is not None:
        location = {
            "latitude": message.location.latitude,
            "longitude": message.location.longitude,
            "address": message.location.address,
        }
    return {
        "text": message.text,
        "buttons": [{"title": b.title, "payload": b.payload} for b in message.buttons],
        "request_location": message.request_location,
        "location": location,
    }
