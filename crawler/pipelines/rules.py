"""Judge each listing with the rules engine; the assessment travels on the item to the store.

When the store writes in a writer process (``ECOMWATCH_RULES_IN_WRITER``), the listings are judged there,
off the crawl's core, with the same packs and the same stats (crawler.pipelines.store_writer); this
pipeline then only loads the packs, so a broken one still stops the crawl before it starts.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from crawler.items import Listing
from crawler.pipelines.store_writer import count_assessment, rules_in_writer
from rules import load_engine

logger = logging.getLogger(__name__)


class RulesPipeline:
    def __init__(
        self,
        stats: Any,
        rules_dir: str | Path | None,
        threshold: float | None = None,
        *,
        in_writer: bool = False,
    ) -> None:
        self.stats = stats
        self.in_writer = in_writer  # the store's writer process judges the listings
        self.engine = load_engine(
            rules_dir, threshold=threshold
        )  # a broken pack stops the crawl here, with every problem listed
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
            in_writer=rules_in_writer(crawler.settings),
        )

    def open_spider(self) -> None:
        self.stats.set_value("ecomwatch/rules/pack_hash", self.engine.pack_hash)
        self.stats.set_value("ecomwatch/rules/rule_count", self.engine.rule_count)

    def process_item(self, item: Listing) -> Listing:
        if self.in_writer:
            return item
        item.assessment = self.engine.assess(item)
        count_assessment(item.assessment, self.stats.inc_value)
        return item
