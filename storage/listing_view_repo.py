"""A listing's dossier for the listing page: its flags, price history, seller, record and decisions.

A fixed number of queries per page whatever the number of flags (no per-flag look-ups). Nothing here
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, Row, and_, bindparam, select
from sqlalchemy.orm import Session, aliased

from storage.models import Flag, Listing, ListingObservation, Seller, Source
from storage.models_review import AppUser, Review

HISTORY = 100  # reviews shown on the listing page


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
    """Rows, not ORM objects: the page reads them only (attributes named as the models' columns)."""

    listing: Row[Any]  # every column of the listing
    source: str
    seller: Row[Any] | None  # every column of the seller
    flags: list[Row[Any]]  # id, rule_id, category, severity, score, status, evidence
    prices: list[tuple[datetime, int | None, int | None]]
    seller_listings: list[tuple[int, str, int | None, float]] = field(default_factory=list)
    seller_decisions: list[Decision] = field(default_factory=list)
    history: list[Decision] = field(default_factory=list)
    assignees: dict[int, str | None] = field(default_factory=dict)  # flag id -> latest assignee, if any


def _decisions_stmt(condition: Any, limit: Any) -> Any:
    return (
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


def decisions_where(session: Session, condition: Any, limit: int) -> list[Decision]:
    """Reviews matching ``condition`` (on review, flag or listing), newest first."""
    return [Decision(*r) for r in session.connection().execute(_decisions_stmt(condition, limit))]


_decisions = decisions_where  # the name the seller and case pages used


_LISTING, _FLAG, _SELLER = Listing.__table__, Flag.__table__, Seller.__table__
_FLAG_COLUMNS = ("id", "rule_id", "category", "severity", "score", "status", "evidence")

# The listing page's statements, built once with their values bound by name: building a Select and its
# cache key costs more CPU than PostgreSQL spends answering these primary-key and index look-ups.
_LISTING_ID, _SELLER_ID = bindparam("listing_id", type_=Integer()), bindparam("seller_id", type_=Integer())
_DOSSIER_LISTING = (
    select(_LISTING, Source.name.label("source_name"))
    .join_from(_LISTING, Source, Source.id == _LISTING.c.source_id)
    .where(_LISTING.c.id == _LISTING_ID)
)
_DOSSIER_SELLER = select(_SELLER).where(_SELLER.c.id == _SELLER_ID)
_DOSSIER_FLAGS = (
    select(*(_FLAG.c[name] for name in _FLAG_COLUMNS))
    .where(_FLAG.c.listing_id == _LISTING_ID)
    .order_by(_FLAG.c.score.desc(), _FLAG.c.id)
)
_DOSSIER_PRICES = (
    select(ListingObservation.observed_at, ListingObservation.price, ListingObservation.sold_count)
    .where(ListingObservation.listing_id == _LISTING_ID)
    .order_by(ListingObservation.observed_at.desc())
    .limit(60)
)
_DOSSIER_HISTORY = _decisions_stmt(Flag.listing_id == _LISTING_ID, HISTORY)
_DOSSIER_SELLER_LISTINGS = (
    select(Listing.id, Listing.title, Listing.price, Listing.risk_score)
    .where(Listing.seller_id == _SELLER_ID, Listing.id != _LISTING_ID)
    .order_by(Listing.risk_score.desc(), Listing.id.desc())
    .limit(20)
)
_DOSSIER_SELLER_DECISIONS = _decisions_stmt(
    and_(Listing.seller_id == _SELLER_ID, Review.to_status.in_(["confirmed", "dismissed", "escalated"])), 20
)
_assignee = aliased(AppUser)
_LATEST_ASSIGNEES = (
    select(Review.flag_id, _assignee.username)
    .join(_assignee, _assignee.id == Review.assignee_id)
    .where(Review.flag_id.in_(bindparam("flag_ids", expanding=True)))
    .order_by(Review.id)
)


def listing_dossier(session: Session, listing_id: int) -> Dossier | None:
    """Everything the listing page shows: flags, price history, the seller and their record.

    Core statements on the session's connection (same transaction): plain rows, none of the ORM's
    per-object bookkeeping for a page that only reads.
    """
    connection = session.connection()
    ids = {"listing_id": listing_id}
    listing = connection.execute(_DOSSIER_LISTING, ids).first()
    if listing is None:
        return None
    seller = None
    if listing.seller_id:
        ids["seller_id"] = listing.seller_id
        seller = connection.execute(_DOSSIER_SELLER, ids).first()
    flags = connection.execute(_DOSSIER_FLAGS, ids).all()
    prices = [(at, price, sold) for at, price, sold in connection.execute(_DOSSIER_PRICES, ids)]
    dossier = Dossier(listing, listing.source_name, seller, list(flags), prices)
    dossier.history = [Decision(*r) for r in connection.execute(_DOSSIER_HISTORY, ids)]
    dossier.assignees = dict.fromkeys(f.id for f in flags)
    if dossier.history:  # no review of the listing's flags at all: nobody is assigned
        dossier.assignees |= latest_assignees(session, [f.id for f in flags])
    if listing.seller_id:
        dossier.seller_listings = [
            (lid, title, price, risk)
            for lid, title, price, risk in connection.execute(_DOSSIER_SELLER_LISTINGS, ids)
        ]
        dossier.seller_decisions = [Decision(*r) for r in connection.execute(_DOSSIER_SELLER_DECISIONS, ids)]
    return dossier


def latest_assignees(session: Session, flag_ids: Sequence[int]) -> dict[int, str]:
    """{flag id: username of its latest assignee} for the flags that have one, in one query."""
    if not flag_ids:
        return {}
    found: dict[int, str] = {}
    for flag_id, username in session.connection().execute(_LATEST_ASSIGNEES, {"flag_ids": list(flag_ids)}):
        found[flag_id] = username  # the last one wins
    return found


def latest_assignee(session: Session, flag_id: int) -> str | None:
    return latest_assignees(session, [flag_id]).get(flag_id)
