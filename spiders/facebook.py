"""Facebook: Marketplace search (feed units) and group/page posts, in Chromium with a logged-in storage state.

A Marketplace search page carries its first feed page as embedded JSON; further pages arrive when the page
is scrolled, through its own ``POST /api/graphql/`` (``doc_id`` + cursor), which is captured. The page is
scrolled until ``page_info.has_next_page`` is false or ``max_pages`` feed pages were read, then closed.
Group and page posts are read from the rendered page; their prices are free text ("1tr2", "350k",
"1.200.000đ", "giá ib" → no price). A login wall is a block (``ecomwatch/blocks/login_wall``): counted,
paused on, retried, never stored — the fix is a fresh ``storage_state`` (cookies ``c_user``, ``xs``).

ecomwatch crawl facebook --base-url … --query "sữa bột" --arg storage_state=fb-state.json --arg city=hanoi
ecomwatch crawl facebook --base-url … --arg group=123456789 --arg storage_state=fb-state.json
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

import scrapy
from scrapy.http import Response

from crawler import browser
from crawler.pages import Blocked, PageError
from crawler.pages import facebook as page
from spiders.base import TRANSIENT_STATUSES, BrowserSpider, Transient, split_arg

GRAPHQL = r"/api/graphql/"


class FacebookSpider(BrowserSpider):
    name = "facebook"
    default_base_url = page.SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = (
        "base_url",
        "query",
        "city",
        "group",
        "max_pages",
        "storage_state",
    )

    def __init__(
        self,
        *args: Any,
        query: str | list[str] | None = None,
        city: str = "hanoi",
        group: str | list[str] | None = None,
        max_pages: int | str = 3,
        storage_state: str | None = None,
        max_blocks: int | str = 5,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("details", None)  # feed units and posts are all there is
        super().__init__(*args, **kwargs)
        self.query = split_arg(query)
        self.groups = split_arg(group)
        if not self.query and not self.groups:
            raise ValueError("facebook: give a Marketplace query (-a query=…) or a group id (-a group=…)")
        self.city = city
        self.max_pages = int(max_pages)
        self.context_options = browser.context_kwargs(storage_state)
        self.max_blocks = int(max_blocks)
        self.seen: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for query in self.query:
            url = f"{self.base_url}/marketplace/{quote(self.city)}/search/?" + urlencode({"query": query})
            yield self.browser_request(url, GRAPHQL, self.parse_search, query=query)
        for group in self.groups:
            yield self.browser_request(f"{self.base_url}/groups/{quote(group)}/", GRAPHQL, self.parse_group)

    async def check(self, response: Response) -> scrapy.Request | None | bool:
        """True when the page is usable; else the page is closed and a retry (or None) is returned."""
        stats = self.crawler.stats
        assert stats is not None
        try:
            if response.status in TRANSIENT_STATUSES:
                raise Transient(response.status)
            if response.status != 200:
                raise PageError(f"facebook: HTTP {response.status} on {response.url}")
            page.check_login(response.body, response.url)
            return True
        except Blocked as block:
            await browser.close_page(response.meta)
            retry = await self.blocked(response, block)
            if retry is None:
                stats.inc_value("ecomwatch/pages/lost")
            return retry
        except Transient as transient:
            await browser.close_page(response.meta)
            return await self.transient(response, transient.status)
        except PageError as error:
            await browser.close_page(response.meta)
            return self.page_failed(response, error)

    async def parse_search(self, response: Response, query: str) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        usable = await self.check(response)
        if usable is not True:
            if usable:
                yield usable
            return
        try:
            feed = page.parse_search_page(response.body, url=response.url)
            pages = 1
            while True:
                stats.inc_value("ecomwatch/pages/search")
                self.blocks_in_a_row = 0
                for item in self.listings(feed):
                    yield item
                if not feed.has_next_page or pages >= self.max_pages:
                    break
                feed = await self.next_feed(response, pages)
                pages += 1
        except Blocked as block:
            self.count_block(block.kind, response, str(block))  # mid-scroll: keep what was read, stop here
        except PageError as error:
            stats.inc_value("ecomwatch/pages/malformed")
            self.logger.warning("facebook: stopped scrolling %s: %s", response.url, error)
        finally:
            await browser.close_page(response.meta)

    async def next_feed(self, response: Response, pages: int) -> page.FeedPage:
        """Scroll to the bottom and read the GraphQL answer the page fetches for it."""
        live = response.meta["playwright_page"]
        await live.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        timeout = self.settings.getfloat("ECOMWATCH_BROWSER_CAPTURE_TIMEOUT", 15.0)
        captured = await response.meta["capture"].nth(pages, timeout)
        if captured is None:
            raise PageError(f"no GraphQL answer within {timeout:.0f}s of scrolling")
        if captured.status != 200:
            raise PageError(f"GraphQL answered HTTP {captured.status}")
        return page.parse_graphql(captured.body)

    def listings(self, feed: page.FeedPage) -> list[dict[str, Any]]:
        stats = self.crawler.stats
        assert stats is not None
        crawled_at = datetime.now(UTC)
        found = []
        for edge in feed.edges:
            listing = page.listing_from_edge(edge, crawled_at=crawled_at)
            if listing["external_id"] in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(listing["external_id"])
            found.append(listing)
        return found

    async def parse_group(self, response: Response) -> AsyncIterator[Any]:
        stats = self.crawler.stats
        assert stats is not None
        usable = await self.check(response)
        if usable is not True:
            if usable:
                yield usable
            return
        try:
            posts = page.parse_posts(response.body, url=response.url)
        finally:
            await browser.close_page(response.meta)
        self.blocks_in_a_row = 0
        stats.inc_value("ecomwatch/pages/group")
        for post in posts:
            if post["price"] is None:
                stats.inc_value("ecomwatch/posts/no_price")  # "giá ib": the listing is kept, without a price
            if post["external_id"] not in self.seen:
                self.seen.add(post["external_id"])
                yield post
