"""A liveness answer for a process supervisor: the app runs and its database answers."""

import logging
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.db.database import Database
from bot.web.state import WebState, web_state

log = logging.getLogger(__name__)

router = APIRouter()


@router.get("/healthz")
async def healthz(web: Annotated[WebState, Depends(web_state)]) -> JSONResponse:
    if await run_in_threadpool(database_answers, web.runtime.database):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable"}, status_code=503)


def database_answers(database: Database) -> bool:
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        log.exception("health check: the database does not answer")
        return False
    return True
