"""SQLAlchemy 2.0 typed models. Table names are singular snake case; timestamps are aware."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# JSONB on PostgreSQL, JSON (text) elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps on both dialects (SQLite stores naive UTC text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a timestamp column; use an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Source(Base):
    __tablename__ = "source"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Seller(Base):
    __tablename__ = "seller"
    __table_args__ = (UniqueConstraint("source_id", "external_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    name: Mapped[str | None] = mapped_column(String(500))
    url: Mapped[str | None] = mapped_column(String(2048))
    location: Mapped[str | None] = mapped_column(String(200))
    is_official: Mapped[bool | None] = mapped_column(Boolean)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Listing(Base):
    __tablename__ = "listing"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index(None, "seller_id"),
        Index(None, "last_seen_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("source.id"))
    external_id: Mapped[str] = mapped_column(String(128))
    url: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    price: Mapped[int | None] = mapped_column(BigInteger)
    original_price: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="VND")
    category_path: Mapped[str] = mapped_column(String(1000), default="")
    brand: Mapped[str | None] = mapped_column(String(200))
    seller_id: Mapped[int | None] = mapped_column(ForeignKey("seller.id"))
    shop_name: Mapped[str | None] = mapped_column(String(500))
    shop_location: Mapped[str | None] = mapped_column(String(200))
    province: Mapped[str | None] = mapped_column(String(64))
    province_legacy: Mapped[str | None] = mapped_column(String(64))
    is_abroad: Mapped[bool] = mapped_column(Boolean, default=False)
    is_official_shop: Mapped[bool | None] = mapped_column(Boolean)
    sold_count: Mapped[int | None] = mapped_column(BigInteger)
    rating: Mapped[float | None] = mapped_column(Float)
    images: Mapped[list[str]] = mapped_column(JSONType, default=list)
    attributes: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    # {"phones": ["+84…"], "zalo": [...], "links": [...]}: for linking sellers across sources
    contacts: Mapped[dict[str, list[str]]] = mapped_column(JSONType, default=dict)
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    raw_ref: Mapped[str | None] = mapped_column(String(2048))
    content_hash: Mapped[str] = mapped_column(String(64))
    risk_score: Mapped[float] = mapped_column(Float, default=0.0)
    crawled_at: Mapped[datetime] = mapped_column(UTCDateTime())
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    source: Mapped[Source] = relationship(lazy="raise")
    seller: Mapped[Seller | None] = relationship(lazy="raise")


class CrawlRun(Base):
    __tablename__ = "crawl_run"
    __table_args__ = (Index(None, "spider", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    spider: Mapped[str] = mapped_column(String(64))
    args: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # running | finished | degraded | failed
    status: Mapped[str] = mapped_column(String(16), default="running")
    stats: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class ListingObservation(Base):
    """One row per crawl that saw a listing: the price history."""

    __tablename__ = "listing_observation"
    __table_args__ = (UniqueConstraint("listing_id", "crawl_run_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    crawl_run_id: Mapped[int] = mapped_column(ForeignKey("crawl_run.id"))
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    price: Mapped[int | None] = mapped_column(BigInteger)
    sold_count: Mapped[int | None] = mapped_column(BigInteger)
    content_hash: Mapped[str] = mapped_column(String(64))


class RulePackVersion(Base):
    __tablename__ = "rule_pack_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    rule_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Flag(Base):
    """A rule's finding on a listing. Never deleted; status moves on review or rescan."""

    __tablename__ = "flag"
    __table_args__ = (
        UniqueConstraint("listing_id", "rule_id"),
        Index(None, "status", "score"),
        Index(None, "category"),
        # The review queue: open flags riskiest listing first, one index range scan (keyset pages).
        Index(
            "ix_flag_open_queue",
            "risk_score",
            "listing_id",
            "id",
            postgresql_where=text("status IN ('new', 'in_review')"),
            sqlite_where=text("status IN ('new', 'in_review')"),
        ),
        # Open flags of one category and severity, in queue order: the filtered queue, and the probe
        # that finds a filter matching few (or no) flags without reading the others.
        Index(
            "ix_flag_open_category_severity",
            "category",
            "severity",
            "risk_score",
            "listing_id",
            "id",
            postgresql_where=text("status IN ('new', 'in_review')"),
            sqlite_where=text("status IN ('new', 'in_review')"),
        ),
        # The queue filtered on one decided status.
        Index(None, "status", "risk_score", "listing_id", "id"),
        # The queue filtered on a rule; rules by flags raised and by status (reports, rule pages).
        Index(None, "rule_id", "status", "category"),
        # Repeat offenders (top sellers): a seller's flags by status.
        Index(None, "seller_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id", ondelete="CASCADE"))
    rule_id: Mapped[str] = mapped_column(String(128))
    category: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    rule_pack_version_id: Mapped[int] = mapped_column(ForeignKey("rule_pack_version.id"))
    # new | in_review | confirmed | dismissed | escalated | superseded
    status: Mapped[str] = mapped_column(String(16), default="new")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Copies of the listing's columns the queue sorts and filters on and the reports group by, so both
    # read the flag table alone. Written by every flag and listing write in storage.repositories
    # (upsert_flags, upsert_listings, set_risk_scores); see sync_flag_listing_columns.
    risk_score: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    source_id: Mapped[int | None] = mapped_column(Integer)
    seller_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    province: Mapped[str | None] = mapped_column(String(64))
    province_legacy: Mapped[str | None] = mapped_column(String(64))

    listing: Mapped[Listing] = relationship(lazy="raise")


# The listing columns copied onto its flags (same names on both tables).
FLAG_LISTING_COLUMNS = ("risk_score", "source_id", "seller_id", "province", "province_legacy")


import storage.models_review  # noqa: E402,F401
