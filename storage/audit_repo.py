"""Flag status changes, the reviews that record them, and the append-only audit log. Nothing here commits."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Flag, utcnow
from storage.models_review import AuditLog, Review


class Actor(Protocol):
    """Who acts: an ``AppUser`` row or the review UI's session snapshot of one."""

    @property
    def id(self) -> int: ...

    @property
    def username(self) -> str: ...


def move_flag(session: Session, flag_id: int, *, from_status: str, to_status: str) -> bool:
    """Change a flag's status only if nobody changed it since it was read (False if they did).

    Only the status moves: the listing columns copied onto the flag stay as they are.
    """
    result = session.execute(
        update(Flag)
        .where(Flag.id == flag_id, Flag.status == from_status)
        .values(status=to_status, updated_at=utcnow())
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def add_review(session: Session, **values: Any) -> Review:
    review = Review(created_at=utcnow(), **values)
    session.add(review)
    return review


def latest_review_id(session: Session) -> int:
    """The newest review's id (0 for none): changes with every decision, so cached figures built on
    decisions know when they are stale (an index look-up)."""
    return session.execute(select(func.max(Review.id))).scalar_one() or 0


def audit(
    session: Session,
    action: str,
    *,
    user: Actor | None = None,
    username: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    session.add(
        AuditLog(
            at=utcnow(), user_id=user.id if user else None, username=user.username if user else username,
            action=action, object_type=object_type, object_id=None if object_id is None else str(object_id),
            before=before, after=after, ip=ip,
        )
    )  # fmt: skip


def audit_entries(session: Session, *, before_id: int | None = None, limit: int = 100) -> list[AuditLog]:
    stmt = select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)
    if before_id is not None:
        stmt = stmt.where(AuditLog.id < before_id)
    return list(session.scalars(stmt))
