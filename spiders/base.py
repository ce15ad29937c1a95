"""What every ecomwatch spider shares: arguments, page-error accounting and retries of partial pages."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

from crawler.pages import PageError

logger = logging.getLogger(__name__)


def split_arg(value: str | list[str] | None) -> list[str]:
    """``-a query="nước hoa|túi xách"`` → ["nước hoa", "túi xách"] (lists pass through)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [v.strip() for v in value if v and v.strip()]
    return [part.strip() for part in str(value).split("|") if part.strip()]


class EcomwatchSpider(scrapy.Spider):
    #: names of the spider arguments recorded in crawl_run.args
    argument_names: ClassVar[tuple[str, ...]] = ("base_url",)
    default_base_url: ClassVar[str] = ""

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")

    def page_failed(self, response: Response, error: PageError) -> scrapy.Request | None:
        """Count a page that could not be read and ask for it again (a truncated body is often transient)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("ecomwatch/pages/malformed")
        retry = get_retry_request(response.request, spider=self, reason="malformed_page", max_retry_times=2)
        if retry is None:
            self.crawler.stats.inc_value("ecomwatch/pages/lost")
            logger.error("%s: giving up on %s: %s", self.name, response.url, error)
        else:
            logger.warning("%s: %s on %s; retrying", self.name, error, response.url)
        return retry
