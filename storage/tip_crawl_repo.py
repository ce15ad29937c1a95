"""Queries of the tip-queue crawl (``crawler.pipelines.tips``) beyond :mod:`storage.review_repo`'s tip functions.

Like the other repositories, nothing here commits: the caller's unit of work does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from storage.models import Flag, Listing, Source


def listing_ids(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """{(source name, external id): listing id} for the listings among ``keys`` that are stored."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    found: dict[tuple[str, str], int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(Source.name, Listing.external_id, Listing.id)
            .join(Source, Source.id == Listing.source_id)
            .where(tuple_(Source.name, Listing.external_id).in_(chunk))
        )
        found.update({(name, external_id): listing_id for name, external_id, listing_id in rows})
    return found


def flag_evidence(
    session: Session, listing_ids: Sequence[int], rule_id: str
) -> dict[int, list[dict[str, Any]]]:
    """{listing id: evidence} of the listings' flags of ``rule_id`` (e.g. the ``tip`` flag of earlier tips)."""
    found: dict[int, list[dict[str, Any]]] = {}
    ids = sorted(set(listing_ids))
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(Flag.listing_id, Flag.evidence).where(
                Flag.listing_id.in_(ids[start : start + 500]), Flag.rule_id == rule_id
            )
        )
        found.update({listing_id: list(evidence or []) for listing_id, evidence in rows})
    return found
