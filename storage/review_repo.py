"""Queries of the review UI: the queue, a listing's dossier, flag transitions, audit log and tips.

Like :mod:`storage.repositories`, nothing here commits: the request that calls it does.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Text, and_, cast, func, not_, or_, select, tuple_, update
from sqlalchemy.orm import Session, aliased

from storage.models import Flag, Listing, ListingObservation, Seller, Source, utcnow
from storage.models_review import AppUser, AuditLog, Review, Tip

OPEN_STATUSES = ("new", "in_review")

# --- the queue ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueFilters:
    statuses: tuple[str, ...] = OPEN_STATUSES
    category: str | None = None
    severity: str | None = None
    source: str | None = None
    province: str | None = None  # matches the current or the pre-2025 province
    rule_id: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    text: str | None = None  # in the title or the shop name
    from_tip: bool = False  # only listings a citizen's tip led the tips spider to


@dataclass(frozen=True, slots=True)
class QueueCursor:
    """Where a page of the queue ended: (risk score, listing id, flag id), all descending."""

    risk_score: float
    listing_id: int
    flag_id: int

    def encode(self) -> str:
        return f"{self.risk_score!r}_{self.listing_id}_{self.flag_id}"

    @classmethod
    def decode(cls, value: str | None) -> QueueCursor | None:
        try:
            risk, listing_id, flag_id = (value or "").split("_")
            return cls(float(risk), int(listing_id), int(flag_id))
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class QueueRow:
    flag_id: int
    listing_id: int
    source: str
    title: str
    shop_name: str | None
    price: int | None
    province: str | None
    province_legacy: str | None
    category: str
    severity: str
    rule_id: str
    score: float
    status: str
    risk_score: float
    created_at: datetime
    from_tip: bool


@dataclass(slots=True)
class QueuePage:
    rows: list[QueueRow]
    next_cursor: QueueCursor | None


def _from_tip() -> Any:
    return select(Tip.id).where(Tip.listing_id == Listing.id).exists()


def _queue_conditions(f: QueueFilters) -> list[Any]:
    conditions: list[Any] = [Flag.status.in_(list(f.statuses))]
    if f.category:
        conditions.append(Flag.category == f.category)
    if f.severity:
        conditions.append(Flag.severity == f.severity)
    if f.rule_id:
        conditions.append(Flag.rule_id == f.rule_id)
    if f.source:
        conditions.append(Source.name == f.source)
    if f.province:
        conditions.append(or_(Listing.province == f.province, Listing.province_legacy == f.province))
    if f.created_from:
        conditions.append(Flag.created_at >= f.created_from)
    if f.created_before:
        conditions.append(Flag.created_at < f.created_before)
    if f.from_tip:
        conditions.append(_from_tip())
    if f.text:
        conditions.append(
            or_(
                Listing.title.icontains(f.text, autoescape=True),
                Listing.shop_name.icontains(f.text, autoescape=True),
            )
        )
    return conditions


# A filter on the flag's own columns matching at most this many flags is "rare": the queue then starts
# from those flags instead of walking listings riskiest first (a walk that finds nothing reads them all).
RARE_FLAGS = 2000


def _rare_flag_ids(session: Session, f: QueueFilters) -> list[int] | None:
    """The ids of the flags a selective flag-side filter matches, or None if it is not selective."""
    conditions: list[Any] = []
    for column, value in (
        (Flag.category, f.category),
        (Flag.severity, f.severity),
        (Flag.rule_id, f.rule_id),
    ):
        if value:
            conditions.append(column == value)
    if f.created_from:
        conditions.append(Flag.created_at >= f.created_from)
    if f.created_before:
        conditions.append(Flag.created_at < f.created_before)
    if not conditions:
        return None
    probe = select(Flag.id).where(Flag.status.in_(list(f.statuses)), *conditions).limit(RARE_FLAGS + 1)
    ids = list(session.scalars(probe))
    return ids if len(ids) <= RARE_FLAGS else None


def review_queue(
    session: Session, filters: QueueFilters, *, after: QueueCursor | None = None, limit: int = 50
) -> QueuePage:
    """Flags awaiting review, riskiest listing first; keyset-paginated (never OFFSET)."""
    rare = _rare_flag_ids(session, filters)
    if rare is not None and not rare:
        return QueuePage([], None)
    stmt = (
        select(
            Flag.id, Listing.id, Source.name, Listing.title, Listing.shop_name, Listing.price,
            Listing.province, Listing.province_legacy, Flag.category, Flag.severity, Flag.rule_id,
            Flag.score, Flag.status, Listing.risk_score, Flag.created_at, _from_tip(),
        )
        .join(Listing, Listing.id == Flag.listing_id)
        .join(Source, Source.id == Listing.source_id)
        .where(*_queue_conditions(filters))
    )  # fmt: skip
    if rare is not None:
        stmt = stmt.where(Flag.id.in_(rare))
    if after is not None:
        # (risk, listing) <= cursor uses ix_listing_risk_score_id; the flag id breaks the tie.
        stmt = stmt.where(
            tuple_(Listing.risk_score, Listing.id) <= tuple_(after.risk_score, after.listing_id),
            not_(
                and_(
                    Listing.risk_score == after.risk_score,
                    Listing.id == after.listing_id,
                    Flag.id >= after.flag_id,
                )
            ),
        )
    stmt = stmt.order_by(Listing.risk_score.desc(), Listing.id.desc(), Flag.id.desc()).limit(limit + 1)
    rows = [QueueRow(*r) for r in session.execute(stmt)]  # type: ignore[call-arg]  # 16 columns: untyped Row
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = QueueCursor(rows[-1].risk_score, rows[-1].listing_id, rows[-1].flag_id) if more else None
    return QueuePage(rows, cursor)


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))


# --- a listing's dossier --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    flag_id: int
    listing_id: int
    title: str
    action: str
    to_status: str
    category: str | None
    reason: str | None
    note: str | None
    username: str
    created_at: datetime


@dataclass(slots=True)
class Dossier:
    listing: Listing
    source: str
    seller: Seller | None
    flags: list[Flag]
    prices: list[tuple[datetime, int | None, int | None]]
    seller_listings: list[tuple[int, str, int | None, float]] = field(default_factory=list)
    seller_decisions: list[Decision] = field(default_factory=list)
    history: list[Decision] = field(default_factory=list)


def _decisions(session: Session, condition: Any, limit: int) -> list[Decision]:
    stmt = (
        select(
            Review.flag_id, Flag.listing_id, Listing.title, Review.action, Review.to_status,
            Review.category, Review.reason, Review.note, AppUser.username, Review.created_at,
        )
        .join(Flag, Flag.id == Review.flag_id)
        .join(Listing, Listing.id == Flag.listing_id)
        .join(AppUser, AppUser.id == Review.user_id)
        .where(condition)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [Decision(*r) for r in session.execute(stmt)]


def listing_dossier(session: Session, listing_id: int) -> Dossier | None:
    """Everything the listing page shows: flags, price history, the seller and their record."""
    listing = session.get(Listing, listing_id)
    if listing is None:
        return None
    source = session.execute(select(Source.name).where(Source.id == listing.source_id)).scalar_one()
    seller = session.get(Seller, listing.seller_id) if listing.seller_id else None
    flags = list(
        session.scalars(select(Flag).where(Flag.listing_id == listing_id).order_by(Flag.score.desc()))
    )
    prices = [
        (at, price, sold)
        for at, price, sold in session.execute(
            select(ListingObservation.observed_at, ListingObservation.price, ListingObservation.sold_count)
            .where(ListingObservation.listing_id == listing_id)
            .order_by(ListingObservation.observed_at.desc())
            .limit(60)
        )
    ]
    dossier = Dossier(listing, source, seller, flags, prices)
    dossier.history = _decisions(session, Flag.listing_id == listing_id, 100)
    if listing.seller_id:
        dossier.seller_listings = [
            (lid, title, price, risk)
            for lid, title, price, risk in session.execute(
                select(Listing.id, Listing.title, Listing.price, Listing.risk_score)
                .where(Listing.seller_id == listing.seller_id, Listing.id != listing_id)
                .order_by(Listing.risk_score.desc(), Listing.id.desc())
                .limit(20)
            )
        ]
        dossier.seller_decisions = _decisions(
            session,
            and_(
                Listing.seller_id == listing.seller_id,
                Review.to_status.in_(["confirmed", "dismissed", "escalated"]),
            ),
            20,
        )
    return dossier


# --- flag transitions -----------------------------------------------------------------------------


def move_flag(session: Session, flag_id: int, *, from_status: str, to_status: str) -> bool:
    """Change a flag's status only if nobody changed it since it was read (False if they did)."""
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


