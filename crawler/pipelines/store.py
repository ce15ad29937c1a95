"""Persist listings, observations and flags in batches; one crawl_run row per crawl.

Nothing is lost when the database refuses a batch: it is retried, then spooled to a JSONL file
(``ECOMWATCH_STORAGE_SPOOL_DIR``) and counted, and the crawl goes on.

Where the writing happens (``ECOMWATCH_STORAGE_WRITER``): ``process`` (the default) hands each full batch
to a writer process of its own, so encoding rows and talking to the database use the machine's other
core instead of the crawl's (the crawls of one process that write to the same database with the same
rules, as ``crawl --all`` runs them, share one writer process); ``thread`` writes in a thread of the crawl
process. Either way the item that
fills a batch waits until its batch is written (back-pressure: one batch in flight, one filling), the
stats are counted and the log lines written in the crawl process, and the crawl's end waits for every
batch. A writer process that dies is replaced by writing in the crawl process: nothing is lost.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_to_future
from sqlalchemy.exc import DBAPIError
from twisted.internet import threads

from crawler.items import Listing
from crawler.pipelines import store_writer
from crawler.pipelines.store_writer import (
    WRITE_ATTEMPTS,
    BatchResult,
    BatchWriter,
    pack,
    rules_in_writer,
    rules_settings,
)
from storage import repositories as repo
from storage.db import ensure_schema, make_engine, make_session_factory, unit_of_work

logger = logging.getLogger(__name__)

__all__ = ["WRITE_ATTEMPTS", "WRITERS", "StorePipeline"]

WRITERS = ("process", "thread")


class SharedWriter:
    """The writer process of every crawl in this process that writes to one database with one rules
    setting: ``crawl --all`` runs a dozen crawls at once, and a writer each would load the rules engine a
    dozen times and have a dozen processes take turns at the machine's other core. Counted: the last crawl
    to release it shuts it down."""

    _open: dict[tuple[str, Any], SharedWriter] = {}
    _lock = threading.Lock()

    def __init__(self, key: tuple[str, Any]) -> None:
        self.key = key
        self.users = 0
        # spawn, not fork: the crawl process has threads (a lock held by one would stay held).
        # The process starts with the first batch, in the background, while the crawl goes on.
        self.pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=store_writer.start_in_process,
            initargs=key,
        )

    @classmethod
    def acquire(cls, url: str, rules: tuple[str | None, float | None] | None) -> SharedWriter:
        with cls._lock:
            writer = cls._open.get((url, rules))
            if writer is None:
                writer = cls._open[(url, rules)] = cls((url, rules))
            writer.users += 1
            return writer

    def release(self, run_id: int | None) -> None:
        """A crawl is done with the writer: its run is forgotten there; the last user shuts it down."""
        with self._lock:
            self.users -= 1
            last = self.users == 0
            if last and self._open.get(self.key) is self:
                del self._open[self.key]
        if last:
            self.pool.shutdown(wait=True)
        elif run_id is not None:
            try:
                self.pool.submit(store_writer.finish_in_process, run_id)
            except (BrokenProcessPool, RuntimeError):
                pass

    def lost(self) -> None:
        """The process died: the crawls still using it write in their own process; a new crawl gets a
        new writer process."""
        with self._lock:
            if self._open.get(self.key) is self:
                del self._open[self.key]
        self.pool.shutdown(wait=False, cancel_futures=False)


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
        writer: str = "thread",
        rules: tuple[str | None, float | None] | None = None,
    ) -> None:
        if writer not in WRITERS:
            raise ValueError(
                f"ECOMWATCH_STORAGE_WRITER: expected one of {', '.join(WRITERS)}, got {writer!r}"
            )
        self.stats = stats
        self.url = url
        self.batch_size = max(1, batch_size)
        self.spool_dir = Path(spool_dir)
        self.spider_name = spider_name
        self.spider_args = spider_args or {}
        self.writer_kind = writer
        self.rules = rules  # (packs, threshold) when the writer judges the listings (rules_in_writer)
        self.buffer: list[bytes] = []  # packed listings (store_writer.pack)
        self.write_lock = threading.Lock()
        self.run_id: int | None = None
        self.engine = make_engine(url)
        self.sessions = make_session_factory(self.engine)
        self.writer: BatchWriter | None = None  # writes in this process (thread mode, or a fallback)
        self.shared: SharedWriter | None = None  # the writer process (process mode), shared
        self.pool: ProcessPoolExecutor | None = None  # its executor, None once it is released or lost

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
            writer=settings.get("ECOMWATCH_STORAGE_WRITER", "process"),
            rules=rules_settings(settings) if rules_in_writer(settings) else None,
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
        if self.writer_kind == "process":
            self.shared = SharedWriter.acquire(self.url, self.rules)
            self.pool = self.shared.pool

    async def process_item(self, item: Listing) -> Listing:
        self.buffer.append(pack(item))
        if len(self.buffer) >= self.batch_size:
            batch, self.buffer = self.buffer, []
            # The write runs in the writer process (or a thread) so the reactor keeps downloading and
            # parsing meanwhile; the item that filled the batch waits for it, the others do not.
            if self.pool is not None:
                future = self._submit(batch)
                if future is not None:
                    # a reactor thread waits for the writer process's answer (one thread hand-off a batch)
                    self._apply(
                        await deferred_to_future(threads.deferToThread(_result_or_none, future)), batch
                    )
                    return item
            self._apply(await deferred_to_future(threads.deferToThread(self._write_here, batch)))
        return item

    def close_spider(self) -> None:
        try:
            self.flush()
        finally:
            if self.shared is not None:
                shared, self.shared, self.pool = self.shared, None, None
                shared.release(self.run_id)
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
        if self.writer is not None:
            self.writer.close()
        self.engine.dispose()

    # --- writing -----------------------------------------------------------------------------

    def flush(self) -> None:
        if self.buffer:
            batch, self.buffer = self.buffer, []
            future = self._submit(batch) if self.pool is not None else None
            if future is not None:
                self._apply(_result_or_none(future), batch)
            else:
                self.write_batch(batch)

    def write_batch(self, batch: list[Listing] | list[bytes]) -> None:
        """Write one batch in this process (retrying a database that hiccups), or spool it."""
        packed = [pack(item) if isinstance(item, Listing) else item for item in batch]
        self._apply(self._write_here(packed))

    def _write_here(self, batch: list[bytes]) -> BatchResult:
        with self.write_lock:  # one batch at a time
            if self.writer is None:
                assert self.run_id is not None
                self.writer = BatchWriter(
                    self.url,
                    run_id=self.run_id,
                    spool_dir=self.spool_dir,
                    spider_name=self.spider_name,
                    rules=self.rules,
                )
            return self.writer.write_batch(batch, *self._pack_version())

    def _pack_version(self) -> tuple[str | None, int]:
        return (
            self.stats.get_value("ecomwatch/rules/pack_hash"),
            self.stats.get_value("ecomwatch/rules/rule_count", 0),
        )

    def _submit(self, batch: list[bytes]) -> Future[BatchResult] | None:
        assert self.pool is not None
        try:
            run = (self.run_id, str(self.spool_dir), self.spider_name)
            return self.pool.submit(store_writer.write_in_process, run, batch, *self._pack_version())
        except (BrokenProcessPool, RuntimeError):
            self._writer_lost()
            return None

    def _apply(self, result: BatchResult | None, batch: list[bytes] | None = None) -> None:
        """Count and log what a write did; a batch whose writer process died is written here."""
        if result is None:
            assert batch is not None
            self._writer_lost()
            result = self._write_here(batch)
        for key, count in result.stats.items():
            self.stats.inc_value(key, count)
        for level, message, args in result.logs:
            logger.log(level, message, *args)

    def _writer_lost(self) -> None:
        if self.shared is not None:
            logger.error("the storage writer process stopped; writing in the crawl process from now on")
            shared, self.shared, self.pool = self.shared, None, None
            shared.lost()

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


def _result_or_none(future: Future[BatchResult]) -> BatchResult | None:
    """The writer process's result, or None when the process died (the caller then writes the batch)."""
    try:
        return future.result()
    except BrokenProcessPool:
        return None
