"""Who is signed in to the console, and the CSRF tokens of its forms.

A browser that is not signed in gets nothing but the login page (pages) or a 401 (the API).
The session cookie holds a random token (the database keeps only its hash). It is HttpOnly, so
no script reads it, SameSite=Strict, so no other site's page sends it, and limited to /console.
Every form carries the session's CSRF token besides, checked on every POST. The login form,
which has no session yet, uses a double-submit token: a cookie and a field that must match.
"""

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request, Response

from bot.services.accounts import Account, resume_session
from bot.web.console.state import ConsoleState, console_state

SESSION_COOKIE = "scintille_console"
LOGIN_COOKIE = "scintille_console_login"
COOKIE_PATH = "/console"


@dataclass(frozen=True)
class Principal:
    account: Account
    csrf_token: str


def _principal(request: Request, state: ConsoleState) -> Principal | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with state.database.unit_of_work() as session:
        resumed = resume_session(session, token)
    if resumed is None:
        return None
    account, csrf_token = resumed
    return Principal(account, csrf_token)


def signed_in(
    request: Request, state: Annotated[ConsoleState, Depends(console_state)]
) -> Principal:
    """The signed-in operator; otherwise the page goes to the login, and comes back after."""
    principal = _principal(request, state)
    if principal is not None:
        return principal
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    raise HTTPException(
        status_code=303, headers={"Location": f"/console/login?next={quote(target, safe='')}"}
    )


def maybe_signed_in(
    request: Request, state: Annotated[ConsoleState, Depends(console_state)]
) -> Principal | None:
    """For the API, which answers 401 itself rather than sending anyone to a page."""
    return _principal(request, state)


def checked_form(
    principal: Annotated[Principal, Depends(signed_in)],
    csrf: Annotated[str, Form()] = "",
) -> Principal:
    """A signed-in operator whose form carries this session's CSRF token."""
    if not hmac.compare_digest(csrf.encode(), principal.csrf_token.encode()):
        raise HTTPException(status_code=403, detail="invalid form token")
    return principal


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        LOGIN_COOKIE, token, max_age=3600, path=COOKIE_PATH, httponly=True,
        samesite="strict", secure=request.url.scheme == "https",
    )  # fmt: skip


def login_token_matches(request: Request, field: str) -> bool:
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    return bool(cookie) and hmac.compare_digest(cookie.encode(), field.encode())


def keep_session(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, path=COOKIE_PATH, httponly=True, samesite="strict",
        secure=request.url.scheme == "https",
    )  # fmt: skip
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)


def forget_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path=COOKIE_PATH)


def safe_next(target: str | None) -> str:
    """Only back into the console: a login link must not send anyone elsewhere."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


SignedIn = Annotated[Principal, Depends(signed_in)]
MaybeSignedIn = Annotated[Principal | None, Depends(maybe_signed_in)]
CheckedForm = Annotated[Principal, Depends(checked_form)]
