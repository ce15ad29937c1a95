"""The crawler's own Scrapy extensions, on real crawlers (and one real crawl against the mirror)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.extensions import GcTuning
from crawler.mirror import start_mirror
from tests.spiders.crawl_helpers import crawl


@pytest.fixture
def restore_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def _extension(**settings: object) -> GcTuning:
    crawler = get_crawler(
        settings_dict={"ECOMWATCH_GC_THRESHOLD": project.ECOMWATCH_GC_THRESHOLD, **settings}
    )
    return GcTuning.from_crawler(crawler)


def test_gc_tuning_freezes_the_startup_heap_while_the_spider_runs(restore_gc: None) -> None:
    before = gc.get_threshold()
    ext = _extension(ECOMWATCH_GC_THRESHOLD=[5000, 15, 12])
    ext.spider_opened(None)
    assert gc.get_threshold() == (5000, 15, 12)
    frozen = gc.get_freeze_count()
    assert frozen > 10_000  # at least this test process's modules
    assert ext.stats.get_value("ecomwatch/gc/frozen_objects") == frozen
    garbage = [[] for _ in range(100)]
    for item in garbage:
        item.append(item)  # reference cycles made after the freeze are still collected
    del garbage, item
    assert gc.collect() >= 100
    ext.spider_closed(None)
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before


def test_gc_tuning_can_be_turned_off_or_keep_the_threshold(restore_gc: None) -> None:
    with pytest.raises(NotConfigured):
        _extension(ECOMWATCH_GC_FREEZE=False)
    before = gc.get_threshold()
    ext = _extension(ECOMWATCH_GC_THRESHOLD=[])
    ext.spider_opened(None)
    assert gc.get_threshold() == before and gc.get_freeze_count() > 0
    ext.spider_closed(None)


def test_gc_threshold_must_be_integers() -> None:
    with pytest.raises(ValueError, match="ECOMWATCH_GC_THRESHOLD"):
        _extension(ECOMWATCH_GC_THRESHOLD="10000,many")


def test_a_real_crawl_runs_with_its_startup_heap_frozen(sqlite_url: str) -> None:
    with start_mirror() as handle:
        [stats] = crawl(
            sqlite_url, "tiki", "--base-url", handle.url, "--query", "thuốc lá", "--max-pages", "1"
        )
    assert stats["item_scraped_count"] > 0
    # the rules engine and the database layer were loaded before the spider opened: all frozen
    assert stats["ecomwatch/gc/frozen_objects"] > 100_000


def test_concurrent_spiders_restore_the_collector_when_the_last_one_closes(restore_gc: None) -> None:
    before = gc.get_threshold()
    first, second = _extension(), _extension()
    first.spider_opened(None)
    second.spider_opened(None)
    first.spider_closed(None)  # the second spider still runs: still tuned and frozen
    assert gc.get_threshold() == tuple(project.ECOMWATCH_GC_THRESHOLD) and gc.get_freeze_count() > 0
    second.spider_closed(None)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
