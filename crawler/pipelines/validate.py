"""Turn a page object's dict into a checked :class:`~crawler.items.Listing`, or drop it with a reason."""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from scrapy.exceptions import DropItem

from crawler.items import Listing

logger = logging.getLogger(__name__)


def describe_errors(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "item"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


class ValidatePipeline:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Listing:
        if isinstance(item, Listing):
            return item
        try:
            listing = Listing.model_validate(item)
        except ValidationError as error:
            source = item.get("source", "?") if isinstance(item, dict) else "?"
            external_id = item.get("external_id", "?") if isinstance(item, dict) else "?"
            reason = describe_errors(error)
            self.stats.inc_value("ecomwatch/items/invalid")
            for problem in error.errors():
                self.stats.inc_value(
                    f"ecomwatch/items/invalid/{problem['loc'][0] if problem['loc'] else 'item'}"
                )
            logger.warning("invalid listing %s:%s dropped: %s", source, external_id, reason)
            raise DropItem(f"invalid listing {source}:{external_id}: {reason}") from None
        self.stats.inc_value("ecomwatch/items/valid")
        return listing