def latest_assignee(session: Session, flag_id: int) -> str | None:
    assignee = aliased(AppUser)
    return session.execute(
        select(assignee.username)
        .join(Review, Review.assignee_id == assignee.id)
        .where(Review.flag_id == flag_id)
        .order_by(Review.id.desc())
        .limit(1)
    ).scalar_one_or_none()


# --- audit log ------------------------------------------------------------------------------------


def audit(
    session: Session,
    action: str,
    *,
    user: AppUser | None = None,
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


# --- tips -----------------------------------------------------------------------------------------


def add_tip(session: Session, *, url: str, description: str, contact: str | None, ip_hash: str) -> Tip:
    tip = Tip(
        url=url,
        description=description,
        contact=contact,
        ip_hash=ip_hash,
        status="queued",
        created_at=utcnow(),
    )
    session.add(tip)
    session.flush()
    return tip


def tips_since(session: Session, ip_hash: str, since: datetime) -> int:
    return session.execute(
        select(func.count(Tip.id)).where(Tip.ip_hash == ip_hash, Tip.created_at >= since)
    ).scalar_one()


def queued_tips(session: Session, limit: int = 100) -> list[Tip]:
    """Tips waiting for the tips spider, oldest first."""
    stmt = select(Tip).where(Tip.status == "queued").order_by(Tip.created_at, Tip.id).limit(limit)
    return list(session.scalars(stmt))


def mark_tip_crawled(session: Session, tip_id: int, listing_id: int) -> bool:
    """The tips spider stored the tip's listing: link it (its flags then show as "from a tip").

    Only a queued tip changes (False otherwise), so a tip crawled twice keeps its first listing.
    """
    result = session.execute(
        update(Tip)
        .where(Tip.id == tip_id, Tip.status == "queued")
        .values(status="crawled", listing_id=listing_id)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    audit(session, "tip_crawled", username="spider:urls", object_type="tip", object_id=tip_id,
          before={"status": "queued"}, after={"status": "crawled", "listing_id": listing_id})  # fmt: skip
    return True


def mark_tip_failed(session: Session, tip_id: int, reason: str) -> bool:
    """The tips spider could not make a listing of the tip (gone, unsupported site, blocked)."""
    result = session.execute(
        update(Tip).where(Tip.id == tip_id, Tip.status == "queued").values(status="failed")
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    audit(session, "tip_failed", username="spider:urls", object_type="tip", object_id=tip_id,
          before={"status": "queued"}, after={"status": "failed", "reason": reason[:500]})  # fmt: skip
    return True


def recent_tips(session: Session, statuses: Sequence[str] = ("queued",), limit: int = 100) -> list[Tip]:
    return list(
        session.scalars(
            select(Tip).where(Tip.status.in_(list(statuses))).order_by(Tip.id.desc()).limit(limit)
        )
    )


# --- reports --------------------------------------------------------------------------------------

FINAL_STATUSES = ("confirmed", "dismissed", "escalated")


def _local_day(session: Session, column: Any) -> Any:
    """The calendar day in Vietnam (UTC+7, no daylight saving) of a UTC timestamp column."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("Asia/Ho_Chi_Minh", column))
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
    stmt = (
        select(
            day, Flag.category, Source.name, Listing.province, Listing.province_legacy, func.count(Flag.id)
        )
        .join(Listing, Listing.id == Flag.listing_id)
        .join(Source, Source.id == Listing.source_id)
        .where(Flag.created_at >= start, Flag.created_at < end)
        .group_by(day, Flag.category, Source.name, Listing.province, Listing.province_legacy)
    )
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
    """Repeat offenders: sellers ranked by confirmed flags, then by flags of any status."""
    confirmed = func.count(Flag.id).filter(Flag.status == "confirmed")
    stmt = (
        select(
            Seller.id, Seller.name, Source.name, confirmed, func.count(Flag.id),
            func.count(func.distinct(Listing.id)),
        )
        .join(Listing, Listing.seller_id == Seller.id)
        .join(Flag, Flag.listing_id == Listing.id)
        .join(Source, Source.id == Seller.source_id)
        .group_by(Seller.id, Seller.name, Source.name)
        .having(confirmed >= min_confirmed)
        .order_by(confirmed.desc(), func.count(Flag.id).desc(), Seller.id)
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


# --- sellers --------------------------------------------------------------------------------------

CONTACT_KINDS = ("phones", "zalo", "links")


@dataclass(frozen=True, slots=True)
class SellerListing:
    listing_id: int
    source: str
    title: str
    price: int | None
    risk_score: float
    shop_name: str | None
    flags: int
    confirmed: int


@dataclass(slots=True)
class SellerProfile:
    seller: Seller
    source: str
    listings: list[SellerListing]
    contacts: dict[str, list[str]]
    related: list[SellerListing]  # other sellers' listings sharing a phone or Zalo number
    decisions: list[Decision]


def _seller_listings(session: Session, condition: Any, limit: int) -> list[SellerListing]:
    stmt = (
        select(
            Listing.id, Source.name, Listing.title, Listing.price, Listing.risk_score, Listing.shop_name,
            func.count(Flag.id), func.count(Flag.id).filter(Flag.status == "confirmed"),
        )
        .join(Source, Source.id == Listing.source_id)
        .outerjoin(Flag, Flag.listing_id == Listing.id)
        .where(condition)
        .group_by(Listing.id, Source.name)
        .order_by(Listing.risk_score.desc(), Listing.id.desc())
        .limit(limit)
    )  # fmt: skip
    return [SellerListing(*row) for row in session.execute(stmt)]


def _contacts_text_contains(value: str) -> Any:
    """The listing's contacts JSON holds ``value`` as a whole string (portable: JSON text search)."""
    return cast(Listing.contacts, Text).contains(json.dumps(value), autoescape=True)


def seller_profile(session: Session, seller_id: int, *, limit: int = 200) -> SellerProfile | None:
    """A seller's listings (with their flags), the contacts found in them and who else uses those."""
    seller = session.get(Seller, seller_id)
    if seller is None:
        return None
    source = session.execute(select(Source.name).where(Source.id == seller.source_id)).scalar_one()
    listings = _seller_listings(session, Listing.seller_id == seller_id, limit)
    contacts: dict[str, list[str]] = {kind: [] for kind in CONTACT_KINDS}
    for (found,) in session.execute(
        select(Listing.contacts).where(Listing.seller_id == seller_id).limit(limit)
    ):
        for kind in CONTACT_KINDS:
            for value in (found or {}).get(kind) or []:
                if isinstance(value, str) and value not in contacts[kind]:
                    contacts[kind].append(value)
    numbers = (contacts["phones"] + contacts["zalo"])[:20]
    related: list[SellerListing] = []
    if numbers:
        related = _seller_listings(
            session,
            and_(
                or_(Listing.seller_id.is_(None), Listing.seller_id != seller_id),
                or_(*[_contacts_text_contains(n) for n in numbers]),
            ),
            50,
        )
    decisions = _decisions(
        session,
        and_(Listing.seller_id == seller_id, Review.to_status.in_(list(FINAL_STATUSES))),
        50,
    )
    return SellerProfile(seller, source, listings, contacts, related, decisions)


# --- rule precision -------------------------------------------------------------------------------


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
