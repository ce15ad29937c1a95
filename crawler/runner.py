"""Run spiders in this process and collect what each crawl did."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

logger = logging.getLogger(__name__)


def project_settings(**overrides: Any) -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for key, value in overrides.items():
        if value is not None:
            settings.set(key, value, priority="cmdline")
    return settings


@dataclass(slots=True)
class CrawlOutcome:
    spider: str
    args: dict[str, Any]
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Nothing stored and something went wrong (blocks, lost pages, errors)."""
        return not self.stats.get("item_scraped_count", 0) and bool(
            self.errors or self.stats.get("ecomwatch/blocks") or self.stats.get("log_count/ERROR")
        )

    @property
    def idle(self) -> bool:
        """A tips job that found no queued tip: it neither succeeded nor failed."""
        return self.args.get("tips") in (True, "true") and not self.stats.get("ecomwatch/tips/seen")

    @property
    def errors(self) -> int:
        s = self.stats
        return int(
            s.get("ecomwatch/pages/failed", 0)
            + s.get("ecomwatch/pages/lost", 0)
            + s.get("spider_exceptions", 0)
        )


Job = tuple[str, dict[str, Any]] | tuple[str, dict[str, Any], dict[str, Any]]


def run_crawls(jobs: list[Job], settings: Settings) -> list[CrawlOutcome]:
    """Run (spider, arguments[, per-crawl settings]) jobs concurrently in one process, one crawl_run each."""
    # Scrapy installs its own root log handler; drop the CLI's so lines are not printed twice.
    for handler in list(logging.getLogger().handlers):
        logging.getLogger().removeHandler(handler)
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    loader = SpiderLoader.from_settings(settings)
    prepared = []
    for job in jobs:
        spider_name, args = job[0], job[1]
        overrides = job[2] if len(job) > 2 else {}  # type: ignore[misc]
        spidercls = loader.load(spider_name)
        if overrides:
            # Per-crawl settings (politeness from sources.toml) ride on the spider's custom_settings.
            custom = {**(spidercls.custom_settings or {}), **overrides}
            spidercls = type(spidercls.__name__, (spidercls,), {"custom_settings": custom})
        # Spider arguments are checked here, synchronously, so a bad one is a clear error, not a
        # traceback inside the reactor. Constructing a spider has no side effects.
        spidercls(**args)
        prepared.append((spidercls, args, CrawlOutcome(spider_name, args)))
    process = CrawlerProcess(settings)
    started = []
    for spidercls, args, outcome in prepared:
        crawler = process.create_crawler(spidercls)
        process.crawl(crawler, **args)
        started.append((crawler, outcome))
    process.start()
    for crawler, outcome in started:
        outcome.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    return [outcome for _crawler, outcome in started]
