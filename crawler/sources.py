"""``sources.toml``: which sources the nightly crawl visits, what it asks each, and how politely."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_SOURCES_FILE = Path("sources.toml")


class Politeness(BaseModel):
    model_config = ConfigDict(extra="forbid")

    concurrency: int = Field(default=4, ge=1, le=64, description="requests in flight to the site at once")
    delay: float = Field(
        default=0.5, ge=0, description="seconds between requests (AutoThrottle may raise it)"
    )
    obey_robots: bool | None = Field(default=None, description="None: the spider's own default")


class SourceConfig(Politeness):
    enabled: bool = True
    spider: str | None = Field(default=None, description="spider name; default: the table's name")
    base_url: str | None = None
    queries: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    max_pages: int = Field(default=5, ge=1)
    args: dict[str, str] = Field(default_factory=dict, description="extra spider arguments")
    tips: bool = Field(default=False, description="urls spider: crawl the queued tips of the public tip form")
    browser: bool | None = Field(
        default=None,
        description="urls spider: open Shopee/Facebook URLs in Chromium (ECOMWATCH_URLS_BROWSER)",
    )

    @model_validator(mode="after")
    def _tips_need_the_urls_spider(self) -> SourceConfig:
        if (self.tips or self.browser is not None) and (self.spider or "") != "urls":
            raise ValueError('tips and browser need spider = "urls"')
        return self


class SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sources: dict[str, SourceConfig]


class SourcesError(ValueError):
    pass


def load_sources(path: Path) -> SourcesFile:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(
            f"{path}: no such file; copy sources.toml from the repository and edit it"
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise SourcesError(f"{path}: not valid TOML: {error}") from None
    try:
        return SourcesFile.model_validate(data)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
        raise SourcesError(f"{path}: {problems}") from None


def crawl_jobs(config: SourcesFile) -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(spider, spider arguments, per-crawl Scrapy settings) for each enabled source."""
    jobs = []
    for name, source in config.sources.items():
        if not source.enabled:
            continue
        args: dict[str, Any] = {"max_pages": source.max_pages, **source.args}
        if source.base_url:
            args["base_url"] = source.base_url
        if source.queries:
            args["query"] = list(source.queries)
        if source.categories:
            args["category"] = list(source.categories)
        if source.tips:
            args["tips"] = "true"
        settings: dict[str, Any] = {
            "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrency,
            "DOWNLOAD_DELAY": source.delay,
            "AUTOTHROTTLE_START_DELAY": max(source.delay, 0.1),
        }
        if source.obey_robots is not None:
            settings["ROBOTSTXT_OBEY"] = source.obey_robots
        if source.browser is not None:
            settings["ECOMWATCH_URLS_BROWSER"] = source.browser
        jobs.append((source.spider or name, args, settings))
    return jobs
