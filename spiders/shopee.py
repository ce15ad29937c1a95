"""Shopee: search and product pages loaded in Chromium; the JSON the page itself fetches is what we read.

Shopee's API only answers the page's own JavaScript (per-request signed headers such as ``af-ac-enc-dat``),
so each search page ``/search?keyword=…&page=N`` and product page ``/{slug}-i.{shopid}.{itemid}`` is
opened through scrapy-playwright (``meta={"playwright": True}``) and the ``search_items`` / ``pdp/get_pc``
responses are captured as they arrive (:class:`crawler.browser.ResponseCapture`). Images, fonts and media
are aborted; every page is closed in the callback or the errback.

Blocks — ``{"error":90309999}`` with HTTP 200, 403, redirects to ``/verify/traffic/error`` or
``/verify/captcha`` — are counted (``ecomwatch/blocks/<kind>``), paused on, asked for again, and never
stored; after ``max_blocks`` in a row the crawl stops. A 429/5xx (on the page or its API call) is waited
on and retried up to ``RETRY_TIMES``.

scrapy crawl shopee -a base_url=http://127.0.0.1:8765 -a query="nước hoa" -a max_pages=2
ecomwatch crawl shopee --base-url … --query "nước hoa" --max-pages 2 --arg storage_state=cookies.json
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler import browser
from crawler.pages import Blocked, PageError
from crawler.pages import shopee as page
from spiders.base import TRANSIENT_STATUSES, BrowserSpider, SearchArgs, Transient, int_arg

PAGE_SIZE = 60
SEARCH_API = r"/api/v4/search/search_items\?"
DETAIL_API = r"/api/v4/pdp/get_pc\?"


class ShopeeSpider(BrowserSpider):
    name = "shopee"
    default_base_url = page.SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = ("base_url", "query", "max_pages", "details", "storage_state")

    def __init__(
        self,
        *args: Any,
        query: str | list[str] | None = None,
        max_pages: int | str = 3,
        details: bool | str = True,
        storage_state: str | None = None,
        max_blocks: int | str = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        search = SearchArgs.parse(
            self.name, query=query, max_pages=max_pages, details=details, category_what=None
        )
        self.query, self.max_pages, self.details = search.query, search.max_pages, search.details
        self.context_options = browser.context_kwargs(storage_state)
        self.max_blocks = int_arg(self.name, "max_blocks", max_blocks, minimum=0)
        self.seen: set[str] = set()

    def search_url(self, query: str, page_no: int) -> str:
        return f"{self.base_url}/search?" + urlencode({"keyword": query, "page": page_no})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for query in self.query:
            yield self.browser_request(self.search_url(query, 0), SEARCH_API, self.parse_search,
                                       query=query, page_no=0)  # fmt: skip

    # --- one page in the browser ---------------------------------------------------------------------

    async def api_response(self, response: Response) -> browser.Captured:
        """The API JSON the page fetched, once the page is closed; raises Blocked / PageError / Transient."""
        try:
            block = page.block_for(response.status, response.url)
            if block is not None:
                raise block
            if response.status in TRANSIENT_STATUSES:
                raise Transient(response.status, response.headers.get(b"Retry-After"))
            if response.status != 200:
                raise PageError(f"shopee: HTTP {response.status} on {response.url}")
            timeout = self.settings.getfloat("ECOMWATCH_BROWSER_CAPTURE_TIMEOUT", 15.0)
            captured = await response.meta["capture"].first(timeout)
        finally:
            await browser.close_page(response.meta)
        if captured is None:
            raise PageError(
                f"shopee: the page fetched no API response within {timeout:.0f}s ({response.url})"
            )
        if captured.status == 403:
            raise Blocked("forbidden", f"shopee: HTTP 403 on {captured.url}")
        if captured.status in TRANSIENT_STATUSES:
            raise Transient(captured.status, captured.retry_after)
        if captured.status != 200:
            raise PageError(f"shopee: HTTP {captured.status} on {captured.url}")
        return captured

    async def read(self, response: Response) -> tuple[browser.Captured | None, scrapy.Request | None]:
        """(captured API response, None) or (None, the request to make instead — a retry — or None)."""
        stats = self.crawler.stats
        assert stats is not None
        try:
            return await self.api_response(response), None
        except Blocked as block:
            retry = await self.blocked(response, block)
            if retry is None:
                stats.inc_value("ecomwatch/pages/lost")
            return None, retry
        except Transient as transient:
            return None, await self.transient(response, transient.status, transient.retry_after)
        except PageError as error:
            return None, self.page_failed(response, error)

    # --- search and detail ---------------------------------------------------------------------------

    async def parse_search(self, response: Response, query: str, page_no: int) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        captured, instead = await self.read(response)
        if captured is None:
            if instead is not None:
                yield instead
            return
        read = await self.read_page(response, lambda: page.parse_search(captured.body))
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            return
        result = read.value
        stats.inc_value("ecomwatch/pages/search")
        if result.unreadable:
            stats.inc_value("ecomwatch/items/unreadable", result.unreadable)
            self.logger.warning("shopee: %d search item(s) without item_basic left out on %s",
                                result.unreadable, response.url)  # fmt: skip
        if not result.items:
            if page_no == 0:
                stats.inc_value("ecomwatch/search/no_results")
            return
        if not result.nomore and page_no + 1 < self.max_pages:
            yield self.browser_request(self.search_url(query, page_no + 1), SEARCH_API, self.parse_search,
                                       query=query, page_no=page_no + 1)  # fmt: skip
        crawled_at = datetime.now(UTC)
        for item in result.items:
            listing = page.listing_from_item(item, crawled_at=crawled_at)
            key = str(listing["external_id"])
            if key in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(key)
            if self.details and isinstance(listing["price"], int | None) and str(listing["title"]).strip():
                path = urlsplit(listing["url"]).path
                yield self.browser_request(
                    self.base_url + path, DETAIL_API, self.parse_detail, listing=listing
                )
            else:
                yield listing  # a bad item goes straight to the validator, which counts it

    async def parse_detail(self, response: Response, listing: dict[str, Any]) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        captured, instead = await self.read(response)
        if captured is None:
            if instead is not None:
                yield instead
            else:
                stats.inc_value("ecomwatch/detail/lost")
                yield listing  # what the search told us; never a block page
            return
        read = await self.read_page(
            response, lambda: page.parse_detail(captured.body), lost="ecomwatch/detail/blocked"
        )
        if not read.ok:
            yield read.retry if read.retry is not None else listing  # never a block page
            return
        data = read.value
        if data is None:
            stats.inc_value("ecomwatch/detail/not_found")
            yield listing
            return
        stats.inc_value("ecomwatch/pages/detail")
        merged = page.merge_detail(listing, data)
        merged["raw_ref"] = captured.url
        yield merged
