"""Citizens' tips: submitted on the public form, crawled by the tips spider. Nothing here commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.audit_repo import audit
from storage.models import utcnow
from storage.models_review import Tip


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
