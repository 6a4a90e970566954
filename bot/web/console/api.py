"""The console's JSON: the same queues and reports, under the same access rules as the pages."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from bot.db.models import Report
from bot.services import casework
from bot.services.cases import operator_of
from bot.web.console.auth import MaybeSignedIn
from bot.web.console.listing import Filters, reports_page
from bot.web.console.pages import visible_queues
from bot.web.console.state import ConsoleState, console_state

router = APIRouter()
State = Annotated[ConsoleState, Depends(console_state)]
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/console/api/queues/{queue_id}/reports")
def queue_reports(
    state: State,
    principal: MaybeSignedIn,
    queue_id: str,
    status: str = "open",
    comune: str = "",
    category: str = "",
    since: str = "",
    until: str = "",
    search: str = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> JSONResponse:
    if principal is None:
        return _refuse(401, "login_required")
    account = principal.account
    if queue_id == "tutte":
        queues = visible_queues(account)
    elif account.can_see_queue(queue_id):
        queues = frozenset({queue_id})
    else:
        return _refuse(404, "not_found")
    filters = Filters.read(status, comune, category, since, until, search)
    with state.database.unit_of_work() as session:
        listing = reports_page(session, queues, filters, page, state.setup.levels, state.clock())
    return JSONResponse(
        {
            "total": listing.total,
            "page": listing.number,
            "pages": listing.pages,
            "reports": [
                _summary(row.report) | {"operator": row.operator, "late": row.late}
                for row in listing.rows
            ],
        },
        headers=NO_STORE,
    )


@router.get("/console/api/reports/{report_id}")
def report(state: State, principal: MaybeSignedIn, report_id: int) -> JSONResponse:
    if principal is None:
        return _refuse(401, "login_required")
    with state.database.unit_of_work() as session:
        try:
            found = casework.visible_report(session, principal.account, report_id)
        except casework.NotVisible:
            return _refuse(404, "not_found")
        operator = operator_of(session, found.id)
        lines = casework.conversation(session, found)
        body = _summary(found) | {
            "text": found.text,
            "operator": operator.display_name if operator else None,
            "outcome": found.outcome,
            "conversation": [
                {
                    "at": line.at.isoformat(),
                    "direction": line.direction,
                    "text": line.text,
                    "author": line.author,
                }
                for line in lines
            ],
        }
    return JSONResponse(body, headers=NO_STORE)


def _summary(report: Report) -> dict[str, Any]:
    return {
        "id": report.id,
        "reference": report.reference,
        "queue": report.queue,
        "status": report.status,
        "urgency": report.urgency,
        "category": report.category,
        "comune": report.comune,
        "created_at": report.created_at.isoformat(),
    }


def _refuse(status_code: int, code: str) -> JSONResponse:
    return JSONResponse({"error": code}, status_code=status_code, headers=NO_STORE)
