"""One seller's page: their listings with flag counts, the contacts found in them, other sellers'
listings sharing a phone or Zalo number, and the decisions on the seller's flags. Nothing here commits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from storage.listing_view_repo import Decision, decisions_where
from storage.models import Flag, Listing, Seller, Source
from storage.models_review import Review
from storage.report_repo import FINAL_STATUSES

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
    decisions = decisions_where(
        session,
        and_(Listing.seller_id == seller_id, Review.to_status.in_(list(FINAL_STATUSES))),
        50,
    )
    return SellerProfile(seller, source, listings, contacts, related, decisions)
