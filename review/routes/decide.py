"""Deciding flags: claim, assign, confirm, dismiss, escalate. Inspectors only; POST with CSRF."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from review.accounts import Current, active_users
from review.decisions import Decision, DecisionError, decide
from review.security import client_ip, get_db, require
from review.templating import DISMISS_REASONS, render
from rules.hits import CATEGORIES

router = APIRouter(prefix="/flags/{flag_id}")
Db = Annotated[Session, Depends(get_db)]
Inspector = Annotated[Current, Depends(require("inspector"))]
Note = Annotated[str, Form(max_length=2000)]


def _apply(request: Request, db: Session, flag_id: int, current: Current, decision: Decision) -> Response:
    try:
        flag = decide(db, flag_id, current.user, decision, ip=client_ip(request))
    except DecisionError as error:
        db.rollback()
        if error.kind == "not_found":
            raise HTTPException(status_code=404) from None
        return render(request, "error.html", {"message_key": error.kind}, status_code=409)
    db.commit()
    return RedirectResponse(f"/listings/{flag.listing_id}?msg=decided#flag-{flag.id}", status_code=303)


def _bad(request: Request, detail: str) -> Response:
    return render(request, "error.html", {"message_key": "bad_form", "detail": detail}, status_code=422)


@router.post("/claim")
def claim(request: Request, flag_id: int, db: Db, current: Inspector) -> Response:
    return _apply(request, db, flag_id, current, Decision("claim"))


@router.post("/assign")
def assign(
    request: Request,
    flag_id: int,
    db: Db,
    current: Inspector,
    assignee: Annotated[int, Form()],
    note: Note = "",
) -> Response:
    colleague = next((u for u in active_users(db) if u.id == assignee), None)
    if colleague is None:
        return _bad(request, "assignee")
    return _apply(
        request, db, flag_id, current, Decision("assign", note=note.strip() or None, assignee=colleague)
    )


@router.post("/confirm")
def confirm(
    request: Request,
    flag_id: int,
    db: Db,
    current: Inspector,
    category: Annotated[str, Form(max_length=32)],
    legal_basis: Annotated[str, Form(min_length=3, max_length=500)],
    note: Note = "",
) -> Response:
    if category not in CATEGORIES:
        return _bad(request, "category")
    decision = Decision(
        "confirm", category=category, legal_basis=legal_basis.strip(), note=note.strip() or None
    )
    return _apply(request, db, flag_id, current, decision)


@router.post("/dismiss")
def dismiss(
    request: Request,
    flag_id: int,
    db: Db,
    current: Inspector,
    reason: Annotated[str, Form(max_length=32)],
    note: Note = "",
) -> Response:
    if reason not in DISMISS_REASONS:
        return _bad(request, "reason")
    if reason == "other" and not note.strip():
        return _bad(request, "note")
    return _apply(
        request, db, flag_id, current, Decision("dismiss", reason=reason, note=note.strip() or None)
    )


@router.post("/escalate")
def escalate(
    request: Request,
    flag_id: int,
    db: Db,
    current: Inspector,
    note: Annotated[str, Form(min_length=3, max_length=2000)],
) -> Response:
    return _apply(request, db, flag_id, current, Decision("escalate", note=note.strip()))
