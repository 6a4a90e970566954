"""The operators' console keeps its place in the app; its own issue fills it."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from bot.web.state import WebState, web_state

router = APIRouter()


@router.get("/console", response_class=HTMLResponse)
def console_coming_soon(request: Request, web: Annotated[WebState, Depends(web_state)]) -> Response:
    return web.templates.TemplateResponse(request, "console_soon.html", {"texts": web.texts.texts})
