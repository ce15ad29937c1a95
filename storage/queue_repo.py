"""The review queue: flags awaiting review, riskiest listing first, filtered, keyset-paginated.

The flag carries copies of its listing's risk score, source, seller and provinces
(:data:`storage.models.FLAG_LISTING_COLUMNS`), so the default queue is one backward range scan of the
partial index ``ix_flag_open_queue``; the listing is joined by primary key for the rows shown only.
Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, bindparam, not_, or_, select, tuple_
from sqlalchemy.orm import Session

from storage.models import Flag, Listing, Source
from storage.models_review import Tip

OPEN_STATUSES = ("new", "in_review")


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


class QueueRow(NamedTuple):
    """One row of the queue, in the order the query selects (a tuple: cheap to build, 50 per page)."""

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


def status_in(statuses: tuple[str, ...]) -> Any:
    """``flag.status IN ('new', 'in_review')`` with the values inline, not bound.

    PostgreSQL proves a partial index's predicate from constants only: with bound values, a prepared
    (generic) plan could not use ``ix_flag_open_queue``. The values are the fixed status names.
    """
    return Flag.status.in_(bindparam("statuses", list(statuses), expanding=True, literal_execute=True))


def _from_tip() -> Any:
    return select(Tip.id).where(Tip.listing_id == Flag.listing_id).exists()


def _queue_conditions(f: QueueFilters) -> list[Any]:
    conditions: list[Any] = [status_in(f.statuses)]
    if f.category:
        conditions.append(Flag.category == f.category)
    if f.severity:
        conditions.append(Flag.severity == f.severity)
    if f.rule_id:
        conditions.append(Flag.rule_id == f.rule_id)
    if f.source:
        conditions.append(
            Flag.source_id == select(Source.id).where(Source.name == f.source).scalar_subquery()
        )
    if f.province:
        conditions.append(or_(Flag.province == f.province, Flag.province_legacy == f.province))
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
# from those flags instead of walking the queue index riskiest first (a walk that finds nothing reads
# every open flag).
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
    probe = select(Flag.id).where(status_in(f.statuses), *conditions).limit(RARE_FLAGS + 1)
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
            Flag.id, Flag.listing_id, Source.name, Listing.title, Listing.shop_name, Listing.price,
            Flag.province, Flag.province_legacy, Flag.category, Flag.severity, Flag.rule_id,
            Flag.score, Flag.status, Flag.risk_score, Flag.created_at, _from_tip(),
        )
        .join(Listing, Listing.id == Flag.listing_id)
        .join(Source, Source.id == Listing.source_id)
        .where(*_queue_conditions(filters))
    )  # fmt: skip
    if rare is not None:
        stmt = stmt.where(Flag.id.in_(rare))
    if after is not None:
        # (risk, listing) <= cursor is a range of the queue index; the flag id breaks the tie.
        stmt = stmt.where(
            tuple_(Flag.risk_score, Flag.listing_id) <= tuple_(after.risk_score, after.listing_id),
            not_(
                and_(
                    Flag.risk_score == after.risk_score,
                    Flag.listing_id == after.listing_id,
                    Flag.id >= after.flag_id,
                )
            ),
        )
    stmt = stmt.order_by(Flag.risk_score.desc(), Flag.listing_id.desc(), Flag.id.desc()).limit(limit + 1)
    # Through the session's connection: a Core statement needs none of the ORM's result machinery.
    rows = list(map(QueueRow._make, session.connection().execute(stmt)))
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = QueueCursor(rows[-1].risk_score, rows[-1].listing_id, rows[-1].flag_id) if more else None
    return QueuePage(rows, cursor)


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))
