"""The console's pages: the queues, a queue, a report with its conversation, what is late."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from bot.db.models import Person, Report
from bot.services import audit, casework, handoff
from bot.services.accounts import Account
from bot.services.cases import operator_of
from bot.services.routing import URGENCIES
from bot.web.console.auth import Principal, SignedIn
from bot.web.console.listing import (
    STATUS_FILTERS,
    Filters,
    late_reports,
    queue_counts,
    reports_page,
)
from bot.web.console.state import ConsoleState, console_state

router = APIRouter()
State = Annotated[ConsoleState, Depends(console_state)]


def render(
    request: Request,
    state: ConsoleState,
    principal: Principal | None,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Response:
    base = {
        "me": principal.account if principal else None,
        "csrf": principal.csrf_token if principal else "",
        "queues": state.setup.routing.queues,
    }
    response = state.templates.TemplateResponse(
        request, f"console/{template}", base | context, status_code=status_code
    )
    # Reports are personal: no cache on the way may keep a copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def visible_queues(account: Account) -> frozenset[str] | None:
    """None means every queue (coordinators and administrators)."""
    if account.sees_every_queue:
        return None
    return account.queues if account.handles_reports else frozenset()


@router.get("/console", response_class=HTMLResponse)
def dashboard(request: Request, state: State, principal: SignedIn) -> Response:
    account = principal.account
    now = state.clock()
    queues = visible_queues(account)
    with state.database.unit_of_work() as session:
        counts = queue_counts(session, queues, state.setup.levels, now)
    mine = [q for q in state.setup.routing.queues if queues is None or q.id in queues]
    return render(
        request, state, principal, "dashboard.html", {"my_queues": mine, "counts": counts}
    )


@router.get("/console/queues/{queue_id}", response_class=HTMLResponse)
def queue_page(
    request: Request,
    state: State,
    principal: SignedIn,
    queue_id: str,
    status: str = "open",
    comune: str = "",
    category: str = "",
    since: str = "",
    until: str = "",
    search: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    account = principal.account
    everything = queue_id == "tutte"
    if not everything and not (_known_queue(state, queue_id) and account.can_see_queue(queue_id)):
        return not_found(request, state, principal)
    queues = visible_queues(account) if everything else frozenset({queue_id})
    filters = Filters.read(status, comune, category, since, until, search)
    with state.database.unit_of_work() as session:
        listing = reports_page(session, queues, filters, page, state.setup.levels, state.clock())
    return render(
        request,
        state,
        principal,
        "queue.html",
        {
            "queue_id": queue_id,
            "title": "Tutte le mie code" if everything else state.setup.queue_name(queue_id),
            "listing": listing,
            "statuses": STATUS_FILTERS,
            "categories": casework.CATEGORIES,
        },
    )


@router.get("/console/late", response_class=HTMLResponse)
def late_page(request: Request, state: State, principal: SignedIn) -> Response:
    now = state.clock()
    with state.database.unit_of_work() as session:
        rows = late_reports(session, visible_queues(principal.account), state.setup.levels, now)
    levels = state.setup.levels
    deadlines = {
        row.report.id: levels.deadline(row.report.created_at, row.report.urgency) for row in rows
    }
    targets = {urgency: levels.targets[urgency].describe() for urgency in ("high", "medium", "low")}
    context = {"rows": rows, "deadlines": deadlines, "targets": targets}
    return render(request, state, principal, "late.html", context)


@router.get("/console/reports/{report_id}", response_class=HTMLResponse)
def report_page(
    request: Request,
    state: State,
    principal: SignedIn,
    report_id: int,
    done: str = "",
    reach: str = "",
) -> Response:
    with state.database.unit_of_work() as session:
        try:
            report = casework.visible_report(session, principal.account, report_id)
        except casework.NotVisible:
            return not_found(request, state, principal)
        context = report_context(session, state, report)
    return render(
        request, state, principal, "report.html", context | {"done": done, "reach": reach}
    )


def report_context(session: Session, state: ConsoleState, report: Report) -> dict[str, Any]:
    now = state.clock()
    person = session.get(Person, report.person_id) if report.person_id is not None else None
    levels = state.setup.levels
    return {
        "report": report,
        "person": person,
        "reach_now": handoff.reach_of(person, now).value,
        "talking": person is not None and handoff.active_handoff(session, person.id) is not None,
        "operator": operator_of(session, report.id),
        "lines": casework.conversation(session, report),
        "notes": casework.notes(session, report.id),
        "history": audit.entries(session, report_id=report.id, limit=100),
        "deadline": levels.deadline(report.created_at, report.urgency),
        "late": levels.is_late(report, now),
        "categories": casework.CATEGORIES,
        "urgencies": sorted(URGENCIES, key=("high", "medium", "low").index),
        "outcomes": casework.OUTCOMES,
    }


def not_found(request: Request, state: ConsoleState, principal: Principal | None) -> Response:
    return render(request, state, principal, "not_found.html", {}, status_code=404)


def _known_queue(state: ConsoleState, queue_id: str) -> bool:
    return any(queue.id == queue_id for queue in state.setup.routing.queues)
