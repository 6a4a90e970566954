"""A WhatsApp Cloud API (Graph API) server on 127.0.0.1 that speaks the real JSON shapes.

It accepts `POST /{version}/{phone_number_id}/messages` with a bearer token, checks the limits
Meta checks (3 reply buttons of 20 characters, lists of 10 rows, 4096-character texts), enforces
the 80 messages/s throughput and the per-person pair rate with Meta's error codes (130429,
131056), and records what it accepted. `WhatsAppPerson` builds the signed webhook calls Meta would
make to our server when a person writes.
"""

import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.standins.flood_control import SlidingWindow, TokenBucket
from tests.standins.loopback import LoopbackServer

ACCESS_TOKEN = "EAAG-stand-in-access-token"
PHONE_NUMBER_ID = "106540352242922"
WABA_ID = "102290129340398"
APP_SECRET = "stand-in-app-secret"
VERSION = "v21.0"


@dataclass
class Accepted:
    to: str
    message_id: str
    body: dict[str, Any]
    at: float

    @property
    def type(self) -> str:
        return str(self.body.get("type"))

    @property
    def text(self) -> str:
        if self.type == "text":
            return str(self.body["text"]["body"])
        if self.type == "interactive":
            return str(self.body["interactive"]["body"]["text"])
        return ""

    @property
    def interactive_type(self) -> str | None:
        if self.type != "interactive":
            return None
        return str(self.body["interactive"]["type"])

    def choices(self) -> list[dict[str, str]]:
        """The buttons or list rows offered, each with its id and title."""
        if self.type != "interactive":
            return []
        action = self.body["interactive"].get("action", {})
        if "buttons" in action:
            return [dict(button["reply"]) for button in action["buttons"]]
        return [
            {"id": row["id"], "title": row["title"]}
            for section in action.get("sections", [])
            for row in section["rows"]
        ]


@dataclass
class _State:
    accepted: list[Accepted] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)
    undeliverable: set[str] = field(default_factory=set)
    failures: list[int] = field(default_factory=list)


class GraphApi:
    def __init__(
        self,
        token: str = ACCESS_TOKEN,
        phone_number_id: str = PHONE_NUMBER_ID,
        messages_per_second: int = 80,
        pair_burst: int = 45,
        pair_per_second: float = 1 / 6,
    ) -> None:
        self.token = token
        self.phone_number_id = phone_number_id
        self._state = _State()
        self._lock = threading.RLock()
        self._throughput = SlidingWindow(messages_per_second, 1.0)
        self._pairs: dict[str, TokenBucket] = {}
        self._pair_burst = pair_burst
        self._pair_rate = pair_per_second
        self._ids = itertools.count(1)
        app = Starlette(
            routes=[Route("/{version}/{phone_id}/messages", self._messages, methods=["POST"])]
        )
        self._server = LoopbackServer(app)

    def start(self) -> "GraphApi":
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "GraphApi":
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return self._server.base_url

    @property
    def accepted(self) -> list[Accepted]:
        with self._lock:
            return list(self._state.accepted)

    @property
    def refused(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._state.refused)

    def sent_to(self, wa_id: str) -> list[Accepted]:
        return [message for message in self.accepted if message.to == wa_id]

    def wait_for(self, wa_id: str, count: int = 1, timeout: float = 15.0) -> list[Accepted]:
        deadline = time.monotonic() + timeout
        while True:
            received = self.sent_to(wa_id)
            if len(received) >= count:
                return received
            if time.monotonic() > deadline:
                raise AssertionError(f"{wa_id} received {len(received)} messages, expected {count}")
            time.sleep(0.02)

    def wait_until_quiet(
        self, wa_id: str, quiet: float = 1.5, timeout: float = 20.0
    ) -> list[Accepted]:
        deadline = time.monotonic() + timeout
        seen, settled_at = -1, time.monotonic()
        while time.monotonic() < deadline:
            count = len(self.sent_to(wa_id))
            if count != seen:
                seen, settled_at = count, time.monotonic()
            elif count and time.monotonic() - settled_at >= quiet:
                break
            time.sleep(0.05)
        return self.sent_to(wa_id)

    def make_undeliverable(self, wa_id: str) -> None:
        with self._lock:
            self._state.undeliverable.add(wa_id)

    def fail_next(self, *statuses: int) -> None:
        with self._lock:
            self._state.failures.extend(statuses)

    async def _messages(self, request: Request) -> JSONResponse:
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return _graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if request.path_params["phone_id"] != self.phone_number_id:
            return _graph_error(400, 100, "Unsupported post request. Object does not exist")
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _graph_error(400, 100, "Invalid parameter: the body is not JSON")
        problem = _validate(body)
        if problem:
            with self._lock:
                self._state.refused.append({"body": body, "problem": problem})
            return _graph_error(400, 131009, f"Parameter value is not valid: {problem}")
        to = str(body["to"])
        with self._lock:
            if self._state.failures:
                status = self._state.failures.pop(0)
                return _graph_error(status, 131000, "Something went wrong")
            if to in self._state.undeliverable:
                return _graph_error(400, 131026, "Message undeliverable")
            pair = self._pairs.setdefault(to, TokenBucket(self._pair_burst, self._pair_rate))
        if pair.admit():
            self._refuse_for_rate(body, "pair")
            return _graph_error(
                400, 131056, "(Business Account, Consumer Account) pair rate limit hit"
            )
        if self._throughput.admit():
            pair.refund()
            self._refuse_for_rate(body, "throughput")
            return _graph_error(400, 130429, "Rate limit hit")
        message_id = f"wamid.HBgM{next(self._ids):010d}"
        with self._lock:
            self._state.accepted.append(Accepted(to, message_id, body, time.monotonic()))
        answer: dict[str, Any] = {"id": message_id}
        if body["type"] == "template":
            answer["message_status"] = "accepted"
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": to, "wa_id": to}],
                "messages": [answer],
            }
        )

    def _refuse_for_rate(self, body: dict[str, Any], limit: str) -> None:
        with self._lock:
            self._state.refused.append({"body": body, "problem": f"rate:{limit}"})

    @property
    def rate_refusals(self) -> int:
        return sum(1 for refusal in self.refused if refusal["problem"].startswith("rate:"))


