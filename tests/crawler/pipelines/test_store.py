"""The store pipeline against real databases, including one that goes away mid-crawl."""

from __future__ import annotations

import json
import logging
import os
import signal
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from scrapy.utils.test import get_crawler
from sqlalchemy import text
from sqlalchemy.engine import make_url

from crawler.items import Listing, Seller
from crawler.pipelines.rules import RulesPipeline
from crawler.pipelines.store import StorePipeline
from crawler.pipelines.store_writer import BatchWriter, pack, unpack
from storage.db import make_engine
from tests.services import PG_ADMIN_URL
from tests.spiders.crawl_helpers import db_counts


def listing(n: int) -> Listing:
    return Listing(
        source="tiki", external_id=str(n), url=f"https://tiki.vn/p{n}.html", title=f"Sữa bột số {n}",
        price=100_000 + n, crawled_at=datetime(2026, 11, 27, tzinfo=UTC),
    )  # fmt: skip


def make_pipeline(
    url: str, spool: Path, writer: str = "thread", spider: str = "tiki"
) -> tuple[StorePipeline, object]:
    crawler = get_crawler()
    crawler.stats.open_spider()
    pipeline = StorePipeline(
        crawler.stats, url=url, batch_size=2, spool_dir=spool, spider_name=spider, writer=writer
    )
    pipeline.open_spider()
    return pipeline, crawler.stats


def write_in_writer(pipeline: StorePipeline, batch: list[Listing]) -> None:
    """What process_item does with a full batch, without a reactor: the writer process writes it."""
    pipeline.buffer = [pack(item) for item in batch]
    pipeline.flush()


def test_batches_are_written_and_the_run_recorded(db_url: str, tmp_path: Path) -> None:
    pipeline, stats = make_pipeline(db_url, tmp_path)
    pipeline.write_batch([listing(1), listing(2)])
    pipeline.buffer = [listing(3)]
    pipeline.close_spider()
    counts = db_counts(db_url)
    assert counts["listings"] == counts["observations"] == 3
    assert stats.get_value("ecomwatch/listings/new") == 3
    assert counts["runs"][0][0] == "finished"


@pytest.mark.parametrize("writer", ["thread", "process"])
def test_a_database_that_goes_away_loses_nothing(pg_database: str, tmp_path: Path, writer: str) -> None:
    name = f"ecomwatch_gone_{uuid.uuid4().hex[:8]}"
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    pipeline, stats = make_pipeline(url, tmp_path, writer)
    write = pipeline.write_batch if writer == "thread" else lambda batch: write_in_writer(pipeline, batch)
    write([listing(1), listing(2)])
    with admin.connect() as conn:  # the database disappears mid-crawl
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()
    write([listing(3), listing(4)])
    assert stats.get_value("ecomwatch/storage/retries") == 3
    assert stats.get_value("ecomwatch/storage/spooled") == 2
    [spooled] = list(tmp_path.glob("tiki-run*.jsonl"))
    kept = [json.loads(line) for line in spooled.read_text(encoding="utf-8").splitlines()]
    assert [row["external_id"] for row in kept] == ["3", "4"]
    assert kept[0]["title"] == "Sữa bột số 3"
    pipeline.close_spider()  # recording the run's end fails too: logged, not raised
    assert StorePipeline.run_status(stats.get_stats()) == "degraded"


@pytest.mark.parametrize("where", ["process", "process, rules in the writer"])
def test_the_writer_process_stores_what_the_crawl_process_would(
    db_url: str, tmp_path: Path, where: str
) -> None:
    """The same listings through rules and store: written in a thread (the reference) or in a writer process."""
    flagged = listing(7).model_copy(update={"title": "Nước hoa Chanel No.5 hàng fake loại 1 giá rẻ"})
    batches = [[listing(1), listing(2)], [flagged, listing(3)], [listing(4)]]
    written = {}
    for writer in ("thread", where):
        url = db_url if writer == where else f"sqlite:///{tmp_path / 'thread.db'}"
        in_writer = writer.endswith("in the writer")
        crawler = get_crawler()
        crawler.stats.open_spider()
        rules = RulesPipeline(crawler.stats, None, in_writer=in_writer)
        rules.open_spider()
        store = StorePipeline(
            crawler.stats, url=url, batch_size=2, spool_dir=tmp_path, spider_name="tiki",
            writer=writer.split(",")[0], rules=(None, None) if in_writer else None,
        )  # fmt: skip
        store.open_spider()
        for batch in batches:
            judged = [rules.process_item(item.model_copy()) for item in batch]
            assert all((item.assessment is None) == in_writer for item in judged)
            if writer == "thread":
                store.write_batch(judged)
            else:
                write_in_writer(store, judged)
                assert store.pool is not None
        store.close_spider()
        counts = db_counts(url)
        stats = crawler.stats.get_stats()
        written[writer] = (
            {k: v for k, v in stats.items() if k.startswith("ecomwatch/") and k != "ecomwatch/crawl_run_id"},
            counts["listings"], counts["observations"], counts["flags"], flag_rows(url),
        )  # fmt: skip
    assert written[where] == written["thread"]
    assert written[where][0]["ecomwatch/items/flagged"] == 1
    assert written[where][0]["ecomwatch/flags/new"] == written[where][3] >= 1
    assert written[where][1:3] == (5, 5)


