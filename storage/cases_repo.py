"""Queries of the review UI's cases (case files of listings) and of its admin pages (users, crawl runs).

Like the other repositories, nothing here commits: the request that calls it does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from storage.models import CrawlRun, Flag, Listing, Seller, Source, utcnow
from storage.models_review import AppUser, Case, CaseItem, Review, UserSession

# status -> statuses it may move to
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "open": ("submitted",),
    "submitted": ("open", "closed"),
    "closed": (),
}

# --- cases ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseSummary:
    id: int
    title: str
    status: str
    listings: int
    created_by: str
    created_at: datetime
    updated_at: datetime


def create_case(
    session: Session,
    *,
    title: str,
    user_id: int,
    seller_id: int | None = None,
    legal_basis: str | None = None,
    note: str | None = None,
) -> Case:
    now = utcnow()
    case = Case(
        title=title, seller_id=seller_id, legal_basis=legal_basis, note=note, status="open",
        created_by=user_id, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(case)
    session.flush()
    return case


def recent_cases(
    session: Session, statuses: Sequence[str] | None = None, *, limit: int = 200
) -> list[CaseSummary]:
    """Cases, most recently changed first, with their number of listings."""
    stmt = (
        select(
            Case.id, Case.title, Case.status, func.count(CaseItem.id), AppUser.username, Case.created_at,
            Case.updated_at,
        )
        .join(AppUser, AppUser.id == Case.created_by)
        .outerjoin(CaseItem, CaseItem.case_id == Case.id)
        .group_by(Case.id, AppUser.username)
        .order_by(Case.updated_at.desc(), Case.id.desc())
        .limit(limit)
    )  # fmt: skip
    if statuses:
        stmt = stmt.where(Case.status.in_(list(statuses)))
    return [CaseSummary(*row) for row in session.execute(stmt)]


def cases_with_listing(session: Session, listing_id: int) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .join(CaseItem, CaseItem.case_id == Case.id)
            .where(CaseItem.listing_id == listing_id)
            .order_by(Case.id.desc())
        )
    )


def move_case(session: Session, case_id: int, *, from_status: str, to_status: str) -> bool:
    """Change a case's status only if nobody changed it since it was read (False if they did)."""
    result = session.execute(
        update(Case)
        .where(Case.id == case_id, Case.status == from_status)
        .values(status=to_status, updated_at=utcnow())
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def touch_case(session: Session, case: Case) -> None:
    case.updated_at = utcnow()


def listing_ids_of_flags(session: Session, flag_ids: Iterable[int]) -> dict[int, int]:
    """flag id -> its listing id, for the flags that exist."""
    ids = list(flag_ids)
    if not ids:
        return {}
    return {
        flag_id: listing_id
        for flag_id, listing_id in session.execute(select(Flag.id, Flag.listing_id).where(Flag.id.in_(ids)))
    }


def listing_flags(session: Session, listing_id: int) -> list[Flag]:
    return list(
        session.scalars(
            select(Flag).where(Flag.listing_id == listing_id).order_by(Flag.score.desc(), Flag.id)
        )
    )


def existing_listing_ids(session: Session, listing_ids: Iterable[int]) -> set[int]:
    ids = list(listing_ids)
    if not ids:
        return set()
    return set(session.scalars(select(Listing.id).where(Listing.id.in_(ids))))


def confirmed_listings_of_seller(session: Session, seller_id: int, *, limit: int) -> list[tuple[int, int]]:
    """(listing id, a confirmed flag id) for the seller's listings with a confirmed violation, newest first."""
    rows = session.execute(
        select(Flag.listing_id, func.max(Flag.id))
        .where(Flag.seller_id == seller_id, Flag.status == "confirmed")
        .group_by(Flag.listing_id)
        .order_by(Flag.listing_id.desc())
        .limit(limit)
    )
    return [(listing_id, flag_id) for listing_id, flag_id in rows]


def add_case_items(
    session: Session, case_id: int, items: Sequence[tuple[int, int | None]], *, user_id: int
) -> list[int]:
    """Add (listing id, flag id) pairs to a case; returns the listing ids that were not in it yet."""
    present = set(session.scalars(select(CaseItem.listing_id).where(CaseItem.case_id == case_id)))
    now = utcnow()
    added: list[int] = []
    for listing_id, flag_id in items:
        if listing_id in present:
            continue
        present.add(listing_id)
        session.add(
            CaseItem(case_id=case_id, listing_id=listing_id, flag_id=flag_id, added_by=user_id, added_at=now)
        )
        added.append(listing_id)
    session.flush()
    return added


def case_listing_ids(session: Session, case_id: int) -> list[int]:
    return list(
        session.scalars(
            select(CaseItem.listing_id)
            .where(CaseItem.case_id == case_id)
            .order_by(CaseItem.added_at, CaseItem.id)
        )
    )


def remove_case_item(session: Session, case_id: int, listing_id: int) -> bool:
    result = session.execute(
        delete(CaseItem).where(CaseItem.case_id == case_id, CaseItem.listing_id == listing_id)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class CaseDecision:
    flag_id: int
    rule_id: str
    action: str
    from_status: str
    to_status: str
    category: str | None
    legal_basis: str | None
    reason: str | None
    note: str | None
    username: str
    created_at: datetime


@dataclass(slots=True)
class CaseEntry:
    """One listing of a case with everything the case page and its exports show about it."""

    listing: Listing
    source: str
    seller: Seller | None
    flag_id: int | None  # the flag that brought the listing into the case
    added_by: str
    added_at: datetime
    flags: list[Flag] = field(default_factory=list)
    decisions: list[CaseDecision] = field(default_factory=list)

    @property
    def evidence(self) -> list[dict[str, Any]]:
        return [item for flag in self.flags for item in (flag.evidence or [])]

    @property
    def categories(self) -> list[str]:
        return sorted({flag.category for flag in self.flags})


@dataclass(slots=True)
class CaseDossier:
    case: Case
    created_by: str
    seller: Seller | None
    seller_source: str | None
    entries: list[CaseEntry]


def case_dossier(session: Session, case_id: int) -> CaseDossier | None:
    """A case with its listings, their sources, sellers, flags and the decisions on those flags."""
    case = session.get(Case, case_id)
    if case is None:
        return None
    created_by = session.execute(select(AppUser.username).where(AppUser.id == case.created_by)).scalar_one()
    seller, seller_source = None, None
    if case.seller_id is not None:
        row = session.execute(
            select(Seller, Source.name)
            .join(Source, Source.id == Seller.source_id)
            .where(Seller.id == case.seller_id)
        ).first()
        if row is not None:
            seller, seller_source = row
    rows = session.execute(
        select(Listing, Source.name, CaseItem.flag_id, AppUser.username, CaseItem.added_at)
        .join(CaseItem, CaseItem.listing_id == Listing.id)
        .join(Source, Source.id == Listing.source_id)
        .join(AppUser, AppUser.id == CaseItem.added_by)
        .where(CaseItem.case_id == case_id)
        .order_by(CaseItem.added_at, CaseItem.id)
    ).all()
    listing_ids = [listing.id for listing, *_ in rows]
    seller_ids = {listing.seller_id for listing, *_ in rows if listing.seller_id}
    sellers = (
        {s.id: s for s in session.scalars(select(Seller).where(Seller.id.in_(seller_ids)))}
        if seller_ids
        else {}
    )
    entries = {
        listing.id: CaseEntry(listing, source, sellers.get(listing.seller_id or 0), flag_id, by, at)
        for listing, source, flag_id, by, at in rows
    }
    if listing_ids:
        for flag in session.scalars(
            select(Flag).where(Flag.listing_id.in_(listing_ids)).order_by(Flag.score.desc(), Flag.id)
        ):
            entries[flag.listing_id].flags.append(flag)
        stmt = (
            select(
                Flag.listing_id, Review.flag_id, Flag.rule_id, Review.action, Review.from_status,
                Review.to_status, Review.category, Review.legal_basis, Review.reason, Review.note,
                AppUser.username, Review.created_at,
            )
            .join(Flag, Flag.id == Review.flag_id)
            .join(AppUser, AppUser.id == Review.user_id)
            .where(Flag.listing_id.in_(listing_ids))
            .order_by(Review.created_at, Review.id)
        )  # fmt: skip
        for listing_id, *decision in session.execute(stmt):
            entries[listing_id].decisions.append(CaseDecision(*decision))
    return CaseDossier(case, created_by, seller, seller_source, list(entries.values()))


# --- admin: users ---------------------------------------------------------------------------------


def all_users(session: Session) -> list[AppUser]:
    return list(session.scalars(select(AppUser).order_by(AppUser.username)))


def active_admin_ids(session: Session) -> list[int]:
    """Ids of the active admins, locked for this transaction (PostgreSQL) so two admins demoting each
    other at once cannot both succeed."""
    return list(
        session.scalars(
            select(AppUser.id)
            .where(AppUser.role == "admin", AppUser.active.is_(True))
            .order_by(AppUser.id)
            .with_for_update()
        )
    )


def end_user_sessions(session: Session, user_id: int) -> int:
    result = session.execute(delete(UserSession).where(UserSession.user_id == user_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def session_counts(session: Session) -> dict[int, int]:
    return {
        user_id: count
        for user_id, count in session.execute(
            select(UserSession.user_id, func.count()).group_by(UserSession.user_id)
        )
    }


# --- admin: crawl runs ----------------------------------------------------------------------------


def last_crawl_runs(session: Session) -> dict[str, CrawlRun]:
    """Each spider's most recent crawl run."""
    latest = select(func.max(CrawlRun.id)).group_by(CrawlRun.spider)
    return {run.spider: run for run in session.scalars(select(CrawlRun).where(CrawlRun.id.in_(latest)))}
