"""Citizens' tips: a public form (no login), rate-limited per IP, with a honeypot; and the inbox."""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review.accounts import Current
from review.formatting import safe_url
from review.security import client_ip, get_db, require, settings_of
from review.templating import render
from storage import review_repo
from storage.models import utcnow
from storage.models_review import TIP_STATUSES

logger = logging.getLogger(__name__)
router = APIRouter()
READERS = ("inspector", "analyst", "admin")


def ip_hash(secret: str, ip: str | None) -> str:
    """Tipsters' addresses are kept only as a keyed hash: enough to rate-limit, not to identify."""
    return hmac.new(secret.encode(), (ip or "unknown").encode(), hashlib.sha256).hexdigest()


@router.get("/tips/new")
def tip_form(request: Request) -> Response:
    return render(request, "tip_form.html", {"error": None, "sent": False, "form": {}})


@router.post("/tips")
def submit_tip(
    request: Request,
    db: Annotated[Session, Depends(get_db)],
    url: Annotated[str, Form(max_length=2048)],
    description: Annotated[str, Form(max_length=4000)],
    contact: Annotated[str, Form(max_length=200)] = "",
    website: Annotated[str, Form(max_length=200)] = "",  # the honeypot: people leave it empty
) -> Response:
    form = {"url": url, "description": description, "contact": contact}
    if website:
        logger.info("tip dropped: honeypot filled")
        return render(request, "tip_form.html", {"error": None, "sent": True, "form": {}})
    if safe_url(url) is None or not description.strip():
        error = "tip_url" if safe_url(url) is None else "tip_description"
        return render(
            request, "tip_form.html", {"error": error, "sent": False, "form": form}, status_code=422
        )
    settings = settings_of(request)
    key = ip_hash(settings.secret_key, client_ip(request))
    if review_repo.tips_since(db, key, utcnow() - timedelta(hours=1)) >= settings.tips_per_hour:
        return render(
            request, "tip_form.html", {"error": "tip_rate", "sent": False, "form": form}, status_code=429
        )
    tip = review_repo.add_tip(
        db, url=url.strip(), description=description.strip(), contact=contact.strip() or None, ip_hash=key
    )
    db.commit()
    logger.info("tip %s queued", tip.id)
    return render(request, "tip_form.html", {"error": None, "sent": True, "form": {}})


@router.get("/tips")
def tips_inbox(
    request: Request,
    db: Annotated[Session, Depends(get_db)],
    current: Annotated[Current, Depends(require(*READERS))],
) -> Response:
    return render(request, "tips.html", {"tips": review_repo.recent_tips(db, TIP_STATUSES)})
