"""The one ASGI app: the citizens' web chat, the operators' console, the channels' webhooks."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.channels.telegram.webhook import telegram_webhook_router
from bot.channels.whatsapp.webhook import whatsapp_webhook_router
from bot.runtime import Runtime
from bot.web import chat, health
from bot.web.announcements import router as announcements_router
from bot.web.chat_input import ChatInputError
from bot.web.console import router as console_router
from bot.web.state import WebState
from bot.web.texts import WebTexts

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent

# No inline script or style anywhere, so the policy can forbid them: a text that slipped
# through as HTML still could not run.
SECURITY_HEADERS = {
    "Content-Security-Policy": "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    ),
    "Permissions-Policy": "geolocation=(self), camera=(), microphone=(), payment=()",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def create_app(runtime: Runtime) -> FastAPI:
    """Raises WebTextsMissing when domain.yml lacks some of the page's texts."""
    texts = WebTexts.from_responses(runtime.assistant.content.responses)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.web = WebState(runtime, texts, Jinja2Templates(directory=HERE / "templates"))
        await runtime.start_background()
        try:
            yield
        finally:
            await runtime.stop_background()

    app = FastAPI(
        title="Scintille", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None
    )
    app.middleware("http")(add_security_headers)
    app.add_exception_handler(ChatInputError, answer_chat_input_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, answer_http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, answer_server_error)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(chat.router)
    app.include_router(console_router)
    app.include_router(announcements_router)
    app.include_router(health.router)
    app.include_router(telegram_webhook_router(lambda: runtime.telegram))
    app.include_router(
        whatsapp_webhook_router(runtime.settings, runtime.assistant, runtime.database)
    )
    return app


async def add_security_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    response = await call_next(request)
    response.headers.update(SECURITY_HEADERS)
    if request.url.path.startswith("/api/"):
        # Chat messages are personal: no cache on the way may keep them.
        response.headers["Cache-Control"] = "no-store"
    return response


async def answer_chat_input_error(request: Request, error: ChatInputError) -> Response:
    log.info("web chat refused a request: %s", error.code)
    return _error(request, error.status_code, error.code, error.text)


async def answer_http_error(request: Request, error: StarletteHTTPException) -> Response:
    if error.status_code == 404:
        return _error(request, 404, "not_found", "error_not_found", error.headers)
    return _error(request, error.status_code, "invalid_request", "error_invalid", error.headers)


async def answer_server_error(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    response = _error(request, 500, "server_error", "error_server")
    # Errors are answered outside the middleware stack, so the headers are added here too.
    response.headers.update(SECURITY_HEADERS)
    return response


def _error(
    request: Request,
    status_code: int,
    code: str,
    text: str,
    headers: Mapping[str, str] | None = None,
) -> Response:
    web: WebState = request.app.state.web
    # A browser opening a page gets a page; the chat's script and the webhooks get JSON.
    wants_page = "text/html" in request.headers.get("accept", "")
    if request.url.path.startswith("/api/") or not wants_page:
        return JSONResponse(
            {"error": code, "message": web.texts[text]}, status_code=status_code, headers=headers
        )
    return web.templates.TemplateResponse(
        request,
        "error.html",
        {"texts": web.texts.texts, "message": web.texts[text]},
        status_code=status_code,
        headers=headers,
    )
