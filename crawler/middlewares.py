"""Downloader middlewares: polite retries with exponential backoff on 429 and 5xx."""

from __future__ import annotations

import logging
import random
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_to_future
from twisted.internet import reactor, task

from crawler.retry_after import retry_after_seconds

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

BACKOFF_CODES = {429, 503}


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry, plus a wait before each retry: ``Retry-After`` when the site sends one,
    otherwise ``base * 2**attempt`` with jitter, capped. Replaces the stock RetryMiddleware."""

    def __init__(self, settings, *, base: float, cap: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(settings)
        self.base = base
        self.cap = cap

    @classmethod
    def from_crawler(cls, crawler: Crawler):  # type: ignore[no-untyped-def, override]
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured
        mw = cls(
            settings,
            base=settings.getfloat("ECOMWATCH_BACKOFF_BASE"),
            cap=settings.getfloat("ECOMWATCH_BACKOFF_MAX"),
        )
        mw.crawler = crawler
        return mw

    def delay_for(self, response: Response, attempt: int) -> float:
        wait = retry_after_seconds(response.headers.get(b"Retry-After"))
        if wait is not None:
            return min(self.cap, wait)
        return min(self.cap, self.base * (2**attempt) * (1 + random.random() / 2))

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, f"HTTP {response.status}")
        if retry is None:
            return response
        stats = self.crawler.stats
        assert stats is not None
        if response.status in BACKOFF_CODES or response.status >= 500:
            attempt = retry.meta.get("retry_times", 1)
            delay = self.delay_for(response, attempt - 1)
            stats.inc_value(f"ecomwatch/http/{response.status}")
            stats.inc_value("ecomwatch/backoff/seconds", round(delay, 3))
            logger.info(
                "HTTP %s on %s: waiting %.2fs before retry %d", response.status, request.url, delay, attempt
            )
            await deferred_to_future(task.deferLater(reactor, delay, lambda: None))
        return retry
