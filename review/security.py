"""Request-level security: the database session, who is logged in, role checks, CSRF and headers.

Every route declares its roles with :func:`require`; the app-wide :func:`csrf_protect` refuses any
POST whose token does not match the session's (or, before login, the anonymous cookie's).
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from review.accounts import Current, resume_session
from review.settings import ANON_CSRF_COOKIE, SESSION_COOKIE, ReviewSettings

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class NotAuthenticated(Exception):
    """No valid session: pages redirect to the login page, HTMX requests get 401."""


class Forbidden(Exception):
    """Logged in but not allowed (wrong role), or a bad CSRF token: 403."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def settings_of(request: Request) -> ReviewSettings:
    return request.app.state.settings  # type: ignore[no-any-return]


async def get_db(request: Request) -> AsyncIterator[Session]:
    """One database session per request; routes that change something commit it themselves.

    Async on purpose: creating a session does no I/O (it connects on first use, in the route's thread),
    so it costs no trip through the thread pool. Closing rolls back whatever was not committed.
    """
    session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.close()


async def get_read_db(request: Request) -> AsyncIterator[Session]:
    """A session for a route that only reads (the queue, a listing, reports, sellers): its statements
    run in autocommit mode, so a page sends no BEGIN and no ROLLBACK around its queries. Each statement
    sees what was committed when it started, as it would in a READ COMMITTED transaction. A route that
    writes anything must use :func:`get_db`: here each statement would commit on its own.
    """
    session = request.app.state.read_session_factory()
    try:
        yield session
    finally:
        session.close()


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def current_session(request: Request) -> Current | None:
    """The logged-in user, if any (cached per request by FastAPI, so resolved once).

    Looked up on a pooled connection of its own, in autocommit mode, given back before the route runs:
    a request holds a connection only while its thread works (never while it waits for a thread, which
    could leave every thread waiting for a connection), and a read-only request sends no BEGIN/COMMIT
    for it.
    """
    engine = request.app.state.engine
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        current = resume_session(connection, request.cookies.get(SESSION_COOKIE), settings_of(request))
    request.state.current = current
    return current


def require(*roles: str) -> Callable[..., Awaitable[Current]]:
    """A dependency that lets through only logged-in users holding one of ``roles``."""

    async def dependency(current: Current | None = Depends(current_session)) -> Current:  # noqa: B008
        # async: a check with no I/O, run on the event loop instead of a trip through the thread pool
        if current is None:
            raise NotAuthenticated()
        if current.user.role not in roles:
            raise Forbidden("role")
        return current

    dependency.__name__ = f"require_{'_'.join(roles)}"
    return dependency


def anon_csrf_token(request: Request) -> str:
    """The pre-login CSRF token (double-submit cookie); created on first use, set by :func:`render`."""
    token = request.cookies.get(ANON_CSRF_COOKIE) or getattr(request.state, "new_anon_csrf", None)
    if not token or len(token) > 128:
        token = secrets.token_urlsafe(32)
        request.state.new_anon_csrf = token
    return token


def csrf_token_for(request: Request) -> str:
    current: Current | None = getattr(request.state, "current", None)
    return current.csrf_token if current else anon_csrf_token(request)


async def csrf_protect(request: Request, current: Current | None = Depends(current_session)) -> None:  # noqa: B008
    """Refuse a POST without the right CSRF token (form field ``csrf_token`` or ``X-CSRF-Token``)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    sent: Any = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        sent = form.get("csrf_token")
    expected = current.csrf_token if current else request.cookies.get(ANON_CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not secrets.compare_digest(sent, expected):
        raise Forbidden("csrf")


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after login; anything else (other hosts, schemes) is ignored."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


class SecurityHeaders:
    """Pure ASGI middleware: security headers on every response, no-store on everything but assets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
