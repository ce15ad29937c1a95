"""Judge each listing with the rules engine; the assessment travels on the item to the store."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from crawler.items import Listing
from rules import load_engine

logger = logging.getLogger(__name__)


class RulesPipeline:
    def __init__(self, stats: Any, rules_dir: str | Path | None, threshold: float | None = None) -> None:
        self.stats = stats
        self.engine = load_engine(rules_dir, threshold=threshold)  # a broken pack stops the crawl here, with every problem listed
        logger.info(
            "rules engine ready: %d rules, pack %s", self.engine.rule_count, self.engine.pack_hash[:12]
        )

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        threshold = crawler.settings.get("ECOMWATCH_RULES_THRESHOLD")
        return cls(
            crawler.stats,
            crawler.settings.get("ECOMWATCH_RULES_DIR") or None,
            float(threshold) if threshold is not None else None,
        )

    def open_spider(self) -> None:
        self.stats.set_value("ecomwatch/rules/pack_hash", self.engine.pack_hash)
        self.stats.set_value("ecomwatch/rules/rule_count", self.engine.rule_count)

    def process_item(self, item: Listing) -> Listing:
        assessment = self.engine.assess(item)
        item.assessment = assessment
        if assessment.hits:
            self.stats.inc_value("ecomwatch/rules/hits", len(assessment.hits))
        if assessment.flagged:
            self.stats.inc_value("ecomwatch/items/flagged")
            for category in assessment.categories:
                self.stats.inc_value(f"ecomwatch/items/flagged/{category}")
        return item
