"""Facebook: Marketplace search (feed units), group posts and public Page posts, in Chromium with a logged-in
storage state.

A Marketplace search page carries its first feed page as embedded JSON; further pages arrive when the page
is scrolled, through its own ``POST /api/graphql/`` (``doc_id`` + cursor), which is captured. The page is
scrolled until ``page_info.has_next_page`` is false or ``max_pages`` feed pages were read, then closed.
Group and Page posts are read from the rendered page; their prices are free text ("1tr2", "350k",
"1.200.000đ", "giá ib" → no price) and phone/Zalo numbers stay in the text (the contacts pipeline reads
them). A Page's further posts arrive when it is scrolled, as a streamed GraphQL answer (several JSON
objects, ``for (;;);`` first): every object is read, a malformed one is counted
(``ecomwatch/pages/malformed_objects``) and the rest kept. A login wall is a block (``ecomwatch/blocks/login_wall``): counted,
paused on, retried, never stored — the fix is a fresh ``storage_state`` (cookies ``c_user``, ``xs``).

With ``item_pages=1`` (off by default: each is one more logged-in page view against a harsh rate limit)
every new search result's item page (``/marketplace/item/{id}/``) is opened too, for what only it shows:
the seller's description (its price when the listing says 0 or "Miễn phí", its phone/Zalo numbers), all
photos, sold/pending. A removed listing is counted (``ecomwatch/items/removed``) and not stored; an item
page that stays blocked or unreadable keeps the search result's listing (``ecomwatch/detail/failed``).

ecomwatch crawl facebook --base-url … --query "sữa bột" --arg storage_state=fb-state.json --arg city=hanoi
ecomwatch crawl facebook --base-url … --query "sữa bột" --arg storage_state=… --arg item_pages=1   # (or details=1)
ecomwatch crawl facebook --base-url … --arg group=123456789 --arg storage_state=fb-state.json
ecomwatch crawl facebook --base-url … --arg page="shopmebong|another.page" --max-pages 3 --arg storage_state=…
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, ClassVar
from urllib.parse import quote, urlencode, urlsplit

import scrapy
from scrapy.http import Response

from crawler import browser
from crawler.pages import Blocked, PageError, facebook_item
from crawler.pages import facebook as page
from spiders.base import TRANSIENT_STATUSES, BrowserSpider, Transient, bool_arg, int_arg, split_arg

GRAPHQL = r"/api/graphql/"


class FacebookSpider(BrowserSpider):
    name = "facebook"
    default_base_url = page.SITE_URL
    argument_names: ClassVar[tuple[str, ...]] = (
        "base_url",
        "query",
        "city",
        "group",
        "page",
        "max_pages",
        "item_pages",
        "storage_state",
    )

    def __init__(
        self,
        *args: Any,
        query: str | list[str] | None = None,
        city: str = "hanoi",
        group: str | list[str] | None = None,
        page: str | list[str] | None = None,
        max_pages: int | str = 3,
        storage_state: str | None = None,
        max_blocks: int | str = 5,
        item_pages: bool | str = False,
        details: bool | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # ``details`` (-a details=1, the CLI's --details) is the same switch as item_pages; item pages
        # are opt-in: the CLI passes --details/--no-details only when given.
        if details is not None:
            item_pages = details
        self.item_pages = bool_arg(self.name, "item_pages", item_pages)
        self.query = split_arg(query)
        self.groups = split_arg(group)
        self.pages = [urlsplit(p).path.strip("/") if "://" in p else p.strip("/") for p in split_arg(page)]
        if not self.query and not self.groups and not self.pages:
            raise ValueError(
                "facebook: give a Marketplace query (-a query=…), a group id (-a group=…) or a Page (-a page=…)"
            )
        self.city = city
        self.max_pages = int_arg(self.name, "max_pages", max_pages)
        self.context_options = browser.context_kwargs(storage_state)
        self.max_blocks = int_arg(self.name, "max_blocks", max_blocks, minimum=0)
        self.seen: set[str] = set()

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for query in self.query:
            url = f"{self.base_url}/marketplace/{quote(self.city)}/search/?" + urlencode({"query": query})
            yield self.browser_request(url, GRAPHQL, self.parse_search, query=query)
        for group in self.groups:
            yield self.browser_request(f"{self.base_url}/groups/{quote(group)}/", GRAPHQL, self.parse_group)
        for name in self.pages:
            yield self.browser_request(f"{self.base_url}/{quote(name)}/", GRAPHQL, self.parse_page)

    async def check(self, response: Response) -> scrapy.Request | None | bool:
        """True when the page is usable; else the page is closed and a retry (or None) is returned."""
        stats = self.crawler.stats
        assert stats is not None
        try:
            if response.status in TRANSIENT_STATUSES:
                raise Transient(response.status, response.headers.get(b"Retry-After"))
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
            return await self.transient(response, transient.status, transient.retry_after)
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
        async with self.scrolling(response):
            feed = page.parse_search_page(response.body, url=response.url)
            pages = 1
            while True:
                stats.inc_value("ecomwatch/pages/search")
                self.blocks_in_a_row = 0
                for item in self.listings(feed):
                    if self.item_pages:
                        yield self.item_request(item)
                    else:
                        yield item
                if not feed.has_next_page or pages >= self.max_pages:
                    break
                feed = await self.next_feed(response, pages)
                pages += 1

    @asynccontextmanager
    async def scrolling(self, response: Response) -> AsyncIterator[None]:
        """Reading a page and scrolling it: a block or an unreadable answer mid-scroll keeps what was read
        and stops there; the browser page is closed however it ends."""
        try:
            yield
        except Blocked as block:
            self.count_block(block.kind, response, str(block))
        except PageError as error:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("ecomwatch/pages/malformed")
            self.logger.warning("facebook: stopped scrolling %s: %s", response.url, error)
        finally:
            await browser.close_page(response.meta)

    async def next_feed(self, response: Response, pages: int) -> page.FeedPage:
        feed = page.parse_graphql(await self.scroll(response, pages))
        self.count_malformed_objects(feed.malformed)
        return feed

    async def scroll(self, response: Response, pages: int) -> bytes:
        """Scroll to the bottom and read the ``pages``-th GraphQL answer the page fetches for it."""
        live = response.meta["playwright_page"]
        await live.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        timeout = self.settings.getfloat("ECOMWATCH_BROWSER_CAPTURE_TIMEOUT", 15.0)
        captured = await response.meta["capture"].nth(pages, timeout)
        if captured is None:
            raise PageError(f"no GraphQL answer within {timeout:.0f}s of scrolling")
        if captured.status != 200:
            raise PageError(f"GraphQL answered HTTP {captured.status}")
        return captured.body

    def count_malformed_objects(self, malformed: int) -> None:
        if malformed:
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("ecomwatch/pages/malformed_objects", malformed)
            self.logger.warning(
                "facebook: %d malformed object(s) in a GraphQL answer; the rest kept", malformed
            )

    def listings(self, feed: page.FeedPage) -> list[dict[str, Any]]:
        crawled_at = datetime.now(UTC)
        return self.unseen([page.listing_from_edge(edge, crawled_at=crawled_at) for edge in feed.edges])

    def unseen(self, listings: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """The listings (or posts) not met before in this crawl; the others are counted as duplicates."""
        stats = self.crawler.stats
        assert stats is not None
        fresh = []
        for listing in listings:
            if listing["external_id"] in self.seen:
                stats.inc_value("ecomwatch/items/duplicate")
                continue
            self.seen.add(listing["external_id"])
            fresh.append(listing)
        return fresh

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
        for post in self.new_posts(posts):
            yield post

    def new_posts(self, posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
        fresh = self.unseen(posts)
        no_price = sum(post["price"] is None for post in fresh)
        if no_price:  # "giá ib": the listing is kept, without a price
            assert self.crawler.stats is not None
            self.crawler.stats.inc_value("ecomwatch/posts/no_price", no_price)
        return fresh

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        """A public Page: the rendered posts, then one streamed GraphQL answer per scroll (``max_pages``)."""
        stats = self.crawler.stats
        assert stats is not None
        usable = await self.check(response)
        if usable is not True:
            if usable:
                yield usable
            return
        async with self.scrolling(response):
            posts = page.parse_posts(response.body, url=response.url)
            stats.inc_value("ecomwatch/pages/page")
            self.blocks_in_a_row = 0
            for post in self.new_posts(posts):
                yield post
            more, pages = page.has_more_posts(response.body), 1
            while more and pages < self.max_pages:
                timeline = page.parse_timeline(await self.scroll(response, pages))
                pages += 1
                stats.inc_value("ecomwatch/pages/page")
                self.count_malformed_objects(timeline.malformed)
                for post in self.new_posts(timeline.posts):
                    yield post
                more = timeline.has_next_page

    # --- Marketplace item pages ---------------------------------------------------------------------

    def item_request(self, listing: dict[str, Any]) -> scrapy.Request:
        url = f"{self.base_url}/marketplace/item/{quote(str(listing['external_id']))}/"
        return self.browser_request(url, GRAPHQL, self.parse_item, listing=listing)

    async def parse_item(
        self, response: Response, listing: dict[str, Any] | None = None
    ) -> AsyncIterator[Any]:
        """An item page: its listing (the search result's, when the page stays blocked or unreadable)."""
        stats = self.crawler.stats
        assert stats is not None
        usable = await self.check(response)
        if usable is not True:
            if usable:
                yield usable
            elif listing is not None:
                stats.inc_value("ecomwatch/detail/failed")
                yield listing
            return
        await browser.close_page(response.meta)  # everything is in the HTML
        try:
            found = facebook_item.parse_item_page(
                response.body, url=response.url, crawled_at=datetime.now(UTC)
            )
        except facebook_item.ListingGone as gone:
            stats.inc_value("ecomwatch/items/removed")
            self.logger.info("facebook: %s", gone)
            return
        except PageError as error:
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            elif listing is not None:
                stats.inc_value("ecomwatch/detail/failed")
                yield listing
            return
        self.blocks_in_a_row = 0
        stats.inc_value("ecomwatch/pages/detail")
        if found["price"] is None:
            stats.inc_value("ecomwatch/posts/no_price")
        yield found
