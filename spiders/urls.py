"""A list of listing URLs (an analyst's list, later the tip queue), each read by its source's page object.

scrapy crawl urls -a file=urls.txt
ecomwatch crawl urls --arg file=urls.txt --arg url="https://tiki.vn/x-p123.html|https://shop.vn/products/y"

URLs are routed by domain (:mod:`crawler.pages.router`): tiki.vn, sendo.vn and lazada.vn product pages go
to their marketplace's page object (robots.txt is not consulted for their JSON APIs, as in their own
spiders); Shopee, TikTok and Facebook need a browser and are counted as unsupported
(``ecomwatch/urls/unsupported/<source>``); every other domain is a web shop read by the generic parser,
with robots.txt obeyed. ``site_urls=tiki=http://127.0.0.1:8765|…`` fetches a marketplace's data from
another base URL (a mirror). The file has one URL per line; blank lines and ``#`` comments are skipped.

Where URLs come from is one method, :meth:`UrlsSpider.seeds`, yielding :class:`Seed` objects. The tip queue
plugs in there: a ``tips`` argument adds seeds read from the database with ``origin="tip"`` and their
``tip_id``, which travels on every request and item (``meta["seed"]``) so the tip can be marked done.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawler.pages import Blocked, PageError, router
from spiders.base import split_arg
from spiders.webshop import WebshopPages


@dataclass(frozen=True, slots=True)
class Seed:
    url: str
    origin: str  # "url" (argument), "file:PATH:LINE", later "tip"
    tip_id: int | None = None


class UrlsSpider(WebshopPages):
    name = "urls"
    default_base_url = "https://ecomwatch.invalid"  # unused: every URL is absolute
    argument_names: ClassVar[tuple[str, ...]] = ("url", "file", "site_urls", "obey_robots")

    def __init__(
        self,
        *args: Any,
        url: str | list[str] | None = None,
        file: str | None = None,
        site_urls: str | dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.url = split_arg(url)
        self.file = file
        if file and not Path(file).is_file():
            raise ValueError(f"urls: file={file}: no such file (one URL per line)")
        if not self.url and not file:
            raise ValueError("urls: give url=… (|-separated) or file=PATH (one URL per line)")
        self.site_urls = router.parse_site_urls(site_urls)
        self.guest_token = secrets.token_hex(16)

    def seeds(self) -> Iterator[Seed]:
        for url in self.url:
            yield Seed(url, "url")
        if self.file:
            lines = Path(self.file).read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                text = line.strip()
                if text and not text.startswith("#"):
                    yield Seed(text, f"file:{self.file}:{number}")

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for seed in self.seeds():
            request = self.routed_request(seed)
            if request is not None:
                yield request

    def routed_request(self, seed: Seed) -> scrapy.Request | None:
        route = router.route(seed.url, site_urls=self.site_urls)
        self.stats.inc_value("ecomwatch/urls/seen")
        if route.kind == router.KIND_UNSUPPORTED:
            self.stats.inc_value("ecomwatch/urls/unsupported")
            self.stats.inc_value(f"ecomwatch/urls/unsupported/{route.source.strip('?') or 'invalid'}")
            self.logger.warning("urls: %s (%s): %s", seed.url, seed.origin, route.reason)
            return None
        self.stats.inc_value(f"ecomwatch/urls/routed/{route.source}")
        assert route.fetch_url is not None
        if route.kind == router.KIND_WEBSHOP:
            return self.html_request(route.fetch_url, role="start", seed=seed)
        return scrapy.Request(
            route.fetch_url,
            headers=self.marketplace_headers(route),
            callback=self.parse_routed,
            errback=self.request_failed,
            cb_kwargs={"route": route},
            meta={"seed": seed, "dont_obey_robotstxt": True, "handle_httpstatus_list": [404]},
        )

    def marketplace_headers(self, route: router.Route) -> dict[str, str]:
        headers = {"Referer": router.SITES.get(route.source, "") + "/"}
        if route.kind in ("tiki_detail", "sendo_detail"):
            headers["Accept"] = "application/json, text/plain, */*"
        if route.source == "tiki":
            headers["x-guest-token"] = self.guest_token
        return headers

    def parse_routed(self, response: Response, route: router.Route) -> Iterator[Any]:
        if response.status == 404:
            self.stats.inc_value("ecomwatch/pages/not_found")
            return
        try:
            listing = router.listing_for(
                route, response.body, crawled_at=datetime.now(UTC), response_url=response.url
            )
        except router.NotFound as error:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.logger.info("urls: %s", error)
            return
        except Blocked as error:
            self.stats.inc_value("ecomwatch/blocks")
            self.stats.inc_value(f"ecomwatch/blocks/{error.kind}")
            self.logger.warning("urls: blocked on %s: %s", response.url, error)
            return
        except PageError as error:  # truncated or drifted: asked for again, then counted as lost
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            return
        if listing is None:
            self.stats.inc_value("ecomwatch/pages/not_product")
            return
        yield from self.found(listing, response)

    def request_failed(self, failure: Failure) -> None:
        super().request_failed(failure)
        seed = failure.request.meta.get("seed")  # type: ignore[attr-defined]
        if seed is not None:
            self.logger.info("urls: %s came from %s", seed.url, seed.origin)
