"""Accounts (administrators), the audit log and the triage corrections (coordinators too)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy import select

from bot.db.models import User
from bot.services import accounts, audit, casework
from bot.web.console.auth import CheckedForm, Principal, SignedIn
from bot.web.console.pages import not_found, render
from bot.web.console.state import ConsoleState, console_state

router = APIRouter()
State = Annotated[ConsoleState, Depends(console_state)]
Field = Annotated[str, Form(max_length=200)]
Queues = Annotated[list[str], Form()]


@router.get("/console/users", response_class=HTMLResponse)
def users_page(request: Request, state: State, principal: SignedIn) -> Response:
    if not principal.account.manages_accounts:
        return not_found(request, state, principal)
    return _users(request, state, principal)


@router.post("/console/users")
def add_user(
    request: Request,
    state: State,
    principal: CheckedForm,
    username: Field = "",
    display_name: Field = "",
    role: Field = "",
    telegram_user_id: Field = "",
    queues: Queues = [],  # noqa: B006 (FastAPI copies the default, it is never shared)
) -> Response:
    if not principal.account.manages_accounts:
        return not_found(request, state, principal)
    password = accounts.generate_password()
    try:
        with state.database.unit_of_work() as session:
            user = accounts.create_user(
                session,
                username=username,
                display_name=display_name,
                role=role,
                password=password,
                queues=queues,
                known_queues=[queue.id for queue in state.setup.routing.queues],
                telegram_user_id=telegram_user_id,
            )
            audit.record(session, principal.account, "user_add", target=user.username, role=role)
    except accounts.AccountError as error:
        return _users(request, state, principal, error=str(error), status_code=400)
    return _users(request, state, principal, handed=(user.username, password))


@router.post("/console/users/{user_id}")
def edit_user(
    request: Request,
    state: State,
    principal: CheckedForm,
    user_id: int,
    role: Field = "",
    telegram_user_id: Field = "",
    active: Field = "",
    queues: Queues = [],  # noqa: B006 (FastAPI copies the default, it is never shared)
) -> Response:
    if not principal.account.manages_accounts:
        return not_found(request, state, principal)
    try:
        with state.database.unit_of_work() as session:
            user = session.get(User, user_id)
            if user is None:
                return not_found(request, state, principal)
            user.role = accounts.check_role(role)
            user.active = bool(active)
            accounts.set_telegram_user(session, user, telegram_user_id)
            accounts.set_queues(session, user, queues, [q.id for q in state.setup.routing.queues])
            if not user.active:
                accounts.end_all_sessions(session, user.id)
            audit.record(
                session, principal.account, "user_edit", target=user.username, role=user.role,
                active=int(user.active),
            )  # fmt: skip
    except accounts.AccountError as error:
        return _users(request, state, principal, error=str(error), status_code=400)
    return _users(request, state, principal, done=user.username)


@router.post("/console/users/{user_id}/password")
def reset_password(
    request: Request, state: State, principal: CheckedForm, user_id: int
) -> Response:
    if not principal.account.manages_accounts:
        return not_found(request, state, principal)
    password = accounts.generate_password()
    with state.database.unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None:
            return not_found(request, state, principal)
        accounts.set_password(session, user, password)
        audit.record(session, principal.account, "password_reset", target=user.username)
    return _users(request, state, principal, handed=(user.username, password))


@router.get("/console/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, state: State, principal: SignedIn, before: int | None = None
) -> Response:
    if not principal.account.sees_every_queue:
        return not_found(request, state, principal)
    with state.database.unit_of_work() as session:
        entries = audit.entries(session, before_id=before)
    return render(request, state, principal, "audit.html", {"entries": entries})


@router.get("/console/corrections.yml")
def corrections(request: Request, state: State, principal: SignedIn) -> Response:
    """The corrected triage as Rasa NLU training data, to review before adding to nlu/."""
    if not principal.account.sees_every_queue:
        return not_found(request, state, principal)
    with state.database.unit_of_work() as session:
        document = casework.export_corrections(session)
        audit.record(session, principal.account, "export_corrections")
    return PlainTextResponse(
        document,
        media_type="application/yaml",
        headers={
            "Content-Disposition": 'attachment; filename="correzioni_nlu.yml"',
            "Cache-Control": "no-store",
        },
    )


def _users(
    request: Request,
    state: ConsoleState,
    principal: Principal,
    *,
    handed: tuple[str, str] | None = None,
    done: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    with state.database.unit_of_work() as session:
        users = session.scalars(select(User).order_by(User.username)).all()
        queues = {user.id: accounts.queues_of(session, user.id) for user in users}
    context = {
        "users": users,
        "user_queues": queues,
        "roles": accounts.ROLES,
        "handed": handed,
        "done": done,
        "error": error,
    }
    return render(request, state, principal, "users.html", context, status_code)
