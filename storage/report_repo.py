"""The reports' figures: flags by day × category × source × province, decisions and their turnaround,
repeat offenders and rules by flags raised, and each rule's precision.

The flag carries its listing's source, seller and provinces, so these read the flag table without
joining listings. Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from storage.models import Flag, Seller, Source
from storage.models_review import Review
from storage.queue_repo import OPEN_STATUSES

FINAL_STATUSES = ("confirmed", "dismissed", "escalated")


def _local_day(session: Session, column: Any) -> Any:
    """The calendar day in Vietnam (UTC+7, no daylight saving) of a UTC timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        # A fixed offset: cheaper per row than a named zone's rules (grouping ~200k flags).
        return func.date(func.timezone(literal_column("INTERVAL '+07:00'"), column))
    return func.date(column, "+7 hours")


@dataclass(frozen=True, slots=True)
class FlagCount:
    day: Any  # a date (PostgreSQL) or an ISO date string (SQLite); see review.reports
    category: str
    source: str
    province: str | None
    province_legacy: str | None
    count: int


def flag_counts(session: Session, start: datetime, end: datetime) -> list[FlagCount]:
    """Flags created in [start, end) by local day × category × source × province (current and old)."""
    day = _local_day(session, Flag.created_at).label("day")
    counts = (
        select(
            day, Flag.category, Flag.source_id, Flag.province, Flag.province_legacy,
            func.count(Flag.id).label("flags"),
        )
        .where(Flag.created_at >= start, Flag.created_at < end)
        .group_by(day, Flag.category, Flag.source_id, Flag.province, Flag.province_legacy)
        .subquery()
    )  # fmt: skip
    stmt = select(
        counts.c.day, counts.c.category, Source.name, counts.c.province, counts.c.province_legacy,
        counts.c.flags,
    ).join(Source, Source.id == counts.c.source_id)  # fmt: skip
    return [FlagCount(*row) for row in session.execute(stmt)]


def decision_counts(session: Session, start: datetime, end: datetime) -> list[tuple[str, str, int]]:
    """Final decisions made in [start, end): (status, category of the flag, count)."""
    stmt = (
        select(Review.to_status, Flag.category, func.count(Review.id))
        .join(Flag, Flag.id == Review.flag_id)
        .where(Review.to_status.in_(FINAL_STATUSES), Review.created_at >= start, Review.created_at < end)
        .group_by(Review.to_status, Flag.category)
        .order_by(Review.to_status, Flag.category)
    )
    return [(status, category, count) for status, category, count in session.execute(stmt)]


def first_decision_delays(session: Session, start: datetime, end: datetime) -> list[float]:
    """Seconds from a flag's creation to its first final decision, for first decisions in [start, end)."""
    first = func.min(Review.created_at).label("first")
    stmt = (
        select(Flag.created_at, first)
        .join(Review, Review.flag_id == Flag.id)
        .where(Review.to_status.in_(FINAL_STATUSES))
        .group_by(Flag.id, Flag.created_at)
        .having(first >= start, first < end)
    )
    delays = []
    for created, decided in session.execute(stmt):
        if isinstance(decided, str):  # SQLite aggregates lose the column type
            decided = datetime.fromisoformat(decided)
        if decided.tzinfo is None:
            decided = decided.replace(tzinfo=created.tzinfo)
        delays.append(max(0.0, (decided - created).total_seconds()))
    return delays


@dataclass(frozen=True, slots=True)
class SellerRecord:
    seller_id: int
    name: str | None
    source: str
    confirmed: int
    flags: int
    listings: int


def top_sellers(session: Session, limit: int = 20, *, min_confirmed: int = 1) -> list[SellerRecord]:
    """Repeat offenders: sellers ranked by confirmed flags, then by flags of any status.

    Only sellers with a confirmed flag are counted (``ix_flag_seller_id_status``), never every flag.
    """
    confirmed = func.count(Flag.id).filter(Flag.status == "confirmed")
    per_seller = (
        select(
            Flag.seller_id, confirmed.label("confirmed"), func.count(Flag.id).label("flags"),
            func.count(func.distinct(Flag.listing_id)).label("listings"),
        )
        .where(Flag.seller_id.is_not(None))
        .group_by(Flag.seller_id)
        .having(confirmed >= min_confirmed)
    )  # fmt: skip
    if min_confirmed >= 1:
        offenders = select(Flag.seller_id).where(Flag.status == "confirmed", Flag.seller_id.is_not(None))
        per_seller = per_seller.where(Flag.seller_id.in_(offenders))
    counts = per_seller.subquery()
    stmt = (
        select(
            Seller.id, Seller.name, Source.name, counts.c.confirmed, counts.c.flags, counts.c.listings,
        )
        .join(Seller, Seller.id == counts.c.seller_id)
        .join(Source, Source.id == Seller.source_id)
        .order_by(counts.c.confirmed.desc(), counts.c.flags.desc(), Seller.id)
        .limit(limit)
    )  # fmt: skip
    return [SellerRecord(*row) for row in session.execute(stmt)]


@dataclass(frozen=True, slots=True)
class RuleRecord:
    rule_id: str
    category: str
    flags: int
    open: int
    confirmed: int
    dismissed: int
    escalated: int


def top_rules(session: Session, limit: int = 50) -> list[RuleRecord]:
    """Rules by the number of flags they raised, with how those flags were decided."""

    def status_count(*statuses: str) -> Any:
        return func.count(Flag.id).filter(Flag.status.in_(statuses))

    stmt = (
        select(
            Flag.rule_id, func.min(Flag.category), func.count(Flag.id), status_count(*OPEN_STATUSES),
            status_count("confirmed"), status_count("dismissed"), status_count("escalated"),
        )
        .group_by(Flag.rule_id)
        .order_by(func.count(Flag.id).desc(), Flag.rule_id)
        .limit(limit)
    )  # fmt: skip
    return [RuleRecord(*row) for row in session.execute(stmt)]


@dataclass(slots=True)
class RuleDecisions:
    rule_id: str
    confirmed: int = 0
    dismissed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)  # dismissal reason -> count

    @property
    def precision(self) -> float | None:
        decided = self.confirmed + self.dismissed
        return self.confirmed / decided if decided else None


def rule_decisions(session: Session, rule_id: str | None = None) -> dict[str, RuleDecisions]:
    """Per rule: flags confirmed and dismissed (their latest decision), and the dismissal reasons."""
    out: dict[str, RuleDecisions] = {}
    condition: list[Any] = [Review.to_status.in_(["confirmed", "dismissed"])]
    if rule_id is not None:
        condition.append(Flag.rule_id == rule_id)
    stmt = (
        select(Flag.rule_id, Review.to_status, Review.reason, func.count(func.distinct(Flag.id)))
        .join(Review, Review.flag_id == Flag.id)
        .where(*condition, Flag.status == Review.to_status)  # the decision that stands
        .group_by(Flag.rule_id, Review.to_status, Review.reason)
    )
    for rid, status, reason, count in session.execute(stmt):
        record = out.setdefault(rid, RuleDecisions(rid))
        if status == "confirmed":
            record.confirmed += count
        else:
            record.dismissed += count
            key = reason or "other"
            record.reasons[key] = record.reasons.get(key, 0) + count
    return out
