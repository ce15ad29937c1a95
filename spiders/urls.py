"""A list of listing URLs (an analyst's list, or the citizens' tip queue), each read by its source's page object.

scrapy crawl urls -a file=urls.txt
ecomwatch crawl urls --arg file=urls.txt --arg url="https://tiki.vn/x-p123.html|https://shop.vn/products/y"
ecomwatch crawl urls --tips            # the queued tips of the public tip form (also: -a tips=true)
ecomwatch crawl urls --tips --browser --arg shopee_state=shopee.json --arg facebook_state=fb.json

URLs are routed by domain (:mod:`crawler.pages.router`, plus TikTok, Shopee and Facebook here):

- tiki.vn, sendo.vn and lazada.vn product pages → their marketplace's page object (robots.txt is not
  consulted for their JSON APIs, as in their own spiders);
- TikTok Shop product pages (``/view/product/ID``, ``/shop/pdp/…/ID``) → :mod:`crawler.pages.tiktok` over
  plain HTTP; seller pages (``/shop/store/NAME/ID``) → their product pages; share links (``/t/CODE``) →
  the product page their redirect names, fetched from the configured TikTok base;
- Shopee product pages (``/{slug}-i.SHOP.ITEM``, ``/product/SHOP/ITEM``), Facebook group posts
  (``/groups/G/posts/P/``) and Marketplace item pages (``/marketplace/item/ID/``) → Chromium, exactly as
  the ``shopee`` / ``facebook`` spiders read them, when the browser is on (``ECOMWATCH_URLS_BROWSER``,
  ``--browser``; storage states ``shopee_state`` / ``facebook_state``); otherwise counted as skipped
  (``ecomwatch/urls/skipped/needs_browser``). A Marketplace item page carries its data in its HTML, but
  the real site serves it only to a logged-in session and answers other clients with the login wall or
  an empty page (marketplaces.md §6), so it goes the way the facebook spider goes: Chromium with the
  operator's storage state;
- every other domain is a web shop read by the generic parser, with robots.txt obeyed.

A URL that is not crawled is counted ``ecomwatch/urls/unsupported/<source>`` (with its reason logged).
``site_urls=tiki=http://127.0.0.1:8765|shopee=…`` fetches a marketplace's pages from another base URL (a
mirror) while listings keep their real URLs. The file has one URL per line; blank lines and ``#`` comments
are skipped.

Where URLs come from is :meth:`UrlsSpider.seeds`. With ``tips``, the queued tips are read
(:func:`crawler.pipelines.tips.load_queued_tips`), each checked (:func:`~crawler.pipelines.tips.tip_url_problem`:
http(s) only, no private addresses, also on redirects) and crawled as a product page only (a tip's shop
page is not followed). The tip id travels in ``meta["seed"]`` on every request, retry and redirect; each
outcome goes to ``self.tip_ledger``, which :class:`crawler.pipelines.tips.TipOutcomes` writes.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, urljoin, urlsplit

import scrapy
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet import threads
from twisted.python.failure import Failure

from crawler import browser
from crawler.pages import Blocked, PageError, facebook_item, router
from crawler.pages import facebook as facebook_page
from crawler.pages import shopee as shopee_page
from crawler.pages import tiktok as tiktok_page
from crawler.pipelines.tips import QueuedTip, TipLedger, load_queued_tips, tip_url_problem
from spiders.base import bool_arg, split_arg
from spiders.facebook import GRAPHQL, FacebookSpider
from spiders.shopee import DETAIL_API, ShopeeSpider
from spiders.webshop import WebshopPages

#: marketplaces routed here rather than by the router (which knows only plain-HTTP JSON/HTML sources)
EXTRA_SITES = {
    "tiktok": tiktok_page.SITE_URL,
    "shopee": shopee_page.SITE_URL,
    "facebook": facebook_page.SITE_URL,
}
_TIKTOK_PRODUCT = re.compile(r"^/(?:view/product|shop/pdp(?:/[^/]+)?|@[^/]+/product)/(?P<id>\d+)/?$")
_TIKTOK_SELLER = re.compile(r"^/shop/store/[^/]+/\d+/?$")
_TIKTOK_SHORT = re.compile(r"^/t/(?P<code>[A-Za-z0-9_-]+)/?$")  # a share link that redirects (§5)
_SHOPEE_SLUG = re.compile(r"^/(?P<slug>[^/]*)-i\.(?P<shop>\d+)\.(?P<item>\d+)/?$")
_SHOPEE_PRODUCT = re.compile(r"^/product/(?P<shop>\d+)/(?P<item>\d+)/?$")
_FACEBOOK_POST = re.compile(r"^/groups/(?P<group>[^/]+)/(?:posts|permalink)/(?P<post>[^/]+)/?$")
_FACEBOOK_ITEM = facebook_item.ITEM_PATH
#: routes read in Chromium
BROWSER_KINDS = frozenset({"shopee_product", "facebook_post", "facebook_item"})
#: routes that list other listings: followed for a URL list, refused for a tip (one tip, one listing)
LISTING_KINDS = frozenset({"tiktok_seller"})
REDIRECTS = (301, 302, 303, 307, 308)
MAX_TIP_REDIRECTS = 5
#: refuses, in a tips crawl, any request (robots.txt and its redirects too) to a non-public host
TIP_GUARD = "spiders.tip_guard.TipHostGuard"


@dataclass(frozen=True, slots=True)
class Seed:
    url: str
    origin: str  # "url" (argument), "file:PATH:LINE", "tip:ID"
    tip_id: int | None = None


def split_site_urls(value: str | dict[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """``site_urls`` → (the router's sites, the sites routed here: tiktok, shopee, facebook)."""
    if not value:
        return {}, {}
    pairs = value.items() if isinstance(value, dict) else (p.partition("=")[::2] for p in value.split("|"))
    mine: dict[str, str] = {}
    theirs: dict[str, str] = {}
    for name, base in pairs:
        name, base = name.strip(), base.strip()
        if name in EXTRA_SITES:
            if not base.startswith(("http://", "https://")):
                raise ValueError(f"site_urls: expected {name}=http(s)://…, got {name}={base}")
            mine[name] = base.rstrip("/")
        else:
            theirs[name] = base
    return router.parse_site_urls(theirs), mine


def extra_route(url: str, source: str, sites: dict[str, str]) -> router.Route:
    """Route a TikTok, Shopee or Facebook URL (the router counts these as browser-only)."""
    path = urlsplit(url).path
    base = sites.get(source, EXTRA_SITES[source]).rstrip("/")
    if source == "tiktok":
        if match := _TIKTOK_PRODUCT.match(path):
            fetch = f"{base}/view/product/{match['id']}"
            return router.Route(source, "tiktok_product", url, fetch_url=fetch, external_id=match["id"])
        if _TIKTOK_SELLER.match(path):
            return router.Route(source, "tiktok_seller", url, fetch_url=base + path.rstrip("/"))
        if match := _TIKTOK_SHORT.match(path):
            return router.Route(source, "tiktok_short", url, fetch_url=f"{base}/t/{match['code']}/")
    elif source == "shopee":
        match = _SHOPEE_SLUG.match(path) or _SHOPEE_PRODUCT.match(path)
        if match:
            slug = match.groupdict().get("slug") or "product"
            fetch = f"{base}/{quote(slug, safe='-%')}-i.{match['shop']}.{match['item']}"
            return router.Route(source, "shopee_product", url, fetch_url=fetch, external_id=match["item"])
    elif source == "facebook":
        if match := _FACEBOOK_POST.match(path):
            fetch = f"{base}/groups/{quote(match['group'])}/"
            return router.Route(source, "facebook_post", url, fetch_url=fetch, external_id=match["post"])
        if match := _FACEBOOK_ITEM.match(path):
            fetch = f"{base}/marketplace/item/{match['id']}/"
            return router.Route(source, "facebook_item", url, fetch_url=fetch, external_id=match["id"])
    return router.Route(source, router.KIND_UNSUPPORTED, url, reason=f"not a {source} product or post URL")


class UrlsSpider(WebshopPages):
    name = "urls"
    default_base_url = "https://ecomwatch.invalid"  # unused: every URL is absolute
    argument_names: ClassVar[tuple[str, ...]] = (
        "url", "file", "tips", "site_urls", "obey_robots", "shopee_state", "facebook_state",
    )  # fmt: skip

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)
        if settings.getbool("ECOMWATCH_URLS_BROWSER"):  # only then is scrapy-playwright installed
            settings.setdict(browser.browser_settings(settings), priority="spider")
        # before robots.txt (100): a tips crawl's every request, robots.txt and its redirects included
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares[TIP_GUARD] = 50
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")

    def __init__(
        self,
        *args: Any,
        url: str | list[str] | None = None,
        file: str | None = None,
        tips: bool | str = False,
        site_urls: str | dict[str, str] | None = None,
        shopee_state: str | None = None,
        facebook_state: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.url = split_arg(url)
        self.file = file
        self.tips = bool_arg(self.name, "tips", tips)
        if file and not Path(file).is_file():
            raise ValueError(f"urls: file={file}: no such file (one URL per line)")
        if not self.url and not file and not self.tips:
            raise ValueError("urls: give url=… (|-separated), file=PATH (one URL per line) or tips=true")
        self.site_urls, self.extra_sites = split_site_urls(site_urls)
        self.guest_token = secrets.token_hex(16)
        self.tip_ledger: TipLedger | None = TipLedger() if self.tips else None
        self.shopee_state, self.facebook_state = shopee_state, facebook_state
        # The browser spiders' own page handling (blocks, retries, closing pages), for single URLs.
        self.shopee = ShopeeSpider(query="urls", base_url=self.extra_sites.get("shopee", shopee_page.SITE_URL),
                                   storage_state=shopee_state)  # fmt: skip
        self.facebook = FacebookSpider(group="urls", base_url=self.extra_sites.get("facebook", facebook_page.SITE_URL),
                                       storage_state=facebook_state)  # fmt: skip

    # --- seeds ----------------------------------------------------------------------------------------

    def seeds(self) -> Iterator[Seed]:
        for url in self.url:
            yield Seed(url, "url")
        if self.file:
            lines = Path(self.file).read_text(encoding="utf-8").splitlines()
            for number, line in enumerate(lines, 1):
                text = line.strip()
                if text and not text.startswith("#"):
                    yield Seed(text, f"file:{self.file}:{number}")

    async def queued_tips(self) -> list[QueuedTip]:
        limit = self.settings.getint("ECOMWATCH_TIPS_MAX_PER_RUN", 200)
        database = self.settings.get("ECOMWATCH_STORAGE_URL")
        tips = await deferred_to_future(threads.deferToThread(load_queued_tips, database, limit))
        self.stats.inc_value("ecomwatch/tips/seen", len(tips))
        self.logger.info("urls: %d queued tips to crawl", len(tips))
        return tips

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for helper in (self.shopee, self.facebook):  # they count and retry on this crawl
            helper.crawler, helper.settings = self.crawler, self.settings
        for seed in self.seeds():
            request = await self.request_for(seed)
            if request is not None:
                yield request
        if self.tip_ledger is not None:
            for tip in await self.queued_tips():
                self.tip_ledger.seeded(tip)
                request = await self.request_for(Seed(tip.url.strip(), f"tip:{tip.id}", tip.id))
                if request is not None:
                    yield request

    # --- routing --------------------------------------------------------------------------------------

    def route(self, url: str) -> router.Route:
        found = router.route(url, site_urls=self.site_urls)
        if found.kind == router.KIND_UNSUPPORTED and found.source in EXTRA_SITES:
            return extra_route(found.url, found.source, self.extra_sites)
        return found

    async def request_for(self, seed: Seed) -> scrapy.Request | None:
        self.stats.inc_value("ecomwatch/urls/seen")
        route = self.route(seed.url)
        if seed.tip_id is not None:
            problem = await self.unsafe(seed.url, route)
            if problem is None and route.kind in LISTING_KINDS:
                problem = "a seller or shop page, not one listing (tip the product's URL)"
            if problem is not None:
                self.stats.inc_value("ecomwatch/tips/refused")
                self.logger.warning("urls: tip %s refused: %s: %s", seed.tip_id, seed.url[:200], problem)
                self.tip_failed(seed, f"refused: {problem}", "refused")
                return None
        if route.kind == router.KIND_UNSUPPORTED:
            self.not_crawled(seed, route.source.strip("?") or "invalid", route.reason)
            self.tip_failed(seed, f"unsupported: {route.reason}", "unsupported")
            return None
        if route.kind in BROWSER_KINDS and not self.settings.getbool("ECOMWATCH_URLS_BROWSER"):
            why = (f"{route.source} pages need a browser; run with --browser (ECOMWATCH_URLS_BROWSER=1)"
                   f" and {route.source}_state=FILE to crawl them")  # fmt: skip
            self.not_crawled(seed, route.source, why)
            self.stats.inc_value("ecomwatch/urls/skipped")
            self.stats.inc_value("ecomwatch/urls/skipped/needs_browser")
            if seed.tip_id is not None and self.tip_ledger is not None:
                self.tip_ledger.skip(seed.tip_id, why)  # stays queued for a run with the browser
                self.stats.inc_value("ecomwatch/tips/skipped")
            return None
        self.stats.inc_value(f"ecomwatch/urls/routed/{route.source}")
        request = self.request_for_route(route, seed)
        if request is None:  # over max_products: a tip waits for the next run
            if seed.tip_id is not None and self.tip_ledger is not None:
                self.tip_ledger.skip(seed.tip_id, "over this crawl's max_products")
            return None
        return request.replace(dont_filter=True) if seed.tip_id is not None else request

    async def unsafe(self, url: str, route: router.Route) -> str | None:
        """Why a tip's URL must not be fetched. Only a web shop's host is the tipster's choice (and is
        resolved); a marketplace URL is fetched from the marketplace (or its configured mirror)."""
        allow = self.settings.getbool("ECOMWATCH_TIPS_ALLOW_PRIVATE")
        length = self.settings.getint("ECOMWATCH_TIPS_MAX_URL_LENGTH", 2048)
        trusted = self.settings.getlist("ECOMWATCH_TIPS_TRUSTED_HOSTS", [])
        if route.kind != router.KIND_WEBSHOP:
            return tip_url_problem(
                url, allow_private=allow, max_length=length, resolve=False, trusted=trusted
            )
        check = threads.deferToThread(
            tip_url_problem, url, allow_private=allow, max_length=length, trusted=trusted
        )
        return await deferred_to_future(check)

    def trusted_netlocs(self) -> frozenset[str]:
        """host:port of the marketplace bases configured with ``site_urls`` (not checked by the tip guard)."""
        bases = [*self.site_urls.values(), *self.extra_sites.values()]
        return frozenset(urlsplit(base).netloc.lower() for base in bases)

    def not_crawled(self, seed: Seed, source: str, reason: str) -> None:
        self.stats.inc_value("ecomwatch/urls/unsupported")
        self.stats.inc_value(f"ecomwatch/urls/unsupported/{source}")
        self.logger.warning("urls: %s (%s): %s", seed.url[:200], seed.origin, reason)

    def request_for_route(self, route: router.Route, seed: Seed) -> scrapy.Request | None:
        assert route.fetch_url is not None
        if route.kind == router.KIND_WEBSHOP:
            meta: dict[str, Any] = {"seed": seed}
            if seed.tip_id is not None:  # redirects are checked before they are followed; size capped
                meta |= {"dont_redirect": True, "handle_httpstatus_list": [*REDIRECTS, 404, 410],
                         "download_maxsize": self.settings.getint("ECOMWATCH_TIPS_MAX_PAGE_BYTES", 10_000_000)}  # fmt: skip
            return self.html_request(route.fetch_url, role="product" if seed.tip_id else "start", **meta)
        if route.kind == "shopee_product":
            request = self.shopee.browser_request(route.fetch_url, DETAIL_API, self.parse_shopee, route=route)
        elif route.kind == "facebook_post":
            request = self.facebook.browser_request(
                route.fetch_url, GRAPHQL, self.parse_facebook, route=route
            )
        elif route.kind == "facebook_item":
            request = self.facebook.browser_request(
                route.fetch_url, GRAPHQL, self.parse_facebook_item, route=route
            )
        else:
            callback = {
                "tiktok_product": self.parse_tiktok,
                "tiktok_seller": self.parse_tiktok_seller,
                "tiktok_short": self.parse_tiktok_short,
            }.get(route.kind, self.parse_routed)
            meta = {"seed": seed, "dont_obey_robotstxt": True, "handle_httpstatus_list": [404]}
            if route.kind == "tiktok_short":  # its redirect is routed here: it names the real host
                meta |= {"dont_redirect": True, "handle_httpstatus_list": [*REDIRECTS, 404]}
            return scrapy.Request(
                route.fetch_url,
                headers=self.marketplace_headers(route),
                callback=callback,
                errback=self.request_failed,
                cb_kwargs={"route": route},
                meta=meta,
            )
        meta = {**request.meta, "seed": seed, "dont_obey_robotstxt": True}
        return request.replace(errback=self.browser_failed, meta=meta)

    def marketplace_headers(self, route: router.Route) -> dict[str, str]:
        headers = {"Referer": {**router.SITES, **EXTRA_SITES}.get(route.source, "") + "/"}
        if route.kind in ("tiki_detail", "sendo_detail"):
            headers["Accept"] = "application/json, text/plain, */*"
        if route.source == "tiki":
            headers["x-guest-token"] = self.guest_token
        return headers

    # --- tips: what became of each ------------------------------------------------------------------

    def tip_failed(self, seed: Seed | None, reason: str, kind: str) -> None:
        """``kind``: one of :data:`crawler.pipelines.tips.FAILURE_KINDS` (counted per run)."""
        if seed is not None and seed.tip_id is not None and self.tip_ledger is not None:
            self.tip_ledger.failed(seed.tip_id, reason, kind)

    def tip_linked(self, seed: Seed | None, source: str, external_id: str) -> None:
        if seed is not None and seed.tip_id is not None and self.tip_ledger is not None:
            self.tip_ledger.linked(seed.tip_id, source, external_id)

    def lost(self, response: Response, reason: str, kind: str) -> None:
        self.tip_failed(response.meta.get("seed"), reason, kind)

    def found(self, listing: dict[str, Any], response: Response) -> Iterator[dict[str, Any]]:
        seed = response.meta.get("seed")
        key = f"{listing['source']}:{listing['external_id']}"
        if key in self.seen_ids:  # another URL of this crawl gave the same listing: a tip points at it too
            self.tip_linked(seed, listing["source"], str(listing["external_id"]))
        yield from super().found(listing, response)

    # --- tiki, sendo, lazada: one JSON or HTML document -------------------------------------------------

    def parse_routed(self, response: Response, route: router.Route) -> Iterator[Any]:
        if response.status == 404:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.lost(response, f"{route.source}: HTTP 404, the listing is gone", "gone")
            return
        try:
            listing = router.listing_for(
                route, response.body, crawled_at=datetime.now(UTC), response_url=response.url
            )
        except router.NotFound as error:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.logger.info("urls: %s", error)
            self.lost(response, f"not found: {error}", "gone")
            return
        except Blocked as error:
            self.stats.inc_value("ecomwatch/blocks")
            self.stats.inc_value(f"ecomwatch/blocks/{error.kind}")
            self.logger.warning("urls: blocked on %s: %s", response.url, error)
            self.lost(response, f"blocked ({error.kind}): {error}", "blocked")
            return
        except PageError as error:  # truncated or drifted: asked for again, then counted as lost
            retry = self.page_failed(response, error)
            if retry is not None:
                yield retry
            else:
                self.lost(response, f"unreadable: {error}", "unreadable")
            return
        if listing is None:
            self.stats.inc_value("ecomwatch/pages/not_product")
            self.lost(response, "no product on the page", "not_product")
            return
        yield from self.found(listing, response)

    # --- web shops: the generic parser, redirects of tips checked -----------------------------------

    async def parse_page(self, response: Response, role: str, listing_pages: int = 0) -> AsyncIterator[Any]:
        seed = response.meta.get("seed")
        if response.status in REDIRECTS and seed is not None and seed.tip_id is not None:
            request = await self.tip_redirect(response, seed, role)
            if request is not None:
                yield request
            return
        produced = False
        for output in super().parse_page(response, role, listing_pages):
            produced = True
            yield output
        if not produced:
            why, kind = "no product found on the page (not a product page, or unreadable)", "not_product"
            if response.status in (404, 410):
                why, kind = f"HTTP {response.status}, the page is gone", "gone"
            self.lost(response, why, kind)

    async def tip_redirect(self, response: Response, seed: Seed, role: str) -> scrapy.Request | None:
        hops = response.meta.get("tip_redirects", 0) + 1
        location = response.headers.get(b"Location", b"").decode("latin-1")
        target = urljoin(response.url, location) if location else ""
        if hops > MAX_TIP_REDIRECTS:
            problem: str | None = "too many redirects"
        elif not target:
            problem = "a redirect without a Location"
        else:
            problem = await self.unsafe(target, self.route(target))
        if problem is not None:
            self.stats.inc_value("ecomwatch/tips/refused")
            self.logger.warning(
                "urls: tip %s: redirect from %s refused: %s", seed.tip_id, response.url, problem
            )
            self.tip_failed(seed, f"refused redirect to {target[:200]}: {problem}", "refused")
            return None
        kept = ("seed", "dont_redirect", "handle_httpstatus_list", "download_maxsize")
        meta = {k: response.meta[k] for k in kept if k in response.meta} | {"tip_redirects": hops}
        request = self.html_request(target, role=role, **meta)
        return request.replace(dont_filter=True) if request is not None else None

    def request_failed(self, failure: Failure) -> None:
        super().request_failed(failure)
        seed = failure.request.meta.get("seed")  # type: ignore[attr-defined]
        if seed is not None:
            self.logger.info("urls: %s came from %s", seed.url, seed.origin)
            self.tip_failed(seed, f"the page failed: {failure.value}", "error")

    # --- TikTok Shop: plain HTTP --------------------------------------------------------------------

    async def parse_tiktok(self, response: Response, route: router.Route) -> AsyncIterator[Any]:
        if response.status == 404:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.lost(response, "tiktok: HTTP 404, the product is gone", "gone")
            return
        problems: list[PageError] = []

        def parse() -> dict[str, Any]:
            try:
                return tiktok_page.parse_product(response.body, url=response.url)
            except PageError as error:
                problems.append(error)
                raise

        read = await self.read_page(response, parse)
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            else:
                why = f"tiktok: {problems[-1]}" if problems else "tiktok: blocked (see the crawl's log)"
                self.lost(response, why, "unreadable" if problems else "blocked")
            return
        self.stats.inc_value("ecomwatch/pages/detail")
        listing = tiktok_page.listing_from_product(
            read.value, url=route.fetch_url or route.url, crawled_at=datetime.now(UTC)
        )
        for output in self.found(listing, response):
            yield output

    async def parse_tiktok_short(self, response: Response, route: router.Route) -> AsyncIterator[Any]:
        """A ``tiktok.com/t/…`` share link: its redirect names the product page, fetched from the
        configured base (a mirror in tests) like any product URL; a page served in place is read as one."""
        if response.status not in REDIRECTS:
            async for output in self.parse_tiktok(response, route):
                yield output
            return
        location = response.headers.get(b"Location", b"").decode("latin-1")
        target = urljoin(response.url, location) if location else ""
        on_tiktok = (
            router.marketplace_of(target) == "tiktok"
            or urlsplit(target).netloc == urlsplit(response.url).netloc
        )
        real = extra_route(EXTRA_SITES["tiktok"] + urlsplit(target).path, "tiktok", self.extra_sites)
        if not on_tiktok or real.kind != "tiktok_product":
            self.stats.inc_value("ecomwatch/urls/short_link_unresolved")
            self.logger.warning("urls: tiktok share link %s redirects to %s", route.url, target[:200])
            self.lost(response, f"tiktok: the share link leads to {target[:200] or 'nowhere'}, not a product",
                      "not_product")  # fmt: skip
            return
        self.stats.inc_value("ecomwatch/urls/short_link_resolved")
        product = router.Route("tiktok", "tiktok_product", route.url, fetch_url=real.fetch_url,
                               external_id=real.external_id)  # fmt: skip
        yield scrapy.Request(
            product.fetch_url or "",
            headers=self.marketplace_headers(product),
            callback=self.parse_tiktok,
            errback=self.request_failed,
            cb_kwargs={"route": product},
            meta={
                "seed": response.meta.get("seed"),
                "dont_obey_robotstxt": True,
                "handle_httpstatus_list": [404],
            },
            dont_filter=True,
        )

    async def parse_tiktok_seller(self, response: Response, route: router.Route) -> AsyncIterator[Any]:
        if response.status == 404:
            self.stats.inc_value("ecomwatch/pages/not_found")
            return
        read = await self.read_page(
            response, lambda: tiktok_page.parse_seller(response.body, url=response.url)
        )
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            return
        self.stats.inc_value("ecomwatch/pages/seller")
        seed = response.meta["seed"]
        page_no = response.meta.get("seller_page", 1)
        if read.value.next_url and page_no < self.max_pages:
            parts = urlsplit(read.value.next_url)
            next_route = router.Route("tiktok", "tiktok_seller", route.url,
                                      fetch_url=self.extra_sites.get("tiktok", EXTRA_SITES["tiktok"])
                                      + parts.path + (f"?{parts.query}" if parts.query else ""))  # fmt: skip
            request = self.request_for_route(next_route, seed)
            if request is not None:
                request.meta["seller_page"] = page_no + 1
                yield request
        for product_url in read.value.product_urls:
            path = urlsplit(product_url).path
            real = extra_route(EXTRA_SITES["tiktok"] + path, "tiktok", self.extra_sites)
            if real.kind != "tiktok_product":
                continue
            request = self.request_for_route(real, Seed(real.url, seed.origin))
            if request is not None:
                yield request

    # --- Shopee and Facebook: Chromium, through the browser spiders' page handling ------------------

    async def parse_shopee(self, response: Response, route: router.Route) -> AsyncIterator[Any]:
        captured, instead = await self.shopee.read(response)  # the page is closed by now
        if captured is None:
            if instead is not None:
                yield instead
            else:
                self.lost(
                    response,
                    "shopee: the product page was blocked or failed (see the crawl's log)",
                    "blocked",
                )
            return
        problems: list[PageError] = []

        def parse() -> dict[str, Any] | None:
            try:
                return shopee_page.parse_detail(captured.body)
            except PageError as error:
                problems.append(error)
                raise

        read = await self.shopee.read_page(response, parse)
        if not read.ok:
            if read.retry is not None:
                yield read.retry
            else:
                why = f"shopee: {problems[-1]}" if problems else "shopee: blocked (see the crawl's log)"
                self.lost(response, why, "unreadable" if problems else "blocked")
            return
        if read.value is None:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.lost(response, f"shopee: item {route.external_id} does not exist (any more)", "gone")
            return
        self.stats.inc_value("ecomwatch/pages/detail")
        known = {"source": shopee_page.SOURCE, "external_id": route.external_id, "url": route.url,
                 "title": None, "description": "", "attributes": {}, "raw": None, "crawled_at": datetime.now(UTC)}  # fmt: skip
        listing = shopee_page.merge_detail(known, read.value)
        shop_id = urlsplit(route.fetch_url or "").path.rsplit(".", 2)[-2]
        listing["url"] = shopee_page.product_url(listing["title"] or "", shop_id, route.external_id)
        for output in self.found(listing, response):
            yield output

    async def parse_facebook(self, response: Response, route: router.Route) -> AsyncIterator[Any]:
        usable = await self.facebook.check(response)
        if usable is not True:
            if usable:
                yield usable
            else:
                self.lost(
                    response, "facebook: the page was blocked or failed (see the crawl's log)", "blocked"
                )
            return
        try:
            posts = facebook_page.parse_posts(response.body, url=response.url, crawled_at=datetime.now(UTC))
        except PageError as error:
            self.stats.inc_value("ecomwatch/pages/malformed")
            self.lost(response, f"facebook: {error}", "unreadable")
            return
        finally:
            await browser.close_page(response.meta)
        self.facebook.blocks_in_a_row = 0
        self.stats.inc_value("ecomwatch/pages/group")
        wanted = route.external_id
        post = next((p for p in posts if (p.get("raw") or {}).get("post_id") == wanted
                     or p["external_id"] in (wanted, f"post:{wanted}")), None)  # fmt: skip
        if post is None:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.lost(
                response, f"facebook: post {wanted} is not on its group's page (deleted, or older)", "gone"
            )
            return
        post["url"] = route.url
        for output in self.found(post, response):
            yield output

    async def parse_facebook_item(self, response: Response, route: router.Route) -> AsyncIterator[Any]:
        """A Marketplace item page, read as the facebook spider reads it with ``item_pages``."""
        usable = await self.facebook.check(response)
        if usable is not True:
            if usable:
                yield usable
            else:
                self.lost(
                    response, "facebook: the item page was blocked or failed (see the crawl's log)", "blocked"
                )
            return
        await browser.close_page(response.meta)
        try:
            listing = facebook_item.parse_item_page(
                response.body, url=route.url, crawled_at=datetime.now(UTC)
            )
        except facebook_item.ListingGone as gone:
            self.stats.inc_value("ecomwatch/pages/not_found")
            self.stats.inc_value("ecomwatch/items/removed")
            self.logger.info("urls: %s", gone)
            self.lost(response, str(gone), "gone")
            return
        except PageError as error:
            retry = self.facebook.page_failed(response, error)
            if retry is not None:
                yield retry
            else:
                self.lost(response, f"facebook: {error}", "unreadable")
            return
        self.facebook.blocks_in_a_row = 0
        self.stats.inc_value("ecomwatch/pages/detail")
        for output in self.found(listing, response):
            yield output

    async def browser_failed(self, failure: Failure) -> None:
        """A browser page that could not be loaded at all: closed, counted, its tip failed."""
        request = failure.request  # type: ignore[attr-defined]
        await browser.close_page(request.meta)
        self.stats.inc_value("ecomwatch/pages/failed")
        self.logger.error("urls: page failed for good: %s: %s", request.url, failure.value)
        self.tip_failed(request.meta.get("seed"), f"the page failed: {failure.value}", "error")
