"""Announcements and campaigns in the console: community leaders write, coordinators approve,
both see who it reaches and how delivery went; coordinators pause and resume the campaigns."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from bot.web.announcements import pages
from bot.web.announcements.state import AnnouncementsState


@asynccontextmanager
async def announcements_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the app's own lifespan, after it made the runtime."""
    if not hasattr(app.state, "announcements"):
        app.state.announcements = AnnouncementsState.from_runtime(app.state.web.runtime)
    yield


router = APIRouter(lifespan=announcements_lifespan)
router.include_router(pages.router)

__all__ = ["router"]
