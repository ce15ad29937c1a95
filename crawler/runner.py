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
    def ok(self) -> bool:
        return self.stats.get("item_scraped_count", 0) > 0 or not self.errors

    @property
    def errors(self) -> int:
        s = self.stats
        return int(
            s.get("ecomwatch/pages/failed", 0)
            + s.get("ecomwatch/pages/lost", 0)
            + s.get("spider_exceptions", 0)
        )


def run_crawls(jobs: list[tuple[str, dict[str, Any]]], settings: Settings) -> list[CrawlOutcome]:
    """Run the given (spider name, arguments) jobs concurrently in one process, one crawl_run each."""
    # Scrapy installs its own root log handler; drop the CLI's so lines are not printed twice.
    for handler in list(logging.getLogger().handlers):
        logging.getLogger().removeHandler(handler)
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    loader = SpiderLoader.from_settings(settings)
    for spider_name, args in jobs:
        # Spider arguments are checked here, synchronously, so a bad one is a clear error, not a
        # traceback inside the reactor. Constructing a spider has no side effects.
        loader.load(spider_name)(**args)
    process = CrawlerProcess(settings)
    started = []
    for spider_name, args in jobs:
        crawler = process.create_crawler(spider_name)
        process.crawl(crawler, **args)
        started.append((crawler, CrawlOutcome(spider_name, args)))
    process.start()
    for crawler, outcome in started:
        outcome.stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    return [outcome for _crawler, outcome in started]
