"""Independent web shops (Haravan, Sapo, WooCommerce, Shopify, custom): product pages from sitemaps or
from shop and category pages, read by the generic page object (:mod:`crawler.pages.webshop`).

scrapy crawl webshop -a url="https://shop.vn/products/a|https://shop.vn/collections/all"
scrapy crawl webshop -a base_url=https://shop.vn -a sitemap=/sitemap.xml -a max_products=200
ecomwatch crawl webshop --base-url http://127.0.0.1:8765 --arg sitemap=/sitemap.xml

Arguments: ``url`` (product or shop URLs, ``|``-separated; a page that shows no product is a shop page
whose product links are followed, and its next pages up to ``max_pages``), ``sitemap`` (sitemaps or
sitemap indexes; product sitemaps are followed, product-like URLs kept), ``max_products`` (cap on product
pages per crawl), ``obey_robots`` (default true; robots.txt is obeyed through ``ROBOTSTXT_OBEY``, and
``obey_robots=false`` marks each request ``dont_obey_robotstxt``). With neither ``url`` nor ``sitemap``,
the sitemaps named in ``base_url``'s robots.txt are read, else ``/sitemap.xml``, else the home page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.pages import PageError, sitemaps, webshop
from spiders.base import MALFORMED_RETRIES, EcomwatchSpider, bool_arg, int_arg, split_arg

#: how deep sitemap indexes are followed
MAX_SITEMAP_DEPTH = 3
HTML_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi-VN,vi;q=0.9,en;q=0.6",
}


class WebshopPages(EcomwatchSpider):
    """Reading product and shop pages with the generic page object; shared by ``webshop`` and ``urls``."""

    custom_settings = {
        "ROBOTSTXT_OBEY": True,
        "DEFAULT_REQUEST_HEADERS": HTML_HEADERS,
    }

    def __init__(
        self,
        *args: Any,
        max_pages: int | str = 5,
        max_products: int | str = 500,
        obey_robots: bool | str = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.max_pages = int_arg(self.name, "max_pages", max_pages)
        self.max_products = int_arg(self.name, "max_products", max_products)
        self.obey_robots = bool_arg(self.name, "obey_robots", obey_robots)
        self.product_requests = 0
        self.seen_ids: set[str] = set()

    @property
    def stats(self) -> Any:
        assert self.crawler.stats is not None
        return self.crawler.stats

    def html_request(
        self, url: str, *, role: str, listing_pages: int = 0, **meta: Any
    ) -> scrapy.Request | None:
        """A page request; ``role`` is product (read it), listing (follow its product links) or start
        (either). None once ``max_products`` product pages were asked for."""
        if role == "product":
            if self.product_requests >= self.max_products:
                self.stats.inc_value("ecomwatch/pages/over_limit")
                return None
            self.product_requests += 1
        return scrapy.Request(
            url,
            callback=self.parse_page,
            errback=self.request_failed,
            cb_kwargs={"role": role, "listing_pages": listing_pages},
            meta={"handle_httpstatus_list": [404, 410], **self.robots_meta(), **meta},
        )

    def robots_meta(self) -> dict[str, Any]:
        return {} if self.obey_robots else {"dont_obey_robotstxt": True}

    def parse_page(self, response: Response, role: str, listing_pages: int = 0) -> Iterator[Any]:
        if response.status in (404, 410):
            self.stats.inc_value("ecomwatch/pages/not_found")
            return
        if not isinstance(response, TextResponse):
            self.stats.inc_value("ecomwatch/pages/not_html")
            return
        crawled_at = datetime.now(UTC)
        try:
            selector = webshop.read_page(response.text, url=response.url)
            listing = webshop.parse_product(selector, url=response.url, crawled_at=crawled_at)
        except webshop.PartialPage as error:
            yield from self.partial_page(response, error, crawled_at)
            return
        except PageError as error:
            self.stats.inc_value("ecomwatch/pages/unreadable")
            self.logger.warning("%s: unreadable page %s: %s", self.name, response.url, error)
            return
        if listing is not None:
            yield from self.found(listing, response)
        elif role == "product":
            self.stats.inc_value("ecomwatch/pages/not_product")
            self.logger.info("%s: no product on %s", self.name, response.url)
        else:
            yield from self.follow_shop_links(selector, response.url, listing_pages)

    def found(self, listing: dict[str, Any], response: Response) -> Iterator[dict[str, Any]]:
        self.stats.inc_value("ecomwatch/pages/product")
        key = f"{listing['source']}:{listing['external_id']}"
        if key in self.seen_ids:
            self.stats.inc_value("ecomwatch/items/duplicate")
            return
        self.seen_ids.add(key)
        listing["raw_ref"] = response.url
        yield listing

    def partial_page(self, response: Response, error: PageError, crawled_at: datetime) -> Iterator[Any]:
        """Ask again for a truncated page; after the last attempt keep what the part we have shows."""
        request = response.request
        assert request is not None
        if request.meta.get("malformed_retries", 0) < MALFORMED_RETRIES:
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            return
        self.stats.inc_value("ecomwatch/pages/malformed")
        listing = webshop.parse_product(
            response.text, url=response.url, crawled_at=crawled_at, allow_partial=True
        )
        if listing is None:
            self.stats.inc_value("ecomwatch/pages/lost")
            self.logger.error("%s: giving up on %s: %s", self.name, response.url, error)
            return
        self.stats.inc_value("ecomwatch/pages/partial")
        self.logger.warning("%s: keeping what the truncated page %s shows", self.name, response.url)
        listing["attributes"]["page_truncated"] = "true"
        yield from self.found(listing, response)

    def follow_shop_links(self, selector: Any, url: str, listing_pages: int) -> Iterator[scrapy.Request]:
        self.stats.inc_value("ecomwatch/pages/listing")
        links = webshop.shop_links(selector, url)
        for product_url in links.products:
            request = self.html_request(product_url, role="product")
            if request is not None:
                yield request
        if listing_pages + 1 < self.max_pages:
            for next_url in links.next_pages[:1]:
                request = self.html_request(next_url, role="listing", listing_pages=listing_pages + 1)
                if request is not None:
                    yield request

    def request_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(IgnoreRequest) and not hasattr(failure.value, "response"):
            self.stats.inc_value("ecomwatch/pages/robots_forbidden")
            self.logger.info("%s: %s: %s", self.name, request.url, failure.value)
            return
        response = getattr(failure.value, "response", None)
        self.stats.inc_value("ecomwatch/pages/failed")
        if response is not None:
            self.stats.inc_value(f"ecomwatch/pages/failed/{response.status}")
        self.logger.error("%s: page failed for good: %s: %s", self.name, request.url, failure.value)


class WebshopSpider(WebshopPages):
    name = "webshop"
    argument_names: ClassVar[tuple[str, ...]] = (
        "base_url",
        "url",
        "sitemap",
        "max_pages",
        "max_products",
        "obey_robots",
    )

    def __init__(
        self,
        *args: Any,
        url: str | list[str] | None = None,
        sitemap: str | list[str] | None = None,
        base_url: str | None = None,
        **kwargs: Any,
    ) -> None:
        urls, maps = split_arg(url), split_arg(sitemap)
        absolute = [u for u in urls + maps if u.startswith(("http://", "https://"))]
        if not base_url and not absolute:
            raise ValueError("webshop: give url=… or sitemap=… (absolute http(s) URLs), or --base-url SHOP")
        base_url = base_url or "{0.scheme}://{0.netloc}".format(urlsplit(absolute[0]))
        super().__init__(*args, base_url=base_url, **kwargs)
        self.url = [urljoin(self.base_url + "/", u) for u in urls]
        self.sitemap = [urljoin(self.base_url + "/", s) for s in maps]

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for sitemap in self.sitemap:
            yield self.sitemap_request(sitemap)
        for url in self.url:
            request = self.html_request(url, role="start")
            if request is not None:
                yield request
        if not self.sitemap and not self.url:
            yield scrapy.Request(
                f"{self.base_url}/robots.txt",
                callback=self.parse_robots,
                errback=self.no_robots,
                meta={"dont_obey_robotstxt": True, "handle_httpstatus_list": [404, 403, 410]},
            )

    def sitemap_request(self, url: str, *, depth: int = 0, fallback_home: bool = False) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self.parse_sitemap,
            errback=self.sitemap_failed,
            cb_kwargs={"depth": depth, "fallback_home": fallback_home},
            meta={"handle_httpstatus_list": [404, 410], "fallback_home": fallback_home, **self.robots_meta()},
        )

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        found = sitemaps.robots_sitemaps(response.text, url=response.url) if response.status == 200 else []
        for url in found:
            yield self.sitemap_request(url)
        if not found:
            yield self.sitemap_request(f"{self.base_url}/sitemap.xml", fallback_home=True)

    def no_robots(self, failure: Failure) -> scrapy.Request:
        return self.sitemap_request(f"{self.base_url}/sitemap.xml", fallback_home=True)

    def parse_sitemap(self, response: Response, depth: int, fallback_home: bool = False) -> Iterator[Any]:
        try:
            if response.status != 200:
                raise PageError(f"sitemap {response.url}: HTTP {response.status}")
            result = sitemaps.parse_sitemap(response.body, url=response.url)
        except PageError as error:
            self.stats.inc_value("ecomwatch/sitemaps/unreadable")
            self.logger.warning("%s: %s", self.name, error)
            if fallback_home:
                yield from self.home_page()
            return
        self.stats.inc_value("ecomwatch/sitemaps/read")
        self.stats.inc_value("ecomwatch/sitemaps/skipped", result.skipped)
        for child in result.sitemaps:
            if depth < MAX_SITEMAP_DEPTH:
                yield self.sitemap_request(child, depth=depth + 1)
        for url in result.products:
            request = self.html_request(url, role="product")
            if request is not None:
                yield request

    def sitemap_failed(self, failure: Failure) -> Iterator[scrapy.Request]:
        self.stats.inc_value("ecomwatch/sitemaps/failed")
        self.logger.error("%s: sitemap failed: %s: %s", self.name, failure.request.url, failure.value)  # type: ignore[attr-defined]
        if failure.request.meta.get("fallback_home"):  # type: ignore[attr-defined]
            yield from self.home_page()

    def home_page(self) -> Iterator[scrapy.Request]:
        request = self.html_request(self.base_url + "/", role="listing")
        if request is not None:
            yield request
