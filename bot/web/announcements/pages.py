"""The pages: the announcements one may see, a new one, one with its preview and delivery report,
and the campaigns. Whoever may not see a page gets the console's "not found", as elsewhere."""

from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.db.models import User
from bot.services import broadcasts, campaigns, indicators
from bot.services.broadcasts import Announcer, BroadcastRefused
from bot.services.subscriptions import TOPICS
from bot.services.wall_clock import instant_at
from bot.web.announcements.state import AnnouncementsState, announcements_state
from bot.web.console.auth import CheckedForm, Principal, SignedIn

router = APIRouter()
State = Annotated[AnnouncementsState, Depends(announcements_state)]
Names = Annotated[list[str], Form()]
ROME = ZoneInfo("Europe/Rome")
# The loneliness indicator on the campaigns page: the last four weekly check-ins.
INDICATOR_PERIOD = timedelta(days=28)
STATUS_NAMES = {
    broadcasts.AWAITING_APPROVAL: "in attesa di approvazione",
    broadcasts.APPROVED: "approvato, da inviare",
    broadcasts.SCHEDULED: "programmato",
    broadcasts.QUEUED: "inviato",
    broadcasts.CANCELLED: "annullato",
}
TOPIC_NAMES = {
    "events": "eventi e incontri",
    "volunteering": "volontariato",
    "ideas": "idee e raccolte fondi",
    "urgent": "avvisi urgenti",
}


