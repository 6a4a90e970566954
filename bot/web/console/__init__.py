"""The operators' console at /console: queues, reports, answers, accounts, audit."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse

from bot.web.console import actions, admin, api, login, pages
from bot.web.console.state import ConsoleState
from bot.web.console.timers import operator_timer

STATIC = Path(__file__).resolve().parent / "static"


@asynccontextmanager
async def console_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the app's own lifespan, after it made the runtime."""
    if not hasattr(app.state, "console"):
        app.state.console = ConsoleState.from_runtime(app.state.web.runtime)
    state: ConsoleState = app.state.console
    async with AsyncExitStack() as stack:
        if state.timers:
            await stack.enter_async_context(operator_timer(state.database, state.setup))
        yield


router = APIRouter(lifespan=console_lifespan)


@router.get("/console/static/console.css", include_in_schema=False)
def stylesheet() -> FileResponse:
    return FileResponse(STATIC / "console.css", media_type="text/css")


for part in (login.router, pages.router, actions.router, admin.router, api.router):
    router.include_router(part)

__all__ = ["router"]
