"""The review queue: flags awaiting review, riskiest listing first, filtered, keyset-paginated.

The flag carries copies of its listing's risk score, source, seller and provinces
(:data:`storage.models.FLAG_LISTING_COLUMNS`), so the default queue is one backward range scan of the
partial index ``ix_flag_open_queue``; the listing is joined by primary key for the rows shown only.
Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import Integer, String, and_, bindparam, func, not_, or_, select, tuple_
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


# A filter's *shape* (which filters are set, which statuses, whether a cursor or a rare-id list applies)
# decides the statement; the values are bound by name at execution. Building a Select and its cache key
# costs about a millisecond of CPU per request, more than PostgreSQL spends answering it, so each shape's
# statement is built once and reused (there are a few dozen shapes in practice; the cache is bounded).
_BY_NAME = {
    "category": Flag.category,
    "severity": Flag.severity,
    "rule_id": Flag.rule_id,
    "created_from": Flag.created_at,
    "created_before": Flag.created_at,
}


def _param(name: str) -> Any:
    return bindparam(name, type_=_BY_NAME[name].type)


def _like_pattern(text: str) -> str:
    """``%text%`` for LIKE with ``/`` as the escape character (what ``icontains(autoescape=True)`` binds)."""
    return "%" + text.replace("/", "//").replace("%", "/%").replace("_", "/_") + "%"


class _Shape(NamedTuple):
    """Which filters are set (the statuses themselves are inline constants, see :func:`status_in`)."""

    statuses: tuple[str, ...]
    category: bool
    severity: bool
    rule_id: bool
    source: bool
    province: bool
    created_from: bool
    created_before: bool
    text: bool
    from_tip: bool


def _shape(f: QueueFilters) -> _Shape:
    return _Shape(
        f.statuses, bool(f.category), bool(f.severity), bool(f.rule_id), bool(f.source), bool(f.province),
        bool(f.created_from), bool(f.created_before), bool(f.text), f.from_tip,
    )  # fmt: skip


def _values(f: QueueFilters) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: value
        for name, value in (
            ("category", f.category), ("severity", f.severity), ("rule_id", f.rule_id),
            ("source", f.source), ("province", f.province), ("created_from", f.created_from),
            ("created_before", f.created_before),
        )
        if value
    }  # fmt: skip
    if f.text:
        values["text"] = _like_pattern(f.text)
    return values


def _flag_side(f: _Shape) -> list[Any]:
    """The conditions on the flag's own columns, its values bound by name (see :func:`_values`)."""
    conditions: list[Any] = [status_in(f.statuses)]
    for name, present in (("category", f.category), ("severity", f.severity), ("rule_id", f.rule_id)):
        if present:
            conditions.append(_BY_NAME[name] == _param(name))
    if f.created_from:
        conditions.append(Flag.created_at >= _param("created_from"))
    if f.created_before:
        conditions.append(Flag.created_at < _param("created_before"))
    return conditions


def _queue_conditions(f: _Shape) -> list[Any]:
    """The WHERE conditions of a filter shape, its values bound by name (see :func:`_values`)."""
    conditions = _flag_side(f)
    if f.source:
        conditions.append(
            Flag.source_id
            == select(Source.id).where(Source.name == bindparam("source", type_=String())).scalar_subquery()
        )
    if f.province:
        province = bindparam("province", type_=String())
        conditions.append(or_(Flag.province == province, Flag.province_legacy == province))
    if f.from_tip:
        conditions.append(_from_tip())
    if f.text:
        pattern = func.lower(bindparam("text", type_=String()))
        conditions.append(
            or_(
                func.lower(Listing.title).like(pattern, escape="/"),
                func.lower(Listing.shop_name).like(pattern, escape="/"),
            )
        )
    return conditions


# A filter on the flag's own columns matching at most this many flags is "rare": the queue then starts
# from those flags instead of walking the queue index riskiest first (a walk that finds nothing reads
# every open flag).
RARE_FLAGS = 2000


@lru_cache(maxsize=256)
def _rare_probe(shape: _Shape) -> Any:
    return select(Flag.id).where(*_flag_side(shape)).limit(RARE_FLAGS + 1)


