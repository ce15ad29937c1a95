"""TikTok Shop: public seller pages → product pages, read from their embedded ``__MODERN_ROUTER_DATA__``.

Plain HTTP, no browser: the real product page carries the whole product as server-rendered JSON in the
HTML (marketplaces.md §5), so a browser would only add cost. The "Verify to continue" slider page is a
block: counted (``ecomwatch/blocks/captcha``), paused on, asked for again, never stored; ``max_blocks``
in a row stop the crawl.

Keyword search: marketplaces.md documents no search *surface* TikTok serves without its signed app API
(X-Ladon…), only the search-result product shape. So ``query`` searches the given sellers' pages: their
product cards (that shape) are matched on the title — every word, diacritics ignored — and only the
matches are kept (their product pages fetched unless ``details=false``). Reviews stay out of scope.

scrapy crawl tiktok -a base_url=http://127.0.0.1:8765 -a seller="shop-name/7494000000402312" -a max_pages=2
ecomwatch crawl tiktok --base-url … --arg seller=shop-name/7494… --arg product=1729000000275000052
ecomwatch crawl tiktok --base-url … --query "vape|pod" --arg seller="shop-a/7494…|shop-b/7494…"
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

from crawler.normalize import fold
from crawler.pages import tiktok as page
from spiders.base import EcomwatchSpider, bool_arg, int_arg, split_arg


class TiktokSpider(EcomwatchSpider):
    name = "tiktok"
    default_base_url = page.SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = (
        "base_url",
        "seller",
        "product",
        "query",
        "max_pages",
        "details",
    )
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
        query: str | list[str] | None = None,
        max_pages: int | str = 3,
        details: bool | str = True,
        max_blocks: int | str = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.sellers = [self._path(s, "/shop/store/") for s in split_arg(seller)]
        self.products = [self._path(p, "/view/product/") for p in split_arg(product)]
        self.query = split_arg(query)
        if self.query and not self.sellers:
            raise ValueError(
                "tiktok: site-wide keyword search needs TikTok's signed app API; a query searches sellers' "
                "pages: give -a seller=name/ID with -a query=…"
            )
        if not self.sellers and not self.products:
            raise ValueError("tiktok: give a seller (-a seller=name/ID) or a product id (-a product=ID)")
        self.max_pages = int_arg(self.name, "max_pages", max_pages)
        self.details = bool_arg(self.name, "details", details)
        self.max_blocks = int_arg(self.name, "max_blocks", max_blocks, minimum=0)
        self.words = [fold(q).split() for q in self.query]
        self.seen: set[str] = set()

    def matches(self, title: str) -> bool:
        """True without a query; else when every word of one query is in the title (diacritics ignored)."""
        if not self.words:
            return True
        folded = fold(title)
        return any(all(word in folded for word in words) for words in self.words)

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
        if result.cards:
            for item in self.from_cards(result.cards):
                yield item
            return
        if self.words:
            stats.inc_value("ecomwatch/search/unfiltered")  # no cards to match on: every product is read
            self.logger.warning("tiktok: no product cards on %s; the query cannot filter it", response.url)
        for url in result.product_urls:
            path = urlsplit(url).path
            if path in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(path)
            yield self.product_request(self.base_url + path)

    def from_cards(self, cards: list[dict[str, Any]]) -> list[Any]:
        """Cards that match the query: their product pages (``details``) or the cards as listings."""
        stats = self.crawler.stats
        assert stats is not None
        crawled_at = datetime.now(UTC)
        found: list[Any] = []
        for card in cards:
            if not self.matches(str(card.get("title") or "")):
                continue
            path = f"/view/product/{card['product_id']}"
            if path in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(path)
            if self.words:
                stats.inc_value("ecomwatch/search/matched")
            if self.details:
                found.append(self.product_request(self.base_url + path))
            else:
                found.append(page.listing_from_card(card, crawled_at=crawled_at))
        return found

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