class WhatsAppPerson:
    """Someone writing on WhatsApp: each action is the webhook call Meta would make."""

    def __init__(self, wa_id: str, name: str = "Giuseppe", phone_number_id: str = PHONE_NUMBER_ID):
        self.wa_id = wa_id
        self.name = name
        self.phone_number_id = phone_number_id
        self._ids = itertools.count(1)

    def envelope(self, messages: list[dict[str, Any]]) -> dict[str, Any]:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "15550001111",
                "phone_number_id": self.phone_number_id,
            },
            "contacts": [{"profile": {"name": self.name}, "wa_id": self.wa_id}],
            "messages": messages,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
        }

    def _message(self, kind: str, **content: Any) -> dict[str, Any]:
        return {
            "from": self.wa_id,
            "id": f"wamid.IN{self.wa_id}{next(self._ids):06d}{int(time.time() * 1000)}",
            "timestamp": str(int(time.time())),
            "type": kind,
            **content,
        }

    def says(self, text: str) -> dict[str, Any]:
        return self.envelope([self._message("text", text={"body": text})])

    def taps_button(self, choice_id: str, title: str) -> dict[str, Any]:
        reply = {"type": "button_reply", "button_reply": {"id": choice_id, "title": title}}
        return self.envelope([self._message("interactive", interactive=reply)])

    def picks_from_list(self, choice_id: str, title: str) -> dict[str, Any]:
        reply = {"type": "list_reply", "list_reply": {"id": choice_id, "title": title}}
        return self.envelope([self._message("interactive", interactive=reply)])

    def chooses(self, offered: Accepted, title: str) -> dict[str, Any]:
        choice = next((c for c in offered.choices() if c["title"] == title), None)
        if choice is None:
            raise AssertionError(f"no choice {title!r} in {offered.choices()}")
        if offered.interactive_type == "button":
            return self.taps_button(choice["id"], title)
        return self.picks_from_list(choice["id"], title)

    def shares_location(
        self, latitude: float, longitude: float, name: str | None = None, address: str | None = None
    ) -> dict[str, Any]:
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if name:
            location["name"] = name
        if address:
            location["address"] = address
        return self.envelope([self._message("location", location=location)])

    def sends_photo(self, media_id: str = "1479537139650973", caption: str = "") -> dict[str, Any]:
        image: dict[str, Any] = {"id": media_id, "mime_type": "image/jpeg", "sha256": "abc"}
        if caption:
            image["caption"] = caption
        return self.envelope([self._message("image", image=image)])

    def sends_voice(self) -> dict[str, Any]:
        audio = {"id": "2389812383", "mime_type": "audio/ogg; codecs=opus", "voice": True}
        return self.envelope([self._message("audio", audio=audio)])

    def sends_sticker(self) -> dict[str, Any]:
        sticker = {"id": "7712399", "mime_type": "image/webp", "animated": False}
        return self.envelope([self._message("sticker", sticker=sticker)])

    def sends_unsupported(self) -> dict[str, Any]:
        errors = [{"code": 131051, "title": "Message type unknown"}]
        return self.envelope([self._message("unsupported", errors=errors)])

    def status(self, message_id: str, status: str = "delivered") -> dict[str, Any]:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": "15550001111",
                "phone_number_id": self.phone_number_id,
            },
            "statuses": [
                {
                    "id": message_id,
                    "status": status,
                    "timestamp": str(int(time.time())),
                    "recipient_id": self.wa_id,
                }
            ],
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": WABA_ID, "changes": [{"value": value, "field": "messages"}]}],
        }


