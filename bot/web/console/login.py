"""Signing in and out of the console, and changing one's own password."""

import logging
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot.services import accounts, audit
from bot.web.console.auth import (
    SESSION_COOKIE,
    CheckedForm,
    SignedIn,
    forget_session,
    keep_session,
    login_token_matches,
    new_login_token,
    safe_next,
    set_login_cookie,
)
from bot.web.console.pages import render
from bot.web.console.state import ConsoleState, console_state

log = logging.getLogger(__name__)

router = APIRouter()
State = Annotated[ConsoleState, Depends(console_state)]
Field = Annotated[str, Form(max_length=200)]


@router.get("/console/login", response_class=HTMLResponse)
def login_page(request: Request, state: State, next: str = "") -> Response:
    return _login_form(request, state, safe_next(next))


@router.post("/console/login")
def login(
    request: Request,
    state: State,
    username: Field = "",
    password: Field = "",
    login_token: Field = "",
    next: Field = "",
) -> Response:
    if not login_token_matches(request, login_token):
        return _login_form(request, state, safe_next(next), "La pagina era scaduta: riprova.", 400)
    with state.database.unit_of_work() as session:
        user = accounts.authenticate(session, username, password)
        signed = accounts.start_session(session, user) if user is not None else None
        if user is not None:
            audit.record(session, accounts.account_of(session, user), "login")
    if signed is None:
        log.info("console: a sign-in was refused")
        return _login_form(
            request, state, safe_next(next), "Nome utente o password non corretti.", 401
        )
    response = RedirectResponse(safe_next(next), status_code=303)
    keep_session(request, response, signed.token)
    return response


@router.post("/console/logout")
def logout(request: Request, state: State, principal: CheckedForm) -> Response:
    with state.database.unit_of_work() as session:
        accounts.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
        audit.record(session, principal.account, "logout")
    response = RedirectResponse("/console/login", status_code=303)
    forget_session(response)
    return response


@router.get("/console/account", response_class=HTMLResponse)
def account_page(request: Request, state: State, principal: SignedIn, done: str = "") -> Response:
    return render(request, state, principal, "account.html", {"done": done})


@router.post("/console/account/password")
def change_password(
    request: Request,
    state: State,
    principal: CheckedForm,
    current: Field = "",
    new: Field = "",
    repeat: Field = "",
) -> Response:
    error = None
    if new != repeat:
        error = "Le due password nuove non sono uguali."
    else:
        try:
            with state.database.unit_of_work() as session:
                user = accounts.authenticate(session, principal.account.username, current)
                if user is None:
                    raise accounts.AccountError("La password attuale non è corretta.")
                accounts.set_password(session, user, new)
                audit.record(session, principal.account, "password")
        except accounts.AccountError as refused:
            error = str(refused)
    if error is not None:
        return render(request, state, principal, "account.html", {"error": error}, 400)
    # The new password signed every browser out, this one too: sign in again with it.
    response = RedirectResponse("/console/login", status_code=303)
    forget_session(response)
    return response


def _login_form(
    request: Request, state: ConsoleState, target: str, error: str = "", status_code: int = 200
) -> Response:
    token = new_login_token()
    context = {"next": target, "error": error, "login_token": token}
    response = render(request, state, None, "login.html", context, status_code)
    set_login_cookie(request, response, token)
    return response
