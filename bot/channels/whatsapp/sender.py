"""Outbox rows to WhatsApp through the Graph API (plain httpx: the base URL must be ours to set,
for a test double or a proxy, and pywa fixes it to graph.facebook.com).

The 24-hour rule decides what may go: free text only within 24 hours of the person's last
message; outside it only the approved invitation template, and only to people who said yes to
it; otherwise the row is undeliverable. Graph API errors are read by their code: throughput
(130429) and pair rate (131056) wait, an expired token stops the channel without spending the
rows, a message WhatsApp will never take fails.
"""

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import httpx

from bot.channels.labels import load_labels
from bot.channels.whatsapp.rendering import render, render_invitation
from bot.db.types import utcnow
from bot.delivery.claims import ClaimedRow
from bot.delivery.outcomes import (
    ChannelDown,
    Delivered,
    Held,
    Outcome,
    Rejected,
    Throttled,
    Transient,
    Uncertain,
    Undeliverable,
)
from bot.delivery.pacing import ChannelLimits, ChatRate
from bot.delivery.sender import Send
from bot.messages import Channel
from bot.settings import Settings

LABELS_PREFIX = "utter_whatsapp_"
LIST_BUTTON = "list_button"

# A message checked just inside the window must still be inside it when it arrives.
WINDOW = timedelta(hours=24) - timedelta(minutes=5)
# Meta allows bursts to one person, then about one message every 6 seconds.
PAIR_RATE = ChatRate(burst=20, per_second=1 / 6.5)

_THROUGHPUT = {130429, 80007, 4, 131057}
_PAIR_RATE = {131056}
_OUTSIDE_WINDOW = {131047}
_OUR_SIDE = {0, 3, 10, 190, 131005, 131031, 368, 2388103}
_TRY_AGAIN = {1, 2, 131000, 131016, 133004}
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def within_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    return last_inbound_at is not None and now - last_inbound_at < WINDOW


class WhatsAppSender:
    channel = Channel.WHATSAPP.value

    def __init__(self, settings: Settings) -> None:
        base = settings.whatsapp_graph_url.rstrip("/")
        self._url = (
            f"{base}/{settings.whatsapp_graph_version}/{settings.whatsapp_phone_id}/messages"
        )
        self._token = settings.whatsapp_token
        self._template = settings.whatsapp_reengage_template
        self._language = settings.whatsapp_template_language
        self._list_button = load_labels(settings.project_root, LABELS_PREFIX, [LIST_BUTTON])[
            LIST_BUTTON
        ]
        self._client: httpx.AsyncClient | None = None
        self.limits = ChannelLimits(settings.whatsapp_messages_per_second, lambda _to: PAIR_RATE)

    async def open(self) -> None:
        self._client = httpx.AsyncClient(
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=httpx.Timeout(connect=5.0, read=15.0, write=15.0, pool=5.0),
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def render(self, row: ClaimedRow) -> list[Send] | Outcome:
        now = utcnow()
        recipient = row.recipient
        if within_window(recipient.last_inbound_at, now):
            bodies = render(row.message, row.address, row.id, self._list_button)
            if not bodies:
                return Rejected("nothing to send")
            return [partial(self._post, body) for body in bodies]
        if not (recipient.template_opt_in and self._template):
            return Undeliverable("outside the 24-hour window, and no yes to templates")
        if recipient.invited_at is not None and within_window(recipient.invited_at, now):
            return Held("already invited to write back; waiting for the reply")
        invitation = render_invitation(row.address, self._template, self._language)
        return [partial(self._post, invitation, awaiting_reply=True)]

    async def _post(self, body: dict[str, Any], awaiting_reply: bool = False) -> Outcome:
        if self._client is None:
            raise RuntimeError("WhatsAppSender used before open()")
        try:
            response = await self._client.post(self._url, json=body)
        except _NOT_SENT as error:
            return Transient(f"no connection ({error.__class__.__name__})")
        except httpx.HTTPError as error:
            return Uncertain(f"the connection broke during the call ({error.__class__.__name__})")
        answer = _json(response)
        if response.is_success:
            messages = answer.get("messages") or [{}]
            return Delivered(str(messages[0].get("id") or "") or None, awaiting_reply)
        return _error_outcome(response, answer)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _error_outcome(response: httpx.Response, answer: dict[str, Any]) -> Outcome:
    code = _error_code(answer)
    reason = f"Graph API {response.status_code}, code {code}"
    retry_after = _retry_after(response)
    if code in _THROUGHPUT or (code is None and response.status_code == 429):
        return Throttled(retry_after or 1.0, "channel")
    if code in _PAIR_RATE:
        return Throttled(retry_after or 6.0, "chat")
    if code in _OUTSIDE_WINDOW:
        return Undeliverable("outside the 24-hour window")
    if code in _OUR_SIDE or response.status_code == 401:
        return ChannelDown(f"{reason}: check WHATSAPP_TOKEN and the app's permissions")
    if code in _TRY_AGAIN or response.status_code >= 500:
        return Transient(reason)
    return Rejected(reason)


def _error_code(answer: dict[str, Any]) -> int | None:
    error = answer.get("error")
    code = error.get("code") if isinstance(error, dict) else None
    if isinstance(code, int):
        return code
    return int(code) if isinstance(code, str) and code.isdigit() else None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
