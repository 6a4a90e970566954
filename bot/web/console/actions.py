"""The operator's actions on a report, as form posts: each one is one unit of work.

A done action sends the browser back to the report (post, redirect, get), so reloading the page
never repeats it; a refused one shows the report again with the reason.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from bot.services import casework
from bot.services.accounts import Account
from bot.web.console.auth import CheckedForm, Principal
from bot.web.console.pages import not_found, render, report_context
from bot.web.console.state import ConsoleState, console_state

router = APIRouter()
State = Annotated[ConsoleState, Depends(console_state)]
Text = Annotated[str, Form(max_length=casework.MAX_TEXT * 2)]


@router.post("/console/reports/{report_id}/take")
def take(request: Request, state: State, principal: CheckedForm, report_id: int) -> Response:
    def act(session: Session, actor: Account) -> None:
        casework.take_in_charge(session, state.setup, actor, report_id, state.clock())

    return _act(request, state, principal, report_id, "take", act)


@router.post("/console/reports/{report_id}/answer")
def answer(
    request: Request, state: State, principal: CheckedForm, report_id: int, text: Text = ""
) -> Response:
    def act(session: Session, actor: Account) -> str:
        return casework.answer(session, state.setup, actor, report_id, text, state.clock()).value

    return _act(request, state, principal, report_id, "answer", act)


@router.post("/console/reports/{report_id}/note")
def note(
    request: Request, state: State, principal: CheckedForm, report_id: int, text: Text = ""
) -> Response:
    def act(session: Session, actor: Account) -> None:
        casework.add_note(session, actor, report_id, text, state.clock())

    return _act(request, state, principal, report_id, "note", act)


@router.post("/console/reports/{report_id}/reassign")
def reassign(
    request: Request,
    state: State,
    principal: CheckedForm,
    report_id: int,
    queue: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def act(session: Session, actor: Account) -> None:
        casework.reassign(session, state.setup, actor, report_id, queue, state.clock())

    return _act(request, state, principal, report_id, "reassign", act)


@router.post("/console/reports/{report_id}/correct")
def correct(
    request: Request,
    state: State,
    principal: CheckedForm,
    report_id: int,
    category: Annotated[str, Form(max_length=32)] = "",
    urgency: Annotated[str, Form(max_length=8)] = "",
    reroute: Annotated[str, Form(max_length=8)] = "",
) -> Response:
    def act(session: Session, actor: Account) -> None:
        casework.correct_triage(
            session, state.setup, actor, report_id,
            category=category or None, urgency=urgency or None, reroute=bool(reroute),
            now=state.clock(),
        )  # fmt: skip

    return _act(request, state, principal, report_id, "correct", act)


@router.post("/console/reports/{report_id}/close")
def close(
    request: Request,
    state: State,
    principal: CheckedForm,
    report_id: int,
    outcome: Annotated[str, Form(max_length=32)] = "",
    text: Text = "",
) -> Response:
    def act(session: Session, actor: Account) -> None:
        casework.close(session, state.setup, actor, report_id, outcome, text, state.clock())

    return _act(request, state, principal, report_id, "close", act)


def _act(
    request: Request,
    state: ConsoleState,
    principal: Principal,
    report_id: int,
    name: str,
    action: Callable[[Session, Account], object],
) -> Response:
    try:
        with state.database.unit_of_work() as session:
            result = action(session, principal.account)
    except casework.NotVisible:
        return not_found(request, state, principal)
    except casework.CaseworkError as error:
        return _refused(request, state, principal, report_id, str(error))
    target = f"/console/reports/{report_id}?done={name}"
    if isinstance(result, str):
        target += f"&reach={result}"
    return RedirectResponse(target, status_code=303)


def _refused(
    request: Request, state: ConsoleState, principal: Principal, report_id: int, reason: str
) -> Response:
    with state.database.unit_of_work() as session:
        try:
            report = casework.visible_report(session, principal.account, report_id)
        except casework.NotVisible:
            return not_found(request, state, principal)
        context = report_context(session, state, report)
    return render(
        request, state, principal, "report.html", context | {"error": reason}, status_code=409
    )
