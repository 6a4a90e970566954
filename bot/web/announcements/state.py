"""What the announcement pages share, made once when the app starts."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.templating import Jinja2Templates

from bot.db.database import Database
from bot.db.types import utcnow
from bot.services.bulk_messages import BulkTexts
from bot.services.quiet_hours import QuietHours
from bot.settings import Settings
from bot.web.console import formatting

if TYPE_CHECKING:
    from bot.runtime import Runtime

HERE = Path(__file__).resolve().parent
# The pages extend the console's own layout, so its menu and styles are the same.
CONSOLE_TEMPLATES = HERE.parent / "console" / "templates"


@dataclass(frozen=True)
class AnnouncementsState:
    database: Database
    texts: BulkTexts
    quiet: QuietHours
    approval_required: bool
    templates: Jinja2Templates
    clock: Callable[[], datetime] = utcnow

    @classmethod
    def build(
        cls,
        database: Database,
        settings: Settings,
        *,
        texts: BulkTexts | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> "AnnouncementsState":
        templates = Jinja2Templates(directory=[HERE / "templates", CONSOLE_TEMPLATES])
        templates.env.filters["local"] = formatting.local_time
        return cls(
            database,
            texts or BulkTexts.load(settings.project_root),
            QuietHours.from_settings(settings),
            settings.broadcast_approval_required,
            templates,
            clock,
        )

    @classmethod
    def from_runtime(cls, runtime: "Runtime") -> "AnnouncementsState":
        return cls.build(runtime.database, runtime.settings)


def announcements_state(request: Request) -> AnnouncementsState:
    state: AnnouncementsState = request.app.state.announcements
    return state
