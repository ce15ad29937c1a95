"""Lazada: catalog JSON for keyword searches and category slugs, enriched with product pages.

Lazada blocks crawlers with a slider captcha or, silently, with the "Tìm kiếm không có kết quả" page
(an HTTP 403 counts as a block too). A block is counted (``ecomwatch/blocks``, ``ecomwatch/blocks/<kind>``), the page is asked for again after
a growing pause, and nothing from a block page is stored; after ``max_blocks`` blocks in a row the crawl
stops (``ecomwatch/blocks/circuit_open``). An empty first page of a query is asked for once more: when
the second answer has listings, the first was a silent block.

The crawl opens the home page first, as a browser does: the session cookie ``_tb_token_`` it sets (or any
later response sets) is sent back as ``x-csrf-token`` on every catalog XHR (marketplaces.md §2.4, §9).

scrapy crawl lazada -a base_url=http://127.0.0.1:8765 -a query="nước hoa|thuốc lá" -a max_pages=3
ecomwatch crawl lazada --base-url … --query "nước hoa" --category nuoc-hoa --max-pages 3
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler.pages import lazada as page
from spiders.base import EcomwatchSpider, SearchArgs, int_arg, json_api_settings

SITE_URL = "https://www.lazada.vn"
SORTS = ("popularity", "priceasc", "pricedesc")


class LazadaSpider(EcomwatchSpider):
    name = "lazada"
    default_base_url = SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = (
        "base_url",
        "query",
        "category",
        "max_pages",
        "sort",
        "details",
    )
    custom_settings: ClassVar[dict[str, Any]] = json_api_settings()

    def __init__(
        self,
        *args: Any,
        query: str | list[str] | None = None,
        category: str | list[str] | None = None,
        max_pages: int | str = 5,
        sort: str | None = None,
        details: bool | str = True,
        max_blocks: int | str = 10,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        search = SearchArgs.parse(self.name, query=query, category=category, max_pages=max_pages, sort=sort,
                                  details=details, sorts=SORTS, category_what="category slug")  # fmt: skip
        self.query, self.max_pages = search.query, search.max_pages
        self.category = [c.strip("/") for c in search.category]
        self.sort, self.details = search.sort, search.details
        self.max_blocks = int_arg(self.name, "max_blocks", max_blocks, minimum=0)
        self.seen: set[str] = set()
        self.last_page_ids: dict[str, frozenset[str]] = {}  # per search: the ids of the page read last
        self.csrf_token: str | None = None  # the _tb_token_ cookie, echoed as x-csrf-token (§2.4)

    def headers(self) -> dict[str, str]:
        headers = {"x-requested-with": "XMLHttpRequest", "Referer": self.base_url + "/"}
        if self.csrf_token:
            headers["x-csrf-token"] = self.csrf_token
        return headers

    def remember_token(self, response: Response) -> None:
        """Keep the ``_tb_token_`` cookie a response sets: the XHRs echo it as ``x-csrf-token``."""
        token = page.csrf_token(response.headers.getlist(b"Set-Cookie"))
        if token and token != self.csrf_token:
            self.csrf_token = token
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("ecomwatch/session/csrf_token")

    def again(self, response: Response, **meta: Any) -> scrapy.Request:
        request = super().again(response, **meta)
        if self.csrf_token:  # a block may have come with a fresh token
            request.headers["x-csrf-token"] = self.csrf_token
        return request

    def catalog_url(self, page_no: int, *, query: str | None = None, category: str | None = None) -> str:
        if category is not None:
            return f"{self.base_url}/{quote(category)}/?ajax=true&page={page_no}"
        params: dict[str, Any] = {"ajax": "true"}
        if page_no == 1:
            params["isFirstRequest"] = "true"
        params.update({"page": page_no, "q": query, "from": "input"})
        if self.sort != "popularity":
            params["sort"] = self.sort
        return f"{self.base_url}/catalog/?{urlencode(params)}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # the home page first, as a browser would: it sets the session cookies (``_tb_token_``) that the
        # catalog XHRs must carry; whatever it answers, the catalog requests follow
        yield scrapy.Request(
            self.base_url + "/",
            callback=self.parse_home,
            errback=self.home_failed,
            meta={"handle_httpstatus_all": True},
            dont_filter=True,
        )

    def first_requests(self) -> Iterator[scrapy.Request]:
        for query in self.query:
            yield self.catalog_request(1, query=query)
        for category in self.category:
            yield self.catalog_request(1, category=category)

    def parse_home(self, response: Response) -> Iterator[scrapy.Request]:
        self.remember_token(response)
        if response.status != 200:
            self.logger.warning("lazada: home page answered HTTP %d; crawling on", response.status)
        yield from self.first_requests()

    def home_failed(self, failure: Any) -> Iterator[scrapy.Request]:
        self.logger.warning("lazada: home page failed (%s); crawling on", failure.value)
        yield from self.first_requests()

    def catalog_request(self, page_no: int, **where: str) -> scrapy.Request:
        # dont_filter: catalog URLs are unique by construction, and a redirect to a punish page that
        # repeats an earlier URL must not be dropped silently as a duplicate
        return scrapy.Request(
            self.catalog_url(page_no, **where),
            headers=self.headers(),
            callback=self.parse_catalog,
            errback=self.catalog_failed,
            cb_kwargs={"page_no": page_no, "where": where},
            meta={"handle_httpstatus_list": [403]},
            dont_filter=True,
        )

    async def parse_catalog(
        self, response: Response, page_no: int, where: dict[str, str]
    ) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        self.remember_token(response)
        read = await self.read_page(response, lambda: _read(response, page.parse_catalog))
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            return
        result = read.value
        stats.inc_value("ecomwatch/pages/search")
        rechecking = response.meta.get("empty_recheck", False)
        if not result.items:
            if page_no == 1 and not rechecking:
                # Lazada's silent block looks like "no results": ask once more before believing it.
                stats.inc_value("ecomwatch/search/empty_rechecked")
                await self.back_off(0)
                yield self.again(response, empty_recheck=True)
            elif page_no == 1:
                stats.inc_value("ecomwatch/search/no_results")
                self.logger.info("lazada: no results for %s", where)
            return
        if rechecking:
            self.count_block("silent_empty", response, "page 1 was empty, then had listings")
        search = repr(sorted(where.items()))
        ids = frozenset(str(item.get("itemId") or item.get("nid")) for item in result.items)
        if page_no > 1 and self.last_page_ids.get(search) == ids:
            # past its ~100-page cap the site may serve the last page again: the end of the search
            stats.inc_value("ecomwatch/search/repeated_page")
            self.logger.info(
                "lazada: page %d of %s repeats page %d; the search ends", page_no, where, page_no - 1
            )
            return
        self.last_page_ids[search] = ids
        if result.no_more_pages is not True and page_no < self.max_pages:
            yield self.catalog_request(page_no + 1, **where)
        crawled_at = datetime.now(UTC)
        for item in result.items:
            key = str(item.get("itemId") or item.get("nid"))
            if key in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(key)
            listing = page.listing_from_item(item, site_url=SITE_URL + "/", crawled_at=crawled_at)
            path = urlsplit(listing["url"]).path if listing["url"] else ""
            if self.details and path.strip("/"):
                yield scrapy.Request(
                    self.base_url + path,
                    headers={"Referer": self.base_url + "/"},
                    callback=self.parse_product,
                    errback=self.product_failed,
                    cb_kwargs={"listing": listing},
                    meta={"listing": listing, "handle_httpstatus_list": [403, 404]},
                    dont_filter=True,  # one request per listing already (self.seen); see catalog_request
                )
            else:
                yield listing

    async def parse_product(self, response: Response, listing: dict[str, Any]) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        self.remember_token(response)
        if response.status == 404:
            stats.inc_value("ecomwatch/detail/not_found")
            yield listing
            return
        read = await self.read_page(
            response, lambda: _read(response, page.parse_product), lost="ecomwatch/detail/blocked"
        )
        if not read.ok:
            yield read.retry if read.retry is not None else listing  # never the captcha page
            return
        product = read.value
        stats.inc_value("ecomwatch/pages/detail")
        merged = page.merge_product(listing, product, site_url=SITE_URL + "/")
        merged["raw_ref"] = response.url
        yield merged

    # --- failures ----------------------------------------------------------------------------------

    def catalog_failed(self, failure: Any) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("ecomwatch/pages/failed")
        self.logger.error("lazada: catalog page failed for good: %s: %s", failure.request.url, failure.value)

    def product_failed(self, failure: Any) -> Any:
        """The product page is gone for good (retries exhausted): keep the catalog item."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("ecomwatch/detail/failed")
        self.logger.warning("lazada: product page failed for %s: %s", failure.request.url, failure.value)
        yield failure.request.meta["listing"]


def _read(response: Response, parse: Any) -> Any:
    """A 403 is Lazada's block; anything else is read by the page object."""
    if response.status == 403:
        raise page.forbidden(response.body, response.url)
    return parse(response.body, url=response.url)
