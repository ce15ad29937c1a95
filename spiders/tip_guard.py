"""A downloader middleware of the ``urls`` spider's tip crawls: no request to a non-public host, whatever made it.

The spider checks a tip's URL, and every redirect of it, before asking for it
(:func:`crawler.pipelines.tips.tip_url_problem`). Scrapy itself makes requests the spider never sees: the
robots.txt of the tip's host (``RobotsTxtMiddleware``) and the redirects of that robots.txt
(``RedirectMiddleware``). This middleware sees them all: in a tips crawl, every request to a host that is not
one of the crawl's configured marketplace bases (``site_urls``, host and port) has its host name resolved
again right before it is sent, and is refused (``IgnoreRequest``, counted ``ecomwatch/tips/refused_requests``)
when the name is local or any address it resolves to is not public. A refused robots.txt counts as no
robots.txt; a refused page request fails its tip.

Residual risk (said plainly): the check resolves the name in a thread just before Scrapy's downloader
resolves it again to connect. A DNS server that answers a public address to the check and a private one a
moment later (DNS rebinding, TTL 0) can still steer the connection; Scrapy's ``DNS_RESOLVER`` is crawler-wide
and would refuse the operator's own mirrors, so it is not used here. Browser pages (Chromium) resolve names
themselves and are not covered; tips reach the browser only for Shopee and Facebook, whose hosts are the
configured ones. ``ECOMWATCH_TIPS_ALLOW_PRIVATE`` turns the check off (tests against local mirrors);
``ECOMWATCH_TIPS_TRUSTED_HOSTS`` exempts the ``host``/``host:port`` entries it lists.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads

from crawler.pipelines.tips import tip_url_problem

logger = logging.getLogger(__name__)


class TipHostGuard:
    def __init__(self, crawler: Any, *, max_length: int, trusted: list[str]) -> None:
        self.crawler = crawler
        self.max_length = max_length
        self.trusted = trusted

    @classmethod
    def from_crawler(cls, crawler: Any) -> TipHostGuard:
        if crawler.settings.getbool("ECOMWATCH_TIPS_ALLOW_PRIVATE"):
            raise NotConfigured("private tip hosts are allowed")
        settings = crawler.settings
        return cls(crawler, max_length=settings.getint("ECOMWATCH_TIPS_MAX_URL_LENGTH", 2048),
                   trusted=settings.getlist("ECOMWATCH_TIPS_TRUSTED_HOSTS", []))  # fmt: skip

    async def process_request(self, request: Any, spider: Any = None) -> None:
        spider = self.crawler.spider
        if not getattr(spider, "tips", False):
            return None
        if urlsplit(request.url).netloc.lower() in spider.trusted_netlocs():
            return None  # a marketplace's configured base URL (the operator's mirror)
        problem = await deferred_to_future(
            threads.deferToThread(
                tip_url_problem, request.url, max_length=self.max_length, trusted=self.trusted
            )
        )
        if problem is None:
            return None
        self.crawler.stats.inc_value("ecomwatch/tips/refused_requests")
        logger.warning("urls: request to %s refused in a tips crawl: %s", request.url[:200], problem)
        raise IgnoreRequest(f"tip safety: {problem}")
