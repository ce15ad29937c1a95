"""Admin pages: accounts (create, role, disable/enable, reset password) and the sources with their last
crawl. Every account change is audited with the values before and after; no change may leave the
application without an active admin. Disabling an account or resetting its password ends its sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from crawler.sources import SourcesError, load_sources
from review import accounts
from review.accounts import AccountError, Current
from review.security import client_ip, get_db, require
from review.templating import render
from storage import cases_repo, review_repo
from storage.models import CrawlRun
from storage.models_review import ROLES, AppUser

router = APIRouter(prefix="/admin")
Db = Annotated[Session, Depends(get_db)]
Admin = Annotated[Current, Depends(require("admin"))]
Role = Annotated[Literal[ROLES], Form()]  # type: ignore[valid-type]
Password = Annotated[str, Form(max_length=1024)]
MESSAGES = ("user_added", "role_changed", "user_disabled", "user_enabled", "password_reset")

# The crawl's sources file: the working directory's (as `ecomwatch crawl --all` reads it), else the
# repository's own.
SOURCES_FILE = Path("sources.toml")
REPO_SOURCES_FILE = Path(__file__).resolve().parents[2] / "sources.toml"


def _users_page(
    request: Request, db: Session, *, msg: str = "", error: str | None = None, status_code: int = 200
) -> Response:
    return render(
        request,
        "admin_users.html",
        {
            "users": cases_repo.all_users(db),
            "sessions": cases_repo.session_counts(db),
            "roles": ROLES,
            "message": msg if msg in MESSAGES else None,
            "error": error,
        },
        status_code=status_code,
    )


def _user_or_404(db: Session, user_id: int) -> AppUser:
    user = db.get(AppUser, user_id)
    if user is None:
        raise HTTPException(status_code=404)
    return user


def _done(msg: str) -> Response:
    return RedirectResponse(f"/admin/users?msg={msg}", status_code=303)


def _leaves_no_admin(db: Session, user: AppUser) -> bool:
    """Would taking ``user`` out of the active admins leave none?"""
    admins = cases_repo.active_admin_ids(db)
    return admins == [user.id]


@router.get("/users")
def users_page(request: Request, db: Db, current: Admin, msg: str = "") -> Response:
    return _users_page(request, db, msg=msg)


@router.post("/users")
def add_user(
    request: Request,
    db: Db,
    current: Admin,
    username: Annotated[str, Form(max_length=64)],
    password: Password,
    role: Role,
) -> Response:
    try:
        accounts.create_user(db, username, password, role, actor=current.user, ip=client_ip(request))
    except AccountError as error:
        db.rollback()
        return _users_page(request, db, error=str(error), status_code=422)
    db.commit()
    return _done("user_added")


@router.post("/users/{user_id}/role")
def change_role(request: Request, user_id: int, db: Db, current: Admin, role: Role) -> Response:
    user = _user_or_404(db, user_id)
    before = user.role
    if role == before:
        return _done("role_changed")
    if before == "admin" and user.active and _leaves_no_admin(db, user):
        db.rollback()
        return _users_page(request, db, error="last_admin", status_code=409)
    user.role = role
    review_repo.audit(
        db, "user_role", user=current.user, object_type="app_user", object_id=user.id,
        before={"username": user.username, "role": before}, after={"username": user.username, "role": role},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    if user.id == current.user.id and role != "admin":
        return RedirectResponse("/", status_code=303)  # no longer allowed here
    return _done("role_changed")


@router.post("/users/{user_id}/active")
def set_active(
    request: Request, user_id: int, db: Db, current: Admin, active: Annotated[Literal["0", "1"], Form()]
) -> Response:
    user = _user_or_404(db, user_id)
    enable = active == "1"
    if user.active == enable:
        return _done("user_enabled" if enable else "user_disabled")
    if not enable and user.role == "admin" and _leaves_no_admin(db, user):
        db.rollback()
        return _users_page(request, db, error="last_admin", status_code=409)
    user.active = enable
    after: dict[str, Any] = {"username": user.username, "active": enable}
    if not enable:
        after["sessions_ended"] = cases_repo.end_user_sessions(db, user.id)
    review_repo.audit(
        db, "user_enable" if enable else "user_disable", user=current.user, object_type="app_user",
        object_id=user.id, before={"username": user.username, "active": not enable}, after=after,
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    if user.id == current.user.id:
        return RedirectResponse("/login", status_code=303)  # this very session was just ended
    return _done("user_enabled" if enable else "user_disabled")


@router.post("/users/{user_id}/password")
def reset_password(request: Request, user_id: int, db: Db, current: Admin, password: Password) -> Response:
    user = _user_or_404(db, user_id)
    before = {
        "username": user.username,
        "failed_logins": user.failed_logins,
        "locked_until": user.locked_until.isoformat() if user.locked_until else None,
    }
    was_active = user.active
    try:
        accounts.reset_password(db, user.username, password)
    except AccountError as error:
        db.rollback()
        return _users_page(request, db, error=str(error), status_code=422)
    user.active = was_active  # a reset unlocks the account; it does not re-enable a disabled one
    ended = cases_repo.end_user_sessions(db, user.id)
    review_repo.audit(
        db, "user_password_reset", user=current.user, object_type="app_user", object_id=user.id,
        before=before, after={"username": user.username, "failed_logins": 0, "locked_until": None,
                              "sessions_ended": ended},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    if user.id == current.user.id:
        return RedirectResponse("/login", status_code=303)
    return _done("password_reset")


# --- sources --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SourceRow:
    name: str
    spider: str
    enabled: bool | None  # None: crawled, but not in the sources file
    base_url: str | None
    run: CrawlRun | None

    def figure(self, name: str) -> int | None:
        """One figure of the last run, from its Scrapy stats (None when there was no run)."""
        if self.run is None:
            return None
        stats = self.run.stats or {}
        keys = {
            "pages": ("ecomwatch/pages/search", "ecomwatch/pages/detail"),
            "listings": ("item_scraped_count",),
            "flags": ("ecomwatch/items/flagged",),
            "new_flags": ("ecomwatch/flags/new",),
            "blocks": ("ecomwatch/blocks",),
        }[name]
        return sum(int(v) for k in keys if isinstance(v := stats.get(k, 0), int | float))


def _sources_file() -> Path:
    return SOURCES_FILE if SOURCES_FILE.exists() else REPO_SOURCES_FILE


@router.get("/sources")
def sources_page(request: Request, db: Db, current: Admin) -> Response:
    runs = cases_repo.last_crawl_runs(db)
    rows: list[SourceRow] = []
    error = None
    path = _sources_file()
    try:
        config = load_sources(path)
    except SourcesError as problem:
        error = str(problem)
    else:
        for name, source in config.sources.items():
            spider = source.spider or name
            rows.append(SourceRow(name, spider, source.enabled, source.base_url, runs.pop(spider, None)))
    rows += [SourceRow(spider, spider, None, None, run) for spider, run in sorted(runs.items())]
    return render(request, "admin_sources.html", {"rows": rows, "error": error, "path": str(path)})
