"""What the console's routes share, made once when the app starts."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.templating import Jinja2Templates

from bot.db.database import Database
from bot.db.types import utcnow
from bot.services.domain_texts import DomainTexts
from bot.services.operator_setup import OperatorSetup
from bot.web.console import formatting

if TYPE_CHECKING:
    # Only for the annotation: the console's own tests run without the NLU and the engine.
    from bot.runtime import Runtime

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ConsoleState:
    database: Database
    setup: OperatorSetup
    templates: Jinja2Templates
    # The reminders of urgent reports and the escalations run beside the app; tests that move
    # the clock themselves turn them off.
    timers: bool = True
    # What time it is for the pages and the actions: a test sets it to see lateness move.
    clock: Callable[[], datetime] = utcnow

    @classmethod
    def build(
        cls,
        database: Database,
        setup: OperatorSetup,
        *,
        timers: bool = True,
        clock: Callable[[], datetime] = utcnow,
    ) -> "ConsoleState":
        return cls(database, setup, console_templates(setup, clock), timers, clock)

    @classmethod
    def from_runtime(cls, runtime: "Runtime") -> "ConsoleState":
        texts = DomainTexts(runtime.assistant.content.responses)
        return cls.build(runtime.database, OperatorSetup.load(runtime.settings, texts))


def console_templates(setup: OperatorSetup, clock: Callable[[], datetime]) -> Jinja2Templates:
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["label"] = setup.texts.label
    templates.env.globals["queue_name"] = setup.queue_name
    # The towns queues.yml names (the consortium's six): suggestions for the town filter.
    templates.env.globals["towns"] = sorted({t for q in setup.routing.queues for t in q.towns})
    templates.env.filters["local"] = formatting.local_time
    templates.env.filters["ago"] = lambda moment: formatting.ago(moment, clock())
    return templates


def console_state(request: Request) -> ConsoleState:
    state: ConsoleState = request.app.state.console
    return state
