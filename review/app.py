"""The review UI's FastAPI application: ``create_app(ReviewSettings(database_url=...))``."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import urlencode

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from review.reports import ReportCache
from review.routes import (
    admin,
    audit,
    auth,
    bulk,
    cases,
    decide,
    listing,
    queue,
    reports,
    rules,
    sellers,
    tips,
)
from review.security import Forbidden, NotAuthenticated, SecurityHeaders, csrf_protect
from review.settings import ReviewSettings
from review.templating import render
from storage.db import ensure_schema, make_engine, make_session_factory

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
ROUTERS = (
    auth.router,
    queue.router,
    listing.router,
    decide.router,
    bulk.router,
    tips.router,
    audit.router,
    reports.router,
    sellers.router,
    rules.router,
    cases.router,
    admin.router,
)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


async def _not_authenticated(request: Request, _exc: Exception) -> Response:
    if _is_htmx(request):
        return JSONResponse({"detail": "log in first"}, status_code=401)
    if request.method != "GET":
        return Response("log in first", status_code=401, media_type="text/plain")
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    reason = exc.reason if isinstance(exc, Forbidden) else "role"
    key = "csrf" if reason == "csrf" else "forbidden"
    if _is_htmx(request):
        return JSONResponse({"detail": reason}, status_code=403)
    return render(request, "error.html", {"message_key": key}, status_code=403)


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, StarletteHTTPException) else 500
    if status == 404 and not _is_htmx(request):
        return render(request, "error.html", {"message_key": "not_found"}, status_code=404)
    detail = exc.detail if isinstance(exc, StarletteHTTPException) else "error"
    return JSONResponse({"detail": detail}, status_code=status)


async def _invalid(request: Request, exc: Exception) -> Response:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = "; ".join(
        f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in errors[:5]
    )
    return render(request, "error.html", {"message_key": "bad_form", "detail": detail}, status_code=422)


def create_app(settings: ReviewSettings) -> FastAPI:
    # A pooled connection per request thread, and as many again: a request gives its connection back
    # after its response is sent (when its session closes), by which time its thread may serve another.
    # No ping per checkout (two checkouts per request, see security.current_session): after a database
    # restart, a stale connection fails one request and the pool then replaces all of them.
    engine = make_engine(
        settings.database_url,
        pool_size=2 * settings.threads,
        max_overflow=settings.threads,
        pre_ping=False,
    )
    if settings.upgrade_schema:
        ensure_schema(engine)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync routes and dependencies run in anyio's default thread pool (40 threads unless told).
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.threads
        yield

    app = FastAPI(
        lifespan=lifespan,
        title="ecomwatch review",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_session_factory(
        engine.execution_options(isolation_level="AUTOCOMMIT")
    )
    app.state.report_cache = ReportCache(settings.report_cache.total_seconds())
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(NotAuthenticated, _not_authenticated)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app


def app_from_config() -> FastAPI:
    """The app of one worker process of ``ecomwatch serve --workers N``: its settings come from the
    environment (see :func:`review.cli.run_server`, which also upgraded the schema before the workers
    started)."""
    from crawler.config import get_config

    config = get_config()
    extra = {"secret_key": config.review_secret} if config.review_secret else {}
    settings = ReviewSettings(
        database_url=config.database_url,
        secure_cookies=config.review_secure_cookies,
        upgrade_schema=False,
        **extra,
    )
    return create_app(settings)
