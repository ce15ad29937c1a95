"""Re-evaluate stored listings after a rule change: new flags added, unsupported ones superseded."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from crawler.items import Listing as ListingItem
from crawler.items import Seller as SellerItem
from storage import models
from storage import repositories as repo
from storage.db import unit_of_work
from storage.models_review import TIP_RULE_ID

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class RescanResult:
    listings: int = 0
    flagged: int = 0
    new_flags: int = 0
    superseded: int = 0
    pack_version_id: int | None = None
    by_category: dict[str, int] = field(default_factory=dict)


def item_from_row(row: models.Listing, source: str) -> ListingItem:
    """The stored listing, as the engine sees listings during a crawl."""
    data: dict[str, Any] = {
        name: getattr(row, name)
        for name in (
            "external_id", "url", "title", "description", "price", "original_price", "currency", "category_path",
            "brand", "shop_name", "shop_location", "province", "province_legacy", "is_abroad", "is_official_shop",
            "sold_count", "rating", "images", "attributes", "crawled_at", "raw_ref",
        )
    }  # fmt: skip
    item = ListingItem.model_construct(source=source, seller=None, raw=None, **data)
    if row.seller_id is not None:
        item.seller = SellerItem.model_construct(source=source, external_id=str(row.seller_id))
    return item


def rescan(
    sessions: sessionmaker[Session], engine: Any, *, since: datetime | None = None, batch_size: int = 1000
) -> RescanResult:
    result = RescanResult()
    with unit_of_work(sessions) as session:
        result.pack_version_id = repo.rule_pack_version_id(session, engine.pack_hash, engine.rule_count)
    after_id = 0
    while True:
        with unit_of_work(sessions) as session:
            rows = repo.listings_for_rescan(session, since=since, after_id=after_id, limit=batch_size)
            if not rows:
                break
            after_id = rows[-1][0].id
            existing = repo.open_flags_by_listing(session, [row.id for row, _ in rows])
            flags: list[repo.FlagRow] = []
            stale: list[tuple[int, str]] = []
            risks: dict[int, float] = {}
            for row, source in rows:
                assessment = engine.assess(item_from_row(row, source))
                risks[row.id] = assessment.risk_score
                supported = set()
                for hit in assessment.hits:
                    if hit.category in assessment.categories:
                        supported.add(hit.rule_id)
                        flags.append(repo.FlagRow(row.id, hit.rule_id, hit.category, hit.severity, hit.score,
                                                  hit.evidence_json()))  # fmt: skip
                if assessment.flagged:
                    result.flagged += 1
                    for category in assessment.categories:
                        result.by_category[category] = result.by_category.get(category, 0) + 1
                stale.extend(
                    (row.id, rule_id)
                    for rule_id in existing.get(row.id, {})
                    if rule_id not in supported and rule_id != TIP_RULE_ID
                )
            result.listings += len(rows)
            assert result.pack_version_id is not None
            result.new_flags += repo.upsert_flags(session, flags, rule_pack_version_id=result.pack_version_id)
            result.superseded += repo.supersede_flags(
                session, stale, rule_pack_version_id=result.pack_version_id
            )
            repo.set_risk_scores(session, risks)
    logger.info(
        "rescan: %d listings, %d new flags, %d superseded (pack version %s)",
        result.listings, result.new_flags, result.superseded, result.pack_version_id,
    )  # fmt: skip
    return result