@lru_cache(maxsize=256)
def _rare_count(shape: _Shape) -> Any:
    """How many of the probe's ids there are (at most RARE_FLAGS + 1): counted in the database, so a
    filter that is not selective does not send thousands of ids to be thrown away."""
    return select(func.count()).select_from(_rare_probe(shape).subquery())


def _indexed_in_queue_order(shape: _Shape) -> bool:
    """Open flags of one category and severity, and no other flag-side filter: ``ix_flag_open_category_
    severity`` holds them in queue order, so the queue walks only them and a probe would be a wasted trip."""
    return (
        shape.statuses == OPEN_STATUSES
        and shape.category
        and shape.severity
        and not (shape.rule_id or shape.created_from or shape.created_before)
    )


def _rare_flag_ids(session: Session, f: QueueFilters) -> list[int] | None:
    """The ids of the flags a selective flag-side filter matches, or None if it is not selective."""
    shape = _shape(f)
    if not any(getattr(shape, name) for name in _BY_NAME) or _indexed_in_queue_order(shape):
        return None
    # Only the flag-side filters: the other fields of the shape are ignored by the probe.
    probe_shape = shape._replace(source=False, province=False, text=False, from_tip=False)
    values = {k: v for k, v in _values(f).items() if k in _BY_NAME}
    connection = session.connection()
    if connection.execute(_rare_count(probe_shape), values).scalar_one() > RARE_FLAGS:
        return None
    return list(connection.execute(_rare_probe(probe_shape), values).scalars())


@lru_cache(maxsize=256)
def _queue_statement(shape: _Shape, rare: bool, after: bool) -> Any:
    """The queue's statement for one filter shape, with or without a rare-id list and a cursor."""
    stmt = (
        select(
            Flag.id, Flag.listing_id, Source.name, Listing.title, Listing.shop_name, Listing.price,
            Flag.province, Flag.province_legacy, Flag.category, Flag.severity, Flag.rule_id,
            Flag.score, Flag.status, Flag.risk_score, Flag.created_at, _from_tip(),
        )
        .join(Listing, Listing.id == Flag.listing_id)
        .join(Source, Source.id == Listing.source_id)
        .where(*_queue_conditions(shape))
    )  # fmt: skip
    if rare:
        stmt = stmt.where(Flag.id.in_(bindparam("rare", expanding=True)))
    if after:
        # (risk, listing) <= cursor is a range of the queue index; the flag id breaks the tie.
        risk = bindparam("after_risk", type_=Flag.risk_score.type)
        listing = bindparam("after_listing", type_=Flag.listing_id.type)
        stmt = stmt.where(
            tuple_(Flag.risk_score, Flag.listing_id) <= tuple_(risk, listing),
            not_(
                and_(
                    Flag.risk_score == risk,
                    Flag.listing_id == listing,
                    Flag.id >= bindparam("after_flag", type_=Flag.id.type),
                )
            ),
        )
    return stmt.order_by(Flag.risk_score.desc(), Flag.listing_id.desc(), Flag.id.desc()).limit(
        bindparam("limit", type_=Integer())
    )


def review_queue(
    session: Session, filters: QueueFilters, *, after: QueueCursor | None = None, limit: int = 50
) -> QueuePage:
    """Flags awaiting review, riskiest listing first; keyset-paginated (never OFFSET)."""
    rare = _rare_flag_ids(session, filters)
    if rare is not None and not rare:
        return QueuePage([], None)
    values = _values(filters) | {"limit": limit + 1}
    if rare is not None:
        values["rare"] = rare
    if after is not None:
        values |= {
            "after_risk": after.risk_score,
            "after_listing": after.listing_id,
            "after_flag": after.flag_id,
        }
    stmt = _queue_statement(_shape(filters), rare is not None, after is not None)
    # Through the session's connection: a Core statement needs none of the ORM's result machinery.
    rows = list(map(QueueRow._make, session.connection().execute(stmt, values)))
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = QueueCursor(rows[-1].risk_score, rows[-1].listing_id, rows[-1].flag_id) if more else None
    return QueuePage(rows, cursor)


def source_names(session: Session) -> list[str]:
    return list(session.scalars(select(Source.name).order_by(Source.name)))
