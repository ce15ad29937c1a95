"""The store pipeline against real databases, including one that goes away mid-crawl."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import text
from sqlalchemy.engine import make_url

from crawler.items import Listing
from crawler.pipelines.store import StorePipeline
from storage.db import make_engine
from tests.services import PG_ADMIN_URL
from tests.spiders.crawl_helpers import db_counts


def listing(n: int) -> Listing:
    return Listing(
        source="tiki", external_id=str(n), url=f"https://tiki.vn/p{n}.html", title=f"Sữa bột số {n}",
        price=100_000 + n, crawled_at=datetime(2026, 11, 27, tzinfo=UTC),
    )  # fmt: skip


def make_pipeline(url: str, spool: Path) -> tuple[StorePipeline, object]:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = StorePipeline(crawler.stats, url=url, batch_size=2, spool_dir=spool, spider_name="tiki")
    pipeline.open_spider()
    return pipeline, crawler.stats


def test_batches_are_written_and_the_run_recorded(db_url: str, tmp_path: Path) -> None:
    pipeline, stats = make_pipeline(db_url, tmp_path)
    pipeline.write_batch([listing(1), listing(2)])
    pipeline.buffer = [listing(3)]
    pipeline.close_spider()
    counts = db_counts(db_url)
    assert counts["listings"] == counts["observations"] == 3
    assert stats.get_value("ecomwatch/listings/new") == 3
    assert counts["runs"][0][0] == "finished"


def test_a_database_that_goes_away_loses_nothing(pg_database: str, tmp_path: Path) -> None:
    name = f"ecomwatch_gone_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    pipeline, stats = make_pipeline(url, tmp_path)
    pipeline.write_batch([listing(1), listing(2)])
    with admin.connect() as conn:  # the database disappears mid-crawl
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
    pipeline.write_batch([listing(3), listing(4)])
    assert stats.get_value("ecomwatch/storage/retries") == 3
    assert stats.get_value("ecomwatch/storage/spooled") == 2
    [spooled] = list(tmp_path.glob("tiki-run*.jsonl"))
    kept = [json.loads(line) for line in spooled.read_text(encoding="utf-8").splitlines()]
    assert [row["external_id"] for row in kept] == ["3", "4"]
    assert kept[0]["title"] == "Sữa bột số 3"
    pipeline.close_spider()  # recording the run's end fails too: logged, not raised
    assert StorePipeline.run_status(stats.get_stats()) == "degraded"


@pytest.mark.parametrize(
    ("stats", "status"),
    [
        ({"item_scraped_count": 10}, "finished"),
        ({"item_scraped_count": 10, "ecomwatch/items/invalid": 1}, "degraded"),
        ({"item_scraped_count": 0, "ecomwatch/blocks": 3}, "failed"),
        ({"item_scraped_count": 5, "ecomwatch/storage/spooled": 5}, "degraded"),
    ],
)
def test_run_status(stats: dict, status: str) -> None:
    assert StorePipeline.run_status(stats) == status


def test_sharp_drop_against_previous_run() -> None:
    assert StorePipeline.is_sharp_drop({"item_scraped_count": 100}, {"item_scraped_count": 30})
    assert not StorePipeline.is_sharp_drop({"item_scraped_count": 100}, {"item_scraped_count": 80})
    assert not StorePipeline.is_sharp_drop({"item_scraped_count": 10}, {"item_scraped_count": 1})
