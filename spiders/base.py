"""What every ecomwatch spider shares: arguments, page-error accounting and retries of partial pages."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import CloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future

from crawler import browser
from crawler.pages import Blocked, PageError
from crawler.retry_after import retry_after_seconds

logger = logging.getLogger(__name__)

#: times a page that came back malformed (truncated, not JSON) is asked for again
MALFORMED_RETRIES = 2
#: meta keys Scrapy's own components set on a request; a re-issued request must not carry them
SCRAPY_INTERNAL_META = frozenset(
    {"download_latency", "download_slot", "retry_times", "depth", "download_timeout"}
)
_REDIRECT_META = frozenset({"redirect_times", "redirect_ttl", "redirect_urls", "redirect_reasons"})


def split_arg(value: str | list[str] | None) -> list[str]:
    """``-a query="nước hoa|túi xách"`` → ["nước hoa", "túi xách"] (lists pass through)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split("|") if part.strip()]


#: what a JSON API spider sends with every request (``custom_settings = json_api_settings()``)
JSON_API_HEADERS = {"Accept": "application/json, text/plain, */*", "Accept-Language": "vi-VN,vi"}
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def json_api_settings(**settings: Any) -> dict[str, Any]:
    """``custom_settings`` of a spider that reads a site's JSON API (a fresh dict each call)."""
    return {"DEFAULT_REQUEST_HEADERS": dict(JSON_API_HEADERS), **settings}


def int_arg(source: str, name: str, value: int | str, *, minimum: int = 1) -> int:
    """``-a max_pages=3`` → 3; anything else is refused in one line that names the argument."""
    try:
        number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ValueError(
            f"{source}: {name} must be a whole number ≥ {minimum}, got {value!r} (e.g. -a {name}=3)"
        )
    return number


