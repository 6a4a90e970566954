"""The console on a real database: its router in an app of its own, driven over HTTP."""

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.db.database import Database
from bot.services.operator_setup import OperatorSetup
from bot.web.console import router
from bot.web.console.state import ConsoleState
from tests.operators.conftest import domain_texts, setup  # noqa: F401 (fixtures)
from tests.operators.factories import PASSWORD, TUESDAY_10

# The console's clock: Wednesday 2 December 2026, 10:00 in Rome.
NOW = TUESDAY_10 + timedelta(days=1)

_FIELD = re.compile(r'name="(?P<name>csrf|login_token)" value="(?P<value>[^"]+)"')


@pytest.fixture
def console_app(db: Database, setup: OperatorSetup) -> FastAPI:  # noqa: F811
    app = FastAPI()
    app.state.console = ConsoleState.build(db, setup, timers=False, clock=lambda: NOW)
    app.include_router(router)
    return app


@pytest.fixture
def client(console_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(console_app, follow_redirects=False) as client:
        yield client


def form_token(html: str, name: str = "csrf") -> str:
    for match in _FIELD.finditer(html):
        if match["name"] == name:
            return match["value"]
    raise AssertionError(f"no {name} field in the page")


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in as a browser does; returns the CSRF token of the forms."""
    page = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={
            "username": username,
            "password": password,
            "login_token": form_token(page.text, "login_token"),
        },
    )
    assert response.status_code == 303, response.text
    return form_token(client.get("/console").text)
