"""Review UI tables: accounts, server-side sessions, reviews of flags, the audit log, public tips and
inspectors' cases.

Imported at the bottom of :mod:`storage.models` so Alembic sees these tables on the shared ``Base``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, Flag, JSONType, Listing, UTCDateTime, utcnow

ROLES = ("admin", "analyst", "inspector")
TIP_STATUSES = ("queued", "crawled", "failed", "rejected")
CASE_STATUSES = ("open", "submitted", "closed")

_BigId = BigInteger().with_variant(Integer, "sqlite")


class AppUser(Base):
    """An account of the review UI. Passwords are argon2id hashes; failures lock the account a while."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # admin | analyst | inspector
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())


class UserSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "user_session"
    __table_args__ = (Index(None, "user_id"),)

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class Review(Base):
    """One status change of a flag (claim, assign, confirm, dismiss, escalate) by one user."""

    __tablename__ = "review"
    __table_args__ = (Index(None, "flag_id", "created_at"), Index(None, "user_id", "created_at"))

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    category: Mapped[str | None] = mapped_column(String(32))
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    reason: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditLog(Base):
    """Append-only record of who did what: logins, decisions, exports, account and rule changes."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "at"), Index(None, "object_type", "object_id"))

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32))
    object_type: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    ip: Mapped[str | None] = mapped_column(String(64))


# The flag a tipped listing gets so it reaches the queue; no rule pack produces it, so rescans leave it alone.
TIP_RULE_ID = "tip"


class Tip(Base):
    """A citizen's report of a suspicious listing, queued for the tips spider."""

    __tablename__ = "tip"
    __table_args__ = (
        Index(None, "status", "created_at"),
        Index(None, "ip_hash", "created_at"),
        Index(None, "listing_id"),  # the queue's "from a tip" marker and filter
    )

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    description: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    ip_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued | crawled | failed | rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id", ondelete="SET NULL"))


class Case(Base):
    """An inspector's case file: listings (and optionally their seller) gathered for one legal action.

    ``open`` cases take listings; ``submitted`` ones are with the decision-maker (they may come back
    to ``open``); ``closed`` is final.
    """

    __tablename__ = "case"
    __table_args__ = (Index(None, "status", "updated_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("seller.id", ondelete="SET NULL"))
    legal_basis: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | submitted | closed
    created_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CaseItem(Base):
    """A listing in a case, with the flag that brought it in (if any) and who added it."""

    __tablename__ = "case_item"
    __table_args__ = (UniqueConstraint("case_id", "listing_id"), Index(None, "listing_id"))

    id: Mapped[int] = mapped_column(_BigId, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flag.id", ondelete="SET NULL"))
    added_by: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# The review queue walks listings riskiest first and joins their open flags (keyset pagination).
Index("ix_listing_risk_score_id", Listing.risk_score, Listing.id)
Index("ix_flag_listing_id_status", Flag.listing_id, Flag.status)
