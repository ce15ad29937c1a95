"""Accounts and server-side sessions: argon2id passwords, throttled logins, idle and absolute timeouts.

Nothing here commits; the request (or the CLI command) that calls it does.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, bindparam, delete, select, update
from sqlalchemy.orm import Session

from review.settings import ReviewSettings
from storage import review_repo
from storage.models import utcnow
from storage.models_review import ROLES, AppUser, UserSession

logger = logging.getLogger(__name__)

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106 low-memory) parameters
_DUMMY_HASH = _hasher.hash("not a password of anyone")
MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A user-facing problem with an account (bad name, weak password, duplicate)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    actor: AppUser | None = None,
    ip: str | None = None,
) -> AppUser:
    """Add an account; the audit row names ``actor`` (an admin in the web UI) or "cli" when there is none."""
    username = username.strip()
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or not username.replace(".", "").replace("_", "").isalnum():
        raise AccountError(f"username {username!r} must be 1–64 letters, digits, '.' or '_'")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    if session.scalar(select(AppUser.id).where(AppUser.username == username)) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = AppUser(
        username=username, password_hash=hash_password(password), role=role, active=True,
        created_at=utcnow(), failed_logins=0,
    )  # fmt: skip
    session.add(user)
    session.flush()
    review_repo.audit(
        session, "user_add", user=actor, username=None if actor else "cli", object_type="app_user",
        object_id=user.id, after={"username": username, "role": role}, ip=ip,
    )  # fmt: skip
    return user


def reset_password(session: Session, username: str, password: str) -> AppUser | None:
    """Set a new password for ``username``, unlocking the account; None when there is no such user."""
    user = session.scalar(select(AppUser).where(AppUser.username == username))
    if user is None:
        return None
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: use at least {MIN_PASSWORD_LENGTH} characters")
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.active = True
    return user


def active_users(session: Session, roles: tuple[str, ...] = ("inspector",)) -> list[AppUser]:
    return list(
        session.scalars(
            select(AppUser)
            .where(AppUser.active.is_(True), AppUser.role.in_(roles))
            .order_by(AppUser.username)
        )
    )


def colleagues(session: Session) -> list[tuple[int, str]]:
    """(id, username) of the active inspectors, for the listing page's "assign" choices."""
    stmt = (
        select(AppUser.id, AppUser.username)
        .where(AppUser.active.is_(True), AppUser.role == "inspector")
        .order_by(AppUser.username)
    )
    return [(user_id, username) for user_id, username in session.connection().execute(stmt)]


@dataclass(frozen=True, slots=True)
class LoginResult:
    user: AppUser | None
    locked: bool = False


def authenticate(
    session: Session, username: str, password: str, settings: ReviewSettings, *, ip: str | None
) -> LoginResult:
    """Check a password; count failures and lock the account after too many in a row."""
    now = utcnow()
    user = session.scalar(select(AppUser).where(AppUser.username == username.strip()))
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)  # the same work as a real check: no user enumeration by timing
        review_repo.audit(session, "login_failed", username=username[:64], ip=ip)
        return LoginResult(None)
    if user.locked_until is not None and user.locked_until > now:
        review_repo.audit(
            session, "login_locked", user=user, object_type="app_user", object_id=user.id, ip=ip
        )
        return LoginResult(None, locked=True)
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        locked = user.failed_logins >= settings.max_failed_logins
        if locked:
            user.locked_until = now + settings.lockout
            user.failed_logins = 0
            logger.warning("account %s locked after repeated failed logins", user.username)
        review_repo.audit(
            session, "login_failed", user=user, object_type="app_user", object_id=user.id, ip=ip,
            after={"locked_until": user.locked_until.isoformat() if locked and user.locked_until else None},
        )  # fmt: skip
        return LoginResult(None, locked=locked)
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return LoginResult(user)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# --- sessions -------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, user: AppUser, *, ip: str | None, user_agent: str | None) -> str:
    """A new server-side session (a fresh token at every login); returns the cookie value."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        UserSession(
            token_hash=_token_hash(token), user_id=user.id, csrf_token=secrets.token_urlsafe(32),
            created_at=now, last_seen_at=now, ip=ip, user_agent=(user_agent or "")[:300],
        )
    )  # fmt: skip
    return token


@dataclass(frozen=True, slots=True)
class SessionUser:
    """The logged-in user as their session found them: a plain snapshot, no database session behind it."""

    id: int
    username: str
    role: str


@dataclass(frozen=True, slots=True)
class Current:
    """The logged-in user of a request and their session's CSRF token."""

    user: SessionUser
    csrf_token: str
    token_hash: str


# Refresh last_seen_at at most this often (seconds): one write per minute, not one per request.
_TOUCH_EVERY = 60

_sessions, _users = UserSession.__table__.c, AppUser.__table__.c
# Plain Core on table columns, bound by name: compiled once, cached, no ORM objects per request.
_RESUME = (
    select(
        _sessions.user_id, _sessions.csrf_token, _sessions.created_at, _sessions.last_seen_at,
        _users.username, _users.role, _users.active,
    )
    .join_from(UserSession.__table__, AppUser.__table__, _users.id == _sessions.user_id)
    .where(_sessions.token_hash == bindparam("token_hash"))
)  # fmt: skip


def resume_session(connection: Connection, token: str | None, settings: ReviewSettings) -> Current | None:
    """The session behind a cookie, if it exists, its user is active and it has not timed out.

    On a connection of its own in autocommit mode (see :func:`review.security.current_session`): one
    look-up, no transaction; deleting a timed-out session or refreshing ``last_seen_at`` (once a
    minute) is one statement each, committed as it runs.
    """
    if not token or len(token) > 128:
        return None
    token_hash = _token_hash(token)
    row = connection.execute(_RESUME, {"token_hash": token_hash}).first()
    if row is None:
        return None
    user_id, csrf_token, created_at, last_seen_at, username, role, active = row
    now = utcnow()
    if (
        not active
        or now - last_seen_at > settings.idle_timeout
        or now - created_at > settings.absolute_timeout
    ):
        connection.execute(delete(UserSession).where(UserSession.token_hash == token_hash))
        return None
    if (now - last_seen_at).total_seconds() > _TOUCH_EVERY:
        connection.execute(
            update(UserSession).where(UserSession.token_hash == token_hash).values(last_seen_at=now)
        )
    return Current(SessionUser(user_id, username, role), csrf_token, token_hash)


def end_session(session: Session, token_hash: str) -> None:
    session.execute(delete(UserSession).where(UserSession.token_hash == token_hash))


def expire_sessions(session: Session, settings: ReviewSettings, now: datetime | None = None) -> None:
    """Delete sessions past either timeout (housekeeping; a timed-out session is refused anyway)."""
    now = now or utcnow()
    session.execute(
        delete(UserSession).where(
            (UserSession.last_seen_at < now - settings.idle_timeout)
            | (UserSession.created_at < now - settings.absolute_timeout)
        )
    )
