"""Persist listings, observations and flags in batches; one crawl_run row per crawl.

Nothing is lost when the database refuses a batch: it is retried, then spooled to a JSONL file
(``ECOMWATCH_STORAGE_SPOOL_DIR``) and counted, and the crawl goes on.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_to_future
from sqlalchemy.exc import DBAPIError, OperationalError
from twisted.internet import threads

from crawler.items import Listing
from storage import repositories as repo
from storage.db import ensure_schema, make_engine, make_session_factory, unit_of_work

logger = logging.getLogger(__name__)

WRITE_ATTEMPTS = 3


class StorePipeline:
    def __init__(
        self,
        stats: Any,
        *,
        url: str,
        batch_size: int = 500,
        spool_dir: str | Path = "evidence/spool",
        spider_name: str = "?",
        spider_args: dict[str, Any] | None = None,
    ) -> None:
        self.stats = stats
        self.url = url
        self.batch_size = max(1, batch_size)
        self.spool_dir = Path(spool_dir)
        self.spider_name = spider_name
        self.spider_args = spider_args or {}
        self.buffer: list[Listing] = []
        self.write_lock = threading.Lock()
        self.run_id: int | None = None
        self.pack_version_id: int | None = None
        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        settings = crawler.settings
        if not settings.getbool("ECOMWATCH_STORAGE_ENABLED"):
            raise NotConfigured("storage disabled (ECOMWATCH_STORAGE_ENABLED=False)")
        spider = crawler.spider
        args = {k: v for k, v in vars(spider).items() if k in getattr(spider, "argument_names", ())}
        return cls(
            crawler.stats,
            url=settings.get("ECOMWATCH_STORAGE_URL"),
            batch_size=settings.getint("ECOMWATCH_STORAGE_BATCH_SIZE"),
            spool_dir=settings.get("ECOMWATCH_STORAGE_SPOOL_DIR"),
            spider_name=spider.name,
            spider_args=args,
        )

    # --- lifecycle ---------------------------------------------------------------------------

    def open_spider(self) -> None:
        if ensure_schema(self.engine):
            logger.info(
                "database schema upgraded at %s", self.engine.url.render_as_string(hide_password=True)
            )
        with unit_of_work(self.sessions) as session:
            self.run_id = repo.start_crawl_run(session, self.spider_name, self.spider_args)
        self.stats.set_value("ecomwatch/crawl_run_id", self.run_id)

    async def process_item(self, item: Listing) -> Listing:
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            batch, self.buffer = self.buffer, []
            # The write runs in a thread so the reactor keeps downloading and parsing meanwhile;
            # the item that filled the batch waits for it (back-pressure), the others do not.
            await deferred_to_future(threads.deferToThread(self.write_batch, batch))
        return item

    def close_spider(self) -> None:
        self.flush()
        stats = self.stats.get_stats()
        status = self.run_status(stats)
        try:
            with unit_of_work(self.sessions) as session:
                assert self.run_id is not None
                previous = repo.previous_run(session, self.spider_name, self.run_id)
                if previous is not None and self.is_sharp_drop(previous.stats, stats):
                    self.stats.set_value("ecomwatch/run/suspicious", 1)
                    stats = self.stats.get_stats()
                    status = "suspicious" if status == "finished" else status
                repo.finish_crawl_run(session, self.run_id, status=status, stats=_jsonable(stats))
        except DBAPIError:
            logger.exception("could not record the end of crawl run %s", self.run_id)
        self.engine.dispose()

    # --- writing -----------------------------------------------------------------------------

    def flush(self) -> None:
        if self.buffer:
            batch, self.buffer = self.buffer, []
            self.write_batch(batch)

    def write_batch(self, batch: list[Listing]) -> None:
        """Write one batch (retrying a database that hiccups), or spool it. One batch at a time."""
        with self.write_lock:
            self._write_with_retries(batch)

    def _write_with_retries(self, batch: list[Listing]) -> None:
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self.write(batch)
                return
            except OperationalError as error:
                self.stats.inc_value("ecomwatch/storage/retries")
                logger.warning(
                    "database write failed (attempt %d/%d): %s", attempt, WRITE_ATTEMPTS, error.orig
                )
                time.sleep(0.2 * attempt)
            except DBAPIError:
                logger.exception("database refused a batch of %d listings", len(batch))
                break
        self.spool(batch)

    def write(self, batch: list[Listing]) -> None:
        now = datetime.now(UTC)
        with unit_of_work(self.sessions) as session:
            if self.pack_version_id is None:
                pack_hash = self.stats.get_value("ecomwatch/rules/pack_hash")
                if pack_hash:
                    self.pack_version_id = repo.rule_pack_version_id(
                        session, pack_hash, self.stats.get_value("ecomwatch/rules/rule_count", 0)
                    )
            sellers = [item.seller for item in batch if item.seller is not None]
            seller_ids = repo.upsert_sellers(session, sellers, seen_at=now)
            risks = {item.key: item.assessment.risk_score for item in batch if item.assessment is not None}
            result = repo.upsert_listings(session, batch, seller_ids=seller_ids, risk_scores=risks)
            assert self.run_id is not None
            repo.add_observations(session, batch, result.ids, crawl_run_id=self.run_id)
            flags = [
                repo.FlagRow(result.ids[item.key], hit.rule_id, hit.category, hit.severity, hit.score,
                             hit.evidence_json())
                for item in batch
                if item.assessment is not None and item.assessment.flagged
                for hit in item.assessment.hits
                if hit.category in item.assessment.categories
            ]  # fmt: skip
            new_flags = 0
            if flags:
                if self.pack_version_id is None:
                    raise RuntimeError("rules pipeline did not report its rule pack version")
                new_flags = repo.upsert_flags(session, flags, rule_pack_version_id=self.pack_version_id)
        self.stats.inc_value("ecomwatch/storage/written", len(result.ids))
        self.stats.inc_value("ecomwatch/listings/new", len(result.new))
        self.stats.inc_value("ecomwatch/listings/changed", len(result.changed))
        self.stats.inc_value("ecomwatch/flags/new", new_flags)
        self.stats.inc_value("ecomwatch/storage/batches")

    def spool(self, batch: list[Listing]) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        path = (
            self.spool_dir / f"{self.spider_name}-run{self.run_id}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.jsonl"
        )
        with path.open("w", encoding="utf-8") as fh:
            for item in batch:
                fh.write(item.model_dump_json() + "\n")
        self.stats.inc_value("ecomwatch/storage/spooled", len(batch))
        logger.error("database unavailable: %d listings spooled to %s", len(batch), path)

    # --- run health --------------------------------------------------------------------------

    @staticmethod
    def run_status(stats: dict[str, Any]) -> str:
        scraped = stats.get("item_scraped_count", 0)
        if stats.get("ecomwatch/storage/spooled"):
            return "degraded"
        errors = (
            stats.get("ecomwatch/pages/malformed", 0)
            + stats.get("retry/max_reached", 0)
            + stats.get("ecomwatch/blocks", 0)
        )
        if scraped == 0 and errors:
            return "failed"
        if errors or stats.get("ecomwatch/items/invalid"):
            return "degraded"
        return "finished"

    @staticmethod
    def is_sharp_drop(previous: dict[str, Any], current: dict[str, Any], *, ratio: float = 0.5) -> bool:
        before = previous.get("item_scraped_count", 0) or 0
        now = current.get("item_scraped_count", 0) or 0
        return before >= 20 and now < before * ratio


def _jsonable(stats: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps(stats, default=str))
