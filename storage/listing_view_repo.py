"""A listing's dossier for the listing page: its flags, price history, seller, record and decisions.

A fixed number of queries per page whatever the number of flags (no per-flag look-ups). Nothing here
commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select
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
    listing: Listing
    source: str
    seller: Seller | None
    flags: list[Flag]
    prices: list[tuple[datetime, int | None, int | None]]
    seller_listings: list[tuple[int, str, int | None, float]] = field(default_factory=list)
    seller_decisions: list[Decision] = field(default_factory=list)
    history: list[Decision] = field(default_factory=list)
    assignees: dict[int, str | None] = field(default_factory=dict)  # flag id -> latest assignee, if any


def decisions_where(session: Session, condition: Any, limit: int) -> list[Decision]:
    """Reviews matching ``condition`` (on review, flag or listing), newest first."""
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


_decisions = decisions_where  # the name the seller and case pages used


def listing_dossier(session: Session, listing_id: int) -> Dossier | None:
    """Everything the listing page shows: flags, price history, the seller and their record."""
    found = session.execute(
        select(Listing, Source.name)
        .join(Source, Source.id == Listing.source_id)
        .where(Listing.id == listing_id)
    ).first()
    if found is None:
        return None
    listing, source = found
    seller = session.get(Seller, listing.seller_id) if listing.seller_id else None
    flags = list(
        session.scalars(
            select(Flag).where(Flag.listing_id == listing_id).order_by(Flag.score.desc(), Flag.id)
        )
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
    dossier.history = decisions_where(session, Flag.listing_id == listing_id, HISTORY)
    dossier.assignees = dict.fromkeys(f.id for f in flags)
    if dossier.history:  # no review of the listing's flags at all: nobody is assigned
        dossier.assignees |= latest_assignees(session, [f.id for f in flags])
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
        dossier.seller_decisions = decisions_where(
            session,
            and_(
                Listing.seller_id == listing.seller_id,
                Review.to_status.in_(["confirmed", "dismissed", "escalated"]),
            ),
            20,
        )
    return dossier


def latest_assignees(session: Session, flag_ids: Sequence[int]) -> dict[int, str]:
    """{flag id: username of its latest assignee} for the flags that have one, in one query."""
    if not flag_ids:
        return {}
    assignee = aliased(AppUser)
    found: dict[int, str] = {}
    for flag_id, username in session.execute(
        select(Review.flag_id, assignee.username)
        .join(assignee, assignee.id == Review.assignee_id)
        .where(Review.flag_id.in_(list(flag_ids)))
        .order_by(Review.id)
    ):
        found[flag_id] = username  # the last one wins
    return found


def latest_assignee(session: Session, flag_id: int) -> str | None:
    return latest_assignees(session, [flag_id]).get(flag_id)
