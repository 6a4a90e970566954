"""What the web app's routes share, made once in the app's lifespan."""

from dataclasses import dataclass

from fastapi import Request
from fastapi.templating import Jinja2Templates

from bot.runtime import Runtime
from bot.web.texts import WebTexts


@dataclass(frozen=True)
class WebState:
    runtime: Runtime
    texts: WebTexts
    templates: Jinja2Templates


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
