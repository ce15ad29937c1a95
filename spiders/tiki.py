"""Tiki: search and category listings from the public JSON API, enriched with product detail.

scrapy crawl tiki -a base_url=http://127.0.0.1:8765 -a query="nước hoa|thuốc lá" -a max_pages=3
ecomwatch crawl tiki --base-url … --query "nước hoa" --max-pages 3
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response

from crawler.pages import PageError
from crawler.pages import tiki as page
from spiders.base import EcomwatchSpider, SearchArgs, int_arg, json_api_settings

SORTS = ("top_seller", "default", "newest", "price,asc", "price,desc")


class TikiSpider(EcomwatchSpider):
    name = "tiki"
    default_base_url = "https://tiki.vn"
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
        guest_token: str | None = None,
        limit: int | str = 40,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        search = SearchArgs.parse(self.name, query=query, category=category, max_pages=max_pages, sort=sort,
                                  details=details, sorts=SORTS)  # fmt: skip
        self.query, self.category, self.max_pages = search.query, search.category, search.max_pages
        self.sort, self.details = search.sort, search.details
        self.limit = int_arg(self.name, "limit", limit)
        # Tiki's web app sends a 32-character guest token; any well-formed value is accepted.
        self.guest_token = guest_token or secrets.token_hex(16)

    def headers(self) -> dict[str, str]:
        return {"x-guest-token": self.guest_token, "Referer": self.base_url + "/"}

    def search_url(self, *, page_no: int, query: str | None = None, category: str | None = None) -> str:
        params: dict[str, Any] = {"limit": self.limit, "include": "advertisement", "aggregations": 2}
        if query is not None:
            params["q"] = query
        if category is not None:
            params["category"] = category
        params.update({"page": page_no, "sort": self.sort})
        return f"{self.base_url}/api/v2/products?{urlencode(params)}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for query in self.query:
            yield self.search_request(1, query=query)
        for category in self.category:
            yield self.search_request(1, category=category)

    def search_request(self, page_no: int, **where: str) -> scrapy.Request:
        return scrapy.Request(
            self.search_url(page_no=page_no, **where),
            headers=self.headers(),
            callback=self.parse_search,
            errback=self.search_failed,
            cb_kwargs={"page_no": page_no, "where": where},
        )

    def parse_search(self, response: Response, page_no: int, where: dict[str, str]) -> Iterator[Any]:
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
        if result.last_page is not None:
            if page_no == 1:
                # paging.last_page is known from the first page: request the rest at once.
                for next_page in range(2, min(result.last_page, self.max_pages) + 1):
                    yield self.search_request(next_page, **where)
        elif result.items and page_no < self.max_pages:
            # no paging to tell the end: one page after another until an empty one (or max_pages)
            if page_no == 1:
                stats.inc_value("ecomwatch/search/unpaged")
                self.logger.warning(
                    "tiki: no paging.last_page on %s; paging until an empty page", response.url
                )
            yield self.search_request(page_no + 1, **where)
        crawled_at = datetime.now(UTC)
        for item in result.items:
            listing = page.listing_from_search_item(item, site_url=self.base_url + "/", crawled_at=crawled_at)
            if self.details and item.get("id") is not None:
                yield scrapy.Request(
                    f"{self.base_url}/api/v2/products/{item['id']}?platform=web&version=3"
                    + (f"&spid={item['seller_product_id']}" if item.get("seller_product_id") else ""),
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
        if response.status == 404:
            stats.inc_value("ecomwatch/detail/not_found")
            yield listing
            return
        try:
            detail = page.parse_detail(response.body)
        except PageError as error:
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            else:
                yield listing  # keep what the search page told us
            return
        stats.inc_value("ecomwatch/pages/detail")
        merged = page.merge_detail(listing, detail, site_url=self.base_url + "/")
        merged["raw_ref"] = response.url
        yield merged