def select_rows(url: str, sql: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(text(sql))]
    engine.dispose()
    return rows


def flag_rows(url: str) -> list[tuple]:
    rows = select_rows(
        url,
        "SELECT l.external_id, f.rule_id, f.category, f.severity, f.score, f.evidence, f.risk_score, "
        "l.risk_score FROM flag f JOIN listing l ON l.id = f.listing_id ORDER BY 1, 2",
    )
    return [tuple(json.loads(v) if isinstance(v, str) and v[:1] == "[" else v for v in row) for row in rows]


def test_a_writer_process_that_dies_loses_nothing(
    sqlite_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    pipeline, stats = make_pipeline(sqlite_url, tmp_path, "process")
    write_in_writer(pipeline, [listing(1), listing(2)])
    assert pipeline.pool is not None
    [pid] = list(pipeline.pool._processes)  # the writer process
    os.kill(pid, signal.SIGKILL)
    with caplog.at_level(logging.ERROR, logger="crawler.pipelines.store"):
        write_in_writer(pipeline, [listing(3), listing(4)])
    assert pipeline.pool is None  # the crawl process writes from now on
    assert "storage writer process stopped" in caplog.text
    pipeline.buffer = [pack(listing(5))]
    pipeline.close_spider()
    counts = db_counts(sqlite_url)
    assert counts["listings"] == counts["observations"] == 5
    assert stats.get_value("ecomwatch/storage/written") == 5
    assert counts["runs"][0][0] == "finished"


def test_crawls_in_one_process_share_one_writer_process(db_url: str, tmp_path: Path) -> None:
    """``crawl --all`` runs every source in one process: one writer process serves them all, each batch
    recorded under its own crawl run, and the last crawl to finish shuts the writer down."""
    from crawler.pipelines.store import SharedWriter

    tiki, tiki_stats = make_pipeline(db_url, tmp_path, "process")
    sendo, sendo_stats = make_pipeline(db_url, tmp_path, "process", "sendo")
    assert tiki.pool is not None and tiki.pool is sendo.pool
    write_in_writer(tiki, [listing(1), listing(2)])
    write_in_writer(sendo, [listing(1).model_copy(update={"source": "sendo"}), listing(3)])
    assert len(tiki.pool._processes) == 1
    pool = tiki.pool
    tiki.close_spider()
    assert SharedWriter._open  # still serving the other crawl
    write_in_writer(sendo, [listing(4)])
    sendo.close_spider()
    assert not SharedWriter._open
    with pytest.raises(RuntimeError):  # shut down with its last user
        pool.submit(print)
    assert tiki_stats.get_value("ecomwatch/storage/written") == 2
    assert sendo_stats.get_value("ecomwatch/storage/written") == 3
    per_run = select_rows(
        db_url,
        "SELECT r.spider, count(o.id) FROM crawl_run r JOIN listing_observation o "
        "ON o.crawl_run_id = r.id GROUP BY r.id, r.spider ORDER BY r.id",
    )
    assert per_run == [("tiki", 2), ("sendo", 3)]


@pytest.mark.parametrize(
    "item",
    [
        listing(1),
        listing(2).model_copy(
            update={
                "seller": Seller(source="tiki", external_id="9", name="Kho", is_official=True),
                "attributes": {"brand": "OEM"},
                "contacts": {"phones": ["+84909123456"]},
                "images": ["https://x/1.jpg"],
                "raw": {"a": [1, 2.5, None, {"b": "ấ"}], "c": True},
                "rating": 4.5,
                "raw_ref": "https://tiki.vn/api/1",
            }
        ),  # fmt: skip
        listing(3).model_copy(update={"raw": {"not json": {1, 2}}}),  # marshal holds sets; not datetimes:
        listing(4).model_copy(update={"raw": {"when": datetime(2026, 1, 1, tzinfo=UTC)}}),
        listing(5).model_copy(update={"crawled_at": datetime(2026, 1, 1, 7)}),  # naive: pickled as is
    ],
)
def test_pack_keeps_every_field(item: Listing) -> None:
    entry = unpack(pack(item))
    assert entry.listing.model_dump() == item.model_dump()
    assert entry.listing.model_dump_json() == item.model_dump_json()
    assert (entry.risk, entry.flags) == (None, [])


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


def test_a_writer_whose_rule_packs_changed_spools_instead_of_judging(sqlite_url: str, tmp_path: Path) -> None:
    pipeline, stats = make_pipeline(sqlite_url, tmp_path)
    writer = BatchWriter(
        sqlite_url, run_id=pipeline.run_id, spool_dir=tmp_path, spider_name="tiki", rules=(None, None)
    )
    result = writer.write_batch([pack(listing(1)), pack(listing(2))], "a-hash-of-other-packs", 54)
    writer.close()
    assert result.stats == {"ecomwatch/storage/spooled": 2}
    assert "rule packs changed since the crawl started" in result.logs[0][1]
    [spooled] = list(tmp_path.glob("tiki-run*.jsonl"))
    assert len(spooled.read_text(encoding="utf-8").splitlines()) == 2
    pipeline.close_spider()
    assert db_counts(sqlite_url)["listings"] == 0