def _render(
    request: Request,
    state: AnnouncementsState,
    principal: Principal,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    base = {
        "me": principal.account,
        "csrf": principal.csrf_token,
        "status_names": STATUS_NAMES,
        "topic_names": TOPIC_NAMES,
    }
    response = state.templates.TemplateResponse(
        request, template, base | context, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _not_found(request: Request, state: AnnouncementsState, principal: Principal) -> Response:
    return _render(request, state, principal, "console/not_found.html", {}, status_code=404)


def _announcer(session: Session, principal: Principal) -> Announcer | None:
    user = session.get(User, principal.account.id)
    if user is None:
        return None
    announcer = broadcasts.announcer_of(session, user)
    return announcer if announcer.may_announce else None


def _reach(announcer: Announcer) -> tuple[list[str], list[str]]:
    """The towns and topics the form offers: everything for a coordinator."""
    if announcer.is_coordinator:
        return list(broadcasts.CONSORTIUM_TOWNS), list(TOPICS)
    towns = [town for town in broadcasts.CONSORTIUM_TOWNS if town in announcer.towns]
    return towns, [topic for topic in TOPICS if topic in announcer.topics]


@router.get("/console/annunci", response_class=HTMLResponse)
def broadcasts_page(request: Request, state: State, principal: SignedIn) -> Response:
    return _list(request, state, principal)


def _list(
    request: Request,
    state: AnnouncementsState,
    principal: Principal,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with state.database.unit_of_work() as session:
        announcer = _announcer(session, principal)
        if announcer is None:
            return _not_found(request, state, principal)
        listed = broadcasts.list_broadcasts(session, announcer)
    towns, topics = _reach(announcer)
    context = {
        "announcer": announcer,
        "broadcasts": listed,
        "towns": towns,
        "topics": topics,
        "error": error,
        "approval": state.approval_required and not announcer.is_coordinator,
    }
    return _render(request, state, principal, "announcements/list.html", context, status_code)


@router.post("/console/annunci")
def create(
    request: Request,
    state: State,
    principal: CheckedForm,
    text: Annotated[str, Form(max_length=broadcasts.MAX_TEXT + 100)] = "",
    topics: Names = [],  # noqa: B006 (FastAPI copies the default, it is never shared)
    towns: Names = [],  # noqa: B006
    send_at: Annotated[str, Form(max_length=40)] = "",
    urgent: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    with state.database.unit_of_work() as session:
        announcer = _announcer(session, principal)
        if announcer is None:
            return _not_found(request, state, principal)
        try:
            broadcast = broadcasts.create_broadcast(
                session,
                announcer,
                text=text,
                topics=topics,
                towns=towns,
                send_at=_local_time(send_at),
                urgent=bool(urgent),
                approval_required=state.approval_required,
                now=state.clock(),
            )
        except BroadcastRefused as error:
            session.rollback()
            return _list(request, state, principal, str(error), status_code=400)
        broadcast_id = broadcast.id
    return RedirectResponse(f"/console/annunci/{broadcast_id}", status_code=303)


def _local_time(raw: str) -> datetime | None:
    """The form's datetime-local field, a wall-clock time in Rome."""
    if not raw.strip():
        return None
    try:
        local = datetime.fromisoformat(raw.strip())
    except ValueError as error:
        raise BroadcastRefused("L'orario di invio non è una data valida.") from error
    return instant_at(local.date(), local.time(), ROME)


@router.get("/console/annunci/{broadcast_id}", response_class=HTMLResponse)
def broadcast_page(
    request: Request, state: State, principal: SignedIn, broadcast_id: int
) -> Response:
    return _detail(request, state, principal, broadcast_id)


def _detail(
    request: Request,
    state: AnnouncementsState,
    principal: Principal,
    broadcast_id: int,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    with state.database.unit_of_work() as session:
        announcer = _announcer(session, principal)
        if announcer is None:
            return _not_found(request, state, principal)
        try:
            broadcast = broadcasts.get_broadcast(session, broadcast_id, announcer)
        except BroadcastRefused:
            return _not_found(request, state, principal)
        shown = broadcasts.preview(session, broadcast, state.texts, state.quiet, state.clock())
        report = (
            broadcasts.delivery_report(session, broadcast.id)
            if broadcast.status == broadcasts.QUEUED
            else None
        )
    context = {
        "announcer": announcer,
        "broadcast": broadcast,
        "preview": shown,
        "report": report,
        "error": error,
    }
    return _render(request, state, principal, "announcements/broadcast.html", context, status_code)


@router.post("/console/annunci/{broadcast_id}/{action}")
def act(
    request: Request, state: State, principal: CheckedForm, broadcast_id: int, action: str
) -> Response:
    with state.database.unit_of_work() as session:
        announcer = _announcer(session, principal)
        if announcer is None or action not in ("approva", "invia", "annulla"):
            return _not_found(request, state, principal)
        try:
            broadcast = broadcasts.get_broadcast(session, broadcast_id, announcer)
            now = state.clock()
            if action == "approva":
                broadcasts.approve_broadcast(session, broadcast, announcer, now)
            elif action == "invia":
                broadcasts.send_broadcast(
                    session, broadcast.id, announcer, state.texts, state.quiet, now
                )
            else:
                broadcasts.reject_broadcast(session, broadcast, announcer)
        except BroadcastRefused as error:
            session.rollback()
            return _detail(request, state, principal, broadcast_id, str(error), status_code=400)
    return RedirectResponse(f"/console/annunci/{broadcast_id}", status_code=303)


@router.get("/console/campagne", response_class=HTMLResponse)
def campaigns_page(request: Request, state: State, principal: SignedIn) -> Response:
    if principal.account.role != broadcasts.COORDINATOR:
        return _not_found(request, state, principal)
    now = state.clock()
    with state.database.unit_of_work() as session:
        summaries = campaigns.campaign_summaries(session)
        loneliness = indicators.loneliness(session, now - INDICATOR_PERIOD, now)
    context = {"campaigns": summaries, "loneliness": loneliness, "period": INDICATOR_PERIOD.days}
    return _render(request, state, principal, "announcements/campaigns.html", context)


@router.post("/console/campagne/{kind}/{action}")
def campaign_action(
    request: Request, state: State, principal: CheckedForm, kind: str, action: str
) -> Response:
    allowed = principal.account.role == broadcasts.COORDINATOR
    if not allowed or kind not in campaigns.CAMPAIGNS or action not in ("pausa", "riprendi"):
        return _not_found(request, state, principal)
    with state.database.unit_of_work() as session:
        if action == "pausa":
            campaigns.pause_campaign(session, kind, principal.account.username, state.clock())
        else:
            campaigns.resume_campaign(session, kind)
    return RedirectResponse("/console/campagne", status_code=303)