def bool_arg(source: str, name: str, value: bool | str) -> bool:
    """``-a details=false`` → False (1/0, true/false, yes/no, on/off); anything else is refused."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise ValueError(f"{source}: {name} must be true or false, got {value!r} (e.g. -a {name}=false)")


@dataclass(slots=True)
class SearchArgs:
    """The listing arguments the marketplace spiders share, parsed and checked once in ``__init__``.

    ``SearchArgs.parse("tiki", query="nước hoa|pod", max_pages="3", sort="newest", sorts=SORTS)``;
    a bad value raises ValueError with a one-line message naming the source and the argument.
    """

    query: list[str]
    category: list[str]
    max_pages: int
    sort: str
    details: bool

    @classmethod
    def parse(
        cls,
        source: str,
        *,
        query: str | list[str] | None = None,
        category: str | list[str] | None = None,
        max_pages: int | str = 5,
        sort: str | None = None,
        details: bool | str = True,
        sorts: tuple[str, ...] = (),
        category_what: str | None = "category id",
    ) -> SearchArgs:
        """``sorts``: the accepted values, the first is the default; ``category_what``: what a category
        is on this site (its name in the error message), or None when the site has no category crawl."""
        categories = split_arg(category)
        if categories and category_what is None:
            raise ValueError(f"{source}: category crawls are not supported; search with -a query=… instead")
        queries = split_arg(query)
        if not queries and not categories:
            wanted = f") or {category_what} (-a category=…)" if category_what else "; several separated by |)"
            raise ValueError(f"{source}: give at least one query (-a query=…{wanted}")
        chosen = sort if sort is not None else (sorts[0] if sorts else "")
        if sorts and chosen not in sorts:
            raise ValueError(f"{source}: sort must be one of {', '.join(sorts)}, got {chosen!r}")
        return cls(
            query=queries,
            category=categories,
            max_pages=int_arg(source, "max_pages", max_pages),
            sort=chosen,
            details=bool_arg(source, "details", details),
        )


@dataclass(slots=True)
class PageRead:
    """What :meth:`EcomwatchSpider.read_page` made of a response."""

    ok: bool
    value: Any = None
    retry: scrapy.Request | None = None  # when not ok: the request to make instead, or None (given up)


class EcomwatchSpider(scrapy.Spider):
    #: names of the spider arguments recorded in crawl_run.args
    argument_names: ClassVar[tuple[str, ...]] = ("base_url",)
    default_base_url: ClassVar[str] = ""
    #: times a blocked page is asked for again, each after a longer pause
    block_retries: ClassVar[int] = 3
    #: a block waits this many times the 429/5xx backoff base before the page is asked for again
    block_backoff_factor: ClassVar[float] = 5.0
    #: blocks in a row that stop the crawl (``ecomwatch/blocks/circuit_open``); 0 = never
    max_blocks: int = 10
    blocks_in_a_row: int = 0

    def __init__(self, *args: Any, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base_url = (base_url or self.default_base_url).rstrip("/")
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")

    def page_failed(self, response: Response, error: PageError) -> scrapy.Request | None:
        """Count a page that could not be read and ask for it again (a truncated body is often transient)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("ecomwatch/pages/malformed")
        request = response.request
        assert request is not None
        attempts = request.meta.get("malformed_retries", 0)
        retry = None
        if attempts < MALFORMED_RETRIES:
            meta = {k: v for k, v in request.meta.items() if k not in SCRAPY_INTERNAL_META}
            retry = request.replace(dont_filter=True, meta=meta | {"malformed_retries": attempts + 1})
            self.crawler.stats.inc_value("ecomwatch/pages/malformed_retries")
        if retry is None:
            self.crawler.stats.inc_value("ecomwatch/pages/lost")
            logger.error("%s: giving up on %s: %s", self.name, response.url, error)
        else:
            logger.warning("%s: %s on %s; retrying", self.name, error, response.url)
        return retry

    def search_failed(self, failure: Any) -> None:
        """A listing page failed for good (retries exhausted): count it; the crawl goes on."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("ecomwatch/pages/failed")
        logger.error("%s: search page failed for good: %s: %s", self.name, failure.request.url, failure.value)

    def detail_failed(self, failure: Any) -> Iterator[dict[str, Any]]:
        """A detail page is gone for good (retries exhausted): keep the listing the search page gave."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("ecomwatch/detail/failed")
        logger.warning("%s: detail failed for %s: %s", self.name, failure.request.url, failure.value)
        yield failure.request.meta["listing"]

    async def read_page(
        self, response: Response, parse: Callable[[], Any], *, lost: str = "ecomwatch/pages/lost"
    ) -> PageRead:
        """Parse a page with the page object. A block is counted, paused on and retried; a malformed
        page is retried; once retries are used up the page is given up (``lost`` counted on a block)."""
        try:
            value = parse()
        except Blocked as block:
            retry = await self.blocked(response, block)
            if retry is None:
                assert self.crawler.stats is not None
                self.crawler.stats.inc_value(lost)
            return PageRead(ok=False, retry=retry)
        except PageError as error:
            return PageRead(ok=False, retry=self.page_failed(response, error))
        self.blocks_in_a_row = 0
        return PageRead(ok=True, value=value)

    # --- blocks: counted, paused, retried; a circuit breaker after max_blocks in a row ----------------

    def count_block(self, kind: str, response: Response, why: str) -> None:
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("ecomwatch/blocks")
        stats.inc_value(f"ecomwatch/blocks/{kind}")
        self.blocks_in_a_row += 1
        self.logger.warning("%s: blocked (%s) on %s: %s", self.name, kind, response.url, why)
        if self.max_blocks and self.blocks_in_a_row >= self.max_blocks:
            stats.set_value("ecomwatch/blocks/circuit_open", 1)
            raise CloseSpider(f"blocked {self.blocks_in_a_row} times in a row")

    async def blocked(self, response: Response, block: Blocked) -> scrapy.Request | None:
        """Count a block, wait, and ask for the page again (None once the retries are used up)."""
        self.count_block(block.kind, response, str(block))
        attempts = response.meta.get("block_retries", 0)
        if attempts >= self.block_retries:
            self.logger.error(
                "%s: giving up on %s after %d blocks", self.name, self.original_url(response), attempts + 1
            )
            return None
        await self.back_off(attempts, factor=self.block_backoff_factor)
        return self.again(response, block_retries=attempts + 1)

    async def back_off(self, attempt: int, factor: float = 1.0) -> None:
        stats = self.crawler.stats
        assert stats is not None
        base = self.settings.getfloat("ECOMWATCH_BACKOFF_BASE", 1.0) * factor
        delay = min(
            self.settings.getfloat("ECOMWATCH_BACKOFF_MAX", 60.0),
            base * 2**attempt * (1 + random.random() / 2),
        )
        await self.wait(delay)

    async def wait(self, delay: float) -> None:
        """Pause this callback for ``delay`` seconds (counted in ``ecomwatch/backoff/seconds``)."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("ecomwatch/backoff/seconds", round(delay, 3))
        # imported here: importing the reactor when the spider module loads would install the default one
        from twisted.internet import reactor, task

        await deferred_to_future(task.deferLater(reactor, delay, lambda: None))

    @staticmethod
    def original_url(response: Response) -> str:
        """The URL asked for, before any redirect to a captcha page."""
        return str(response.meta.get("redirect_urls", [response.url])[0])

    def again(self, response: Response, **meta: Any) -> scrapy.Request:
        request = response.request
        assert request is not None
        kept = {k: v for k, v in request.meta.items() if k not in SCRAPY_INTERNAL_META | _REDIRECT_META}
        return request.replace(url=self.original_url(response), dont_filter=True, meta=kept | meta)


# --- browser spiders (Shopee, Facebook): one Chromium page per request, always closed ------------------------

#: statuses waited on and asked for again (the page's own, or its API call's)
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})
#: meta keys of one browser page; a retry gets fresh ones
_PAGE_META = frozenset({"playwright_page", "capture", "playwright_page_event_handlers"})


class Transient(Exception):
    """A 429/5xx seen in the browser (Scrapy's retry middleware is off for browser pages: they must be closed)."""

    def __init__(self, status: int, retry_after: bytes | str | None = None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after_seconds(retry_after)  # seconds the site asked us to wait, or None


class BrowserSpider(browser.BrowserSpiderMixin, EcomwatchSpider):
    """Requests pages through scrapy-playwright and captures the JSON they fetch (``self.context_options``:
    the browser context, with the operator's storage state)."""

    context_options: dict[str, Any]

    def browser_request(self, url: str, pattern: str, callback: Any, **cb_kwargs: Any) -> scrapy.Request:
        capture = browser.ResponseCapture(pattern)
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.page_errback,
            cb_kwargs=cb_kwargs,
            meta=browser.browser_meta(capture, self.name, self.context_options),
            dont_filter=True,  # one request per page by construction; a retry repeats the URL
        )

    async def transient(
        self, response: Response, status: int, retry_after: float | None = None
    ) -> scrapy.Request | None:
        """Wait (the site's Retry-After when it sent one, else our backoff) and ask for the page again."""
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"ecomwatch/http/{status}")
        attempts = response.meta.get("transient_retries", 0)
        if attempts >= self.settings.getint("RETRY_TIMES", 4):
            stats.inc_value("retry/max_reached")
            stats.inc_value("ecomwatch/pages/lost")
            self.logger.error(
                "%s: giving up on %s after HTTP %d", self.name, self.original_url(response), status
            )
            return None
        if retry_after is not None:
            await self.wait(min(self.settings.getfloat("ECOMWATCH_BACKOFF_MAX", 60.0), retry_after))
        else:
            await self.back_off(attempts)
        return self.again(response, transient_retries=attempts + 1)

    def original_url(self, response: Response) -> str:  # type: ignore[override]
        """The URL asked for: a redirect to a verify page happened inside the browser."""
        request = response.request
        return request.url if request is not None else response.url

    def again(self, response: Response, **meta: Any) -> scrapy.Request:
        request = response.request
        assert request is not None
        kept = {k: v for k, v in request.meta.items() if k not in SCRAPY_INTERNAL_META | _PAGE_META}
        capture = browser.ResponseCapture(request.meta["capture"].pattern.pattern)
        fresh = browser.browser_meta(capture, self.name, self.context_options)
        return request.replace(dont_filter=True, meta=kept | fresh | meta)

    def page_failed(self, response: Response, error: PageError) -> scrapy.Request | None:
        retry = super().page_failed(response, error)
        if retry is None:
            return None
        return self.again(response, malformed_retries=retry.meta["malformed_retries"])

    async def page_errback(self, failure: Any) -> AsyncIterator[Any]:
        """The page could not be loaded at all (timeout, browser crash): close it, count it."""
        request = failure.request
        await browser.close_page(request.meta)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value("ecomwatch/pages/failed")
        self.logger.error("%s: page failed for good: %s: %s", self.name, request.url, failure.value)
        listing = request.cb_kwargs.get("listing")
        if listing is not None:
            yield listing
