"""Logging in and out. A login starts a fresh server-side session; logging out deletes it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from review import accounts
from review.accounts import Current
from review.security import client_ip, current_session, get_db, require, safe_next, settings_of
from review.settings import SESSION_COOKIE
from review.templating import render
from storage import review_repo

router = APIRouter()
Db = Annotated[Session, Depends(get_db)]
ANY_ROLE = ("admin", "analyst", "inspector")


def home_of(role: str) -> str:
    return "/audit" if role == "admin" else "/queue"


@router.get("/")
def index(current: Annotated[Current | None, Depends(current_session)]) -> Response:
    return RedirectResponse(home_of(current.user.role) if current else "/login", status_code=303)


@router.get("/login")
def login_page(
    request: Request, current: Annotated[Current | None, Depends(current_session)], next: str = ""
) -> Response:
    if current is not None:
        return RedirectResponse(safe_next(next, home_of(current.user.role)), status_code=303)
    return render(request, "login.html", {"next": safe_next(next, ""), "error": None})


@router.post("/login")
def login(
    request: Request,
    db: Db,
    username: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=1024)],
    next: Annotated[str, Form(max_length=2048)] = "",
) -> Response:
    settings = settings_of(request)
    ip = client_ip(request)
    result = accounts.authenticate(db, username, password, settings, ip=ip)
    if result.user is None:
        db.commit()  # the failure count and the audit row
        error = (
            ("login_locked", int(settings.lockout.total_seconds() // 60))
            if result.locked
            else ("login_failed", 0)
        )
        return render(
            request,
            "login.html",
            {"next": safe_next(next, ""), "error": error, "username": username},
            status_code=401,
        )
    token = accounts.start_session(db, result.user, ip=ip, user_agent=request.headers.get("user-agent"))
    review_repo.audit(db, "login", user=result.user, object_type="app_user", object_id=result.user.id, ip=ip)
    db.commit()
    response = RedirectResponse(safe_next(next, home_of(result.user.role)), status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=settings.secure_cookies, path="/"
    )
    return response


@router.post("/logout")
def logout(request: Request, db: Db, current: Annotated[Current, Depends(require(*ANY_ROLE))]) -> Response:
    accounts.end_session(db, current.token_hash)
    review_repo.audit(
        db,
        "logout",
        user=current.user,
        object_type="app_user",
        object_id=current.user.id,
        ip=client_ip(request),
    )
    db.commit()
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings_of(request).secure_cookies
    )
    return response
