"""Who is writing on the web chat: a random id in a cookie, nothing else.

The id plays the role of a Telegram user id: the engine keeps only its keyed hash. It lives in
an HttpOnly cookie, so no script on the page can read it, and SameSite, so no other site can
post in the person's name. The address replies go to is a hash of it too, so that whoever reads
the database cannot take over a person's chat.
"""

import hashlib
import re
import secrets

from fastapi import Request, Response

COOKIE = "scintille_chat"
# Long enough that an answer from an operator, days later, still finds the person.
MAX_AGE_SECONDS = 30 * 24 * 3600
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def session_id(request: Request) -> str | None:
    value = request.cookies.get(COOKIE)
    return value if value is not None and _SHAPE.fullmatch(value) else None


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def address_of(session: str) -> str:
    return hashlib.sha256(session.encode("ascii")).hexdigest()


def keep_session(request: Request, response: Response, value: str) -> None:
    """(Re)set the cookie, so it lasts a month from the last message."""
    response.set_cookie(
        COOKIE,
        value,
        max_age=MAX_AGE_SECONDS,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
