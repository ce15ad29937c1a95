"""Jinja2 with autoescape always on, the formatting filters, and the one way routes render a page."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from review import formatting
from review.i18n import labels, pick_language, translator
from review.security import csrf_token_for, settings_of
from review.settings import ANON_CSRF_COOKIE, LANG_COOKIE
from rules.hits import CATEGORIES, SEVERITIES

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATUSES = ("new", "in_review", "confirmed", "dismissed", "escalated", "superseded")
DISMISS_REASONS = (
    "not_violation", "licensed", "wrong_category", "duplicate", "insufficient_evidence",
    "listing_removed", "other",
)  # fmt: skip


@lru_cache(maxsize=512)
def options(choices: tuple[tuple[str, str], ...], selected: str) -> Markup:
    """``<option>`` elements for ``(value, label)`` pairs, ``selected`` marked (an empty choice, "any",
    is the first option anyway): built once per list and choice, not per request (the queue's filters
    list ~70 provinces). Values and labels are escaped."""
    return Markup("").join(
        Markup('<option value="{}"{}>{}</option>\n').format(
            value, Markup(" selected") if selected and value == selected else "", label
        )
        for value, label in choices
    )


env = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,  # every template, whatever its extension: listing text is attacker-controlled
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,  # templates change with a deploy (a restart), not while serving: no stat() per use
)
env.filters.update(
    vnd=formatting.vnd,
    number=formatting.number,
    date=formatting.local_date,
    datetime=formatting.local_datetime,
    safe_url=formatting.safe_url,
    pretty_json=formatting.pretty_json,
)
env.globals.update(
    options=options,
    highlight=formatting.highlight,
    CATEGORIES=CATEGORIES,
    SEVERITIES=SEVERITIES,
    STATUSES=STATUSES,
    DISMISS_REASONS=DISMISS_REASONS,
)


@lru_cache(maxsize=8192)
def _queue_row(row: tuple[Any, ...], lang: str, inspector: bool) -> str:
    html = env.get_template("_queue_row.html").render(
        r=row, inspector=inspector, t=translator(lang), labels=labels(lang)
    )
    return html + "\n"


def queue_rows_html(rows: Sequence[tuple[Any, ...]], lang: str, inspector: bool) -> Markup:
    """The queue's rows (storage.queue_repo.QueueRow tuples) as HTML. Every inspector asks for the same
    top of the queue, so each row is rendered once per language and role and then reused: the cache key
    is the row's whole content (a decision changes its status, so the row renders anew), and the HTML
    holds nothing of the user who asked (no token, no name)."""
    return Markup("".join([_queue_row(row, lang, inspector) for row in rows]))


env.globals["queue_rows_html"] = queue_rows_html


# Stands for the CSRF token in a fragment rendered once and shared by users (see :func:`shared_fragment`):
# random per process, so listing text cannot contain it.
CSRF_PLACEHOLDER = secrets.token_hex(16)


def shared_fragment(name: str, context: dict[str, Any], lang: str) -> str:
    """``name`` rendered with nothing of the user who asked: the CSRF token is :data:`CSRF_PLACEHOLDER`,
    filled in per request by :func:`with_csrf`. For pages many users ask for with the same content."""
    return env.get_template(name).render(
        context, t=translator(lang), labels=labels(lang), lang=lang, csrf_token=CSRF_PLACEHOLDER
    )


def with_csrf(request: Request, fragment: str) -> Markup:
    """A :func:`shared_fragment` with this request's CSRF token in place (escaped like any value)."""
    return Markup(fragment.replace(CSRF_PLACEHOLDER, str(escape(csrf_token_for(request)))))


def language(request: Request) -> str:
    return pick_language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """Render a template with the request's user, CSRF token and language; set the cookies they need."""
    lang = language(request)
    csrf = csrf_token_for(request)
    values = {
        "request": request,
        "current": getattr(request.state, "current", None),
        "csrf_token": csrf,
        "lang": lang,
        "t": translator(lang),
        "labels": labels(lang),
        "path": request.url.path,
    }
    values.update(context or {})
    response = HTMLResponse(env.get_template(name).render(values), status_code=status_code)
    secure = settings_of(request).secure_cookies
    new_anon = getattr(request.state, "new_anon_csrf", None)
    if new_anon:
        response.set_cookie(ANON_CSRF_COOKIE, new_anon, httponly=True, samesite="strict", secure=secure)
    if request.query_params.get("lang") == lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", secure=secure)
    return response
