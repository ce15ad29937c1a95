"""TikTok Shop: public seller pages → product pages, read from their embedded ``__MODERN_ROUTER_DATA__``.

Plain HTTP, no browser: the real product page carries the whole product as server-rendered JSON in the
HTML (marketplaces.md §5), so a browser would only add cost; keyword search and reviews need TikTok's
signed app APIs and are out of scope. The "Verify to continue" slider page is a block: counted
(``ecomwatch/blocks/captcha``), paused on, asked for again, never stored; ``max_blocks`` in a row stop the crawl.

scrapy crawl tiktok -a base_url=http://127.0.0.1:8765 -a seller="shop-name/7494000000402312" -a max_pages=2
ecomwatch crawl tiktok --base-url … --arg seller=shop-name/7494… --arg product=1729000000275000052
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages import tiktok as page
from spiders.base import EcomwatchSpider, split_arg


class TiktokSpider(EcomwatchSpider):
    name = "tiktok"
    default_base_url = page.SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = ("base_url", "seller", "product", "max_pages")
    custom_settings: ClassVar[dict[str, Any]] = {
        "DEFAULT_REQUEST_HEADERS": {
            "Accept": "text/html,application/xhtml+xml",
            "Accept-Language": "vi-VN,vi",
        },
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,  # TikTok answers bursts with the slider captcha
    }

    def __init__(
        self,
        *args: Any,
        seller: str | list[str] | None = None,
        product: str | list[str] | None = None,
        max_pages: int | str = 3,
        max_blocks: int | str = 10,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("details", None)  # product pages are the only pages: always "detailed"
        if kwargs.pop("query", None):
            raise ValueError(
                "tiktok: keyword search needs TikTok's signed app API; give -a seller=… or -a product=…"
            )
        super().__init__(*args, **kwargs)
        self.sellers = [self._path(s, "/shop/store/") for s in split_arg(seller)]
        self.products = [self._path(p, "/view/product/") for p in split_arg(product)]
        if not self.sellers and not self.products:
            raise ValueError("tiktok: give a seller (-a seller=name/ID) or a product id (-a product=ID)")
        self.max_pages = int(max_pages)
        self.max_blocks = int(max_blocks)
        self.seen: set[str] = set()

    @staticmethod
    def _path(value: str, prefix: str) -> str:
        """A URL, a path, or the part after ``prefix`` → the path on the site."""
        path = urlsplit(value).path if "://" in value else value
        return path if path.startswith("/") else prefix + path.strip("/")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for path in self.sellers:
            yield self.seller_request(self.base_url + path, 1)
        for path in self.products:
            yield self.product_request(self.base_url + path)

    def seller_request(self, url: str, page_no: int) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_seller, errback=self.failed, cb_kwargs={"page_no": page_no},
                              dont_filter=True)  # fmt: skip

    def product_request(self, url: str) -> scrapy.Request:
        return scrapy.Request(url, callback=self.parse_product, errback=self.failed, dont_filter=True)

    async def parse_seller(self, response: Response, page_no: int) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        read = await self.read_page(response, lambda: page.parse_seller(response.body, url=response.url))
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            return
        result = read.value
        stats.inc_value("ecomwatch/pages/seller")
        if result.next_url and page_no < self.max_pages:
            yield self.seller_request(self.base_url + _path_and_query(result.next_url), page_no + 1)
        for url in result.product_urls:
            path = urlsplit(url).path
            if path in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(path)
            yield self.product_request(self.base_url + path)

    async def parse_product(self, response: Response) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        read = await self.read_page(response, lambda: page.parse_product(response.body, url=response.url))
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            return
        info = read.value
        stats.inc_value("ecomwatch/pages/detail")
        listing = page.listing_from_product(info, url=response.url, crawled_at=datetime.now(UTC))
        listing["raw_ref"] = response.url
        yield listing

    def failed(self, failure: Any) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("ecomwatch/pages/failed")
        self.logger.error("tiktok: page failed for good: %s: %s", failure.request.url, failure.value)


def _path_and_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
