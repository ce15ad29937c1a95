"""What every ecomwatch spider shares: arguments, page-error accounting and retries of partial pages."""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from crawler.pages import PageError

logger = logging.getLogger(__name__)

#: times a page that came back malformed (truncated, not JSON) is asked for again
MALFORMED_RETRIES = 2
#: meta keys Scrapy's own components set on a request; a re-issued request must not carry them
SCRAPY_INTERNAL_META = frozenset(
    {"download_latency", "download_slot", "retry_times", "depth", "download_timeout"}
)


def split_arg(value: str | list[str] | None) -> list[str]:
    """``-a query="nước hoa|túi xách"`` → ["nước hoa", "túi xách"] (lists pass through)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
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
        request = response.request
        assert request is not None
        attempts = request.meta.get("malformed_retries", 0)
        retry = None
        if attempts < MALFORMED_RETRIES:
            meta = {k: v for k, v in request.meta.items() if k not in SCRAPY_INTERNAL_META}
            retry = request.replace(dont_filter=True, meta=meta | {"malformed_retries": attempts + 1})
            self.crawler.stats.inc_value("ecomwatch/pages/malformed_retries")
        if retry is None:
            self.crawler.stats.inc_value("ecomwatch/pages/lost")
            logger.error("%s: giving up on %s: %s", self.name, response.url, error)
        else:
            logger.warning("%s: %s on %s; retrying", self.name, error, response.url)
        return retry