def signature(body: bytes, app_secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def post_webhook(
    url: str,
    payload: dict[str, Any] | bytes,
    app_secret: str | None = APP_SECRET,
    signature_header: str | None = None,
) -> httpx.Response:
    """POST a webhook as Meta does: the raw body signed with the app secret."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if signature_header is not None:
        headers["X-Hub-Signature-256"] = signature_header
    elif app_secret is not None:
        headers["X-Hub-Signature-256"] = signature(body, app_secret)
    return httpx.post(url, content=body, headers=headers, timeout=30)


def _graph_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse(
        {
            "error": {
                "message": f"(#{code}) {message}",
                "type": "OAuthException",
                "code": code,
                "fbtrace_id": "AbCdEfGhIjK",
            }
        },
        status_code=status,
    )


def _validate(body: Any) -> str | None:
    """What Meta would refuse in a message body, in a few words; None when it is fine."""
    if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
        return "messaging_product must be whatsapp"
    if not body.get("to"):
        return "to is required"
    kind = body.get("type", "text")
    if kind == "text":
        text = body.get("text", {}).get("body", "")
        if not text or len(text) > 4096:
            return "text.body must be 1 to 4096 characters"
        return None
    if kind == "location":
        location = body.get("location", {})
        if not all(isinstance(location.get(k), int | float) for k in ("latitude", "longitude")):
            return "location needs latitude and longitude"
        return None
    if kind == "template":
        template = body.get("template", {})
        if not template.get("name") or not template.get("language", {}).get("code"):
            return "template needs a name and a language code"
        for component in template.get("components", []):
            for parameter in component.get("parameters", []):
                text = parameter.get("text", "")
                if "\n" in text or "\t" in text or "     " in text:
                    return "template parameters cannot have new lines, tabs or 5 spaces"
        return None
    if kind == "interactive":
        return _validate_interactive(body.get("interactive", {}))
    return f"unsupported type {kind}"


def _validate_interactive(interactive: dict[str, Any]) -> str | None:
    kind = interactive.get("type")
    text = interactive.get("body", {}).get("text", "")
    action = interactive.get("action", {})
    if kind == "button":
        if not text or len(text) > 1024:
            return "button body must be 1 to 1024 characters"
        buttons = action.get("buttons", [])
        if not 1 <= len(buttons) <= 3:
            return "1 to 3 buttons"
        titles = [button.get("reply", {}).get("title", "") for button in buttons]
        ids = [button.get("reply", {}).get("id", "") for button in buttons]
        if any(not 1 <= len(title) <= 20 for title in titles):
            return "button titles must be 1 to 20 characters"
        if any(not 1 <= len(i) <= 256 for i in ids) or len(set(ids)) != len(ids):
            return "button ids must be unique, 1 to 256 characters"
        if len(set(titles)) != len(titles):
            return "button titles must be unique"
        return None
    if kind == "list":
        if not text or len(text) > 4096:
            return "list body must be 1 to 4096 characters"
        if not 1 <= len(action.get("button", "")) <= 20:
            return "list button must be 1 to 20 characters"
        rows = [row for section in action.get("sections", []) for row in section.get("rows", [])]
        if not 1 <= len(rows) <= 10:
            return "lists hold 1 to 10 rows"
        for row in rows:
            if not 1 <= len(row.get("title", "")) <= 24:
                return "row titles must be 1 to 24 characters"
            if len(row.get("description", "")) > 72:
                return "row descriptions are at most 72 characters"
            if not 1 <= len(row.get("id", "")) <= 200:
                return "row ids must be 1 to 200 characters"
        return None
    if kind == "location_request_message":
        if not text or len(text) > 1024:
            return "location request body must be 1 to 1024 characters"
        if action.get("name") != "send_location":
            return "location request action must be send_location"
        return None
    return f"unsupported interactive type {kind}"
