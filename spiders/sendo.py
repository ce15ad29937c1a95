"""Sendo: keyword searches on the search-list API, enriched with the wap_v2 product detail.

The real site has two hosts: the search list on searchlist-api.sendo.vn (``api_base_url``) and the
product pages and detail API on www.sendo.vn (``base_url``). Pointed at a mirror (a ``base_url`` that is
not www.sendo.vn), both default to that one URL.

scrapy crawl sendo -a base_url=http://127.0.0.1:8765 -a query="nước hoa|thuốc lá" -a max_pages=3
ecomwatch crawl sendo --base-url … --query "nước hoa" --max-pages 3 [--arg api_base_url=…]
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.pages import PageError
from crawler.pages import sendo as page
from spiders.base import EcomwatchSpider, SearchArgs, json_api_settings

SITE_URL = "https://www.sendo.vn"
API_URL = "https://searchlist-api.sendo.vn"
SORTS = ("vasup_desc", "norder_30_desc", "new_desc", "price_asc", "price_desc", "rank")
PAGE_SIZE = 60


class SendoSpider(EcomwatchSpider):
    name = "sendo"
    default_base_url = SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = (
        "base_url",
        "api_base_url",
        "query",
        "max_pages",
        "sort",
        "details",
    )
    custom_settings: ClassVar[dict[str, Any]] = json_api_settings()

    def __init__(
        self,
        *args: Any,
        api_base_url: str | None = None,
        query: str | list[str] | None = None,
        max_pages: int | str = 5,
        sort: str | None = None,
        details: bool | str = True,
        category: str | list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        search = SearchArgs.parse(self.name, query=query, category=category, max_pages=max_pages, sort=sort,
                                  details=details, sorts=SORTS, category_what=None)  # fmt: skip
        self.query, self.max_pages = search.query, search.max_pages
        self.sort, self.details = search.sort, search.details
        if api_base_url is None:
            api_base_url = API_URL if self.base_url == SITE_URL else self.base_url
        self.api_base_url = api_base_url.rstrip("/")
        if not self.api_base_url.startswith(("http://", "https://")):
            raise ValueError(f"sendo: api_base_url must be an http(s) URL, got {self.api_base_url!r}")
        self.track_id = str(uuid.uuid4())
        self.seen: set[str] = set()
        self.last_page_ids: dict[str, frozenset[str]] = {}  # per query: the ids of the page read last

    def headers(self) -> dict[str, str]:
        return {"Referer": SITE_URL + "/", "Origin": SITE_URL}

    def search_url(self, query: str, page_no: int) -> str:
        params = {
            "q": query,
            "redirect": 1,
            "platform": "web",
            "page": page_no,
            "size": PAGE_SIZE,
            "sortType": self.sort,
            "search_type": "",
            "app_ver": "2.43.0",
            "track_id": self.track_id,
        }
        return f"{self.api_base_url}/web/products?{urlencode(params)}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for query in self.query:
            yield self.search_request(query, 1)

    def search_request(self, query: str, page_no: int) -> scrapy.Request:
        return scrapy.Request(
            self.search_url(query, page_no),
            headers=self.headers(),
            callback=self.parse_search,
            errback=self.search_failed,
            cb_kwargs={"query": query, "page_no": page_no},
        )

    def parse_search(self, response: Response, query: str, page_no: int) -> Iterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        try:
            result = page.parse_search(response.body)
        except PageError as error:
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            return
        stats.inc_value("ecomwatch/pages/search")
        if not result.items:
            return  # Sendo's end of results: an empty data list
        ids = frozenset(str(item.get("id")) for item in result.items)
        if self.last_page_ids.get(query) == ids:
            # the site serves its last page again for any page past it (its page cap): the end
            stats.inc_value("ecomwatch/search/repeated_page")
            self.logger.info(
                "sendo: page %d of %r repeats page %d; the search ends", page_no, query, page_no - 1
            )
            return
        self.last_page_ids[query] = ids
        if page_no < self.max_pages:
            yield self.search_request(query, page_no + 1)
        crawled_at = datetime.now(UTC)
        for item in result.items:
            key = str(item.get("id"))
            if key in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(key)
            listing = page.listing_from_search_item(item, site_url=self.base_url, crawled_at=crawled_at)
            slug = page.detail_slug(item)
            if self.details and slug:
                yield scrapy.Request(
                    f"{self.base_url}/m/wap_v2/full/san-pham/{slug}?platform=web",
                    headers=self.headers(),
                    callback=self.parse_detail,
                    errback=self.detail_failed,
                    cb_kwargs={"listing": listing},
                    meta={"listing": listing, "handle_httpstatus_list": [404]},
                )
            else:
                yield listing

    def parse_detail(self, response: Response, listing: dict[str, Any]) -> Iterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        try:
            detail = None if response.status == 404 else page.parse_detail(response.body)
        except PageError as error:
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            else:
                yield listing  # keep what the search page told us
            return
        if detail is None:  # Sendo says 404 in status.code (HTTP 200); a plain HTTP 404 means the same
            stats.inc_value("ecomwatch/detail/not_found")
            yield listing
            return
        stats.inc_value("ecomwatch/pages/detail")
        merged = page.merge_detail(listing, detail)
        merged["raw_ref"] = response.url
        yield merged
