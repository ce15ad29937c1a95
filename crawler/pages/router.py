"""Route a listing URL to the page object that can read it, by domain.

- tiki.vn product pages → Tiki's JSON API detail (:mod:`crawler.pages.tiki`);
- sendo.vn product pages → Sendo's ``wap_v2`` detail JSON (:mod:`crawler.pages.sendo`);
- lazada.vn product pages → the product page itself (:mod:`crawler.pages.lazada`: JSON-LD + module data);
- Shopee, TikTok Shop and Facebook only answer a real browser: recorded as unsupported;
- any other domain → the generic web-shop parser (:mod:`crawler.pages.webshop`).

``site_urls`` maps a marketplace to another base URL for the data it fetches (a local mirror in tests):
``{"tiki": "http://127.0.0.1:8765"}`` fetches ``http://127.0.0.1:8765/api/v2/products/…`` while the
listing keeps its tiki.vn URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.pages import PageError, lazada, sendo, tiki, webshop

SITES = {
    "tiki": "https://tiki.vn",
    "sendo": "https://www.sendo.vn",
    "lazada": "https://www.lazada.vn",
}
#: registrable domain → marketplace; subdomains (www., m., shop.) route the same way
MARKETPLACES = {
    "tiki.vn": "tiki",
    "sendo.vn": "sendo",
    "lazada.vn": "lazada",
    "shopee.vn": "shopee",
    "shp.ee": "shopee",
    "tiktok.com": "tiktok",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "fb.me": "facebook",
}
#: sources whose pages need a browser (scrapy-playwright) and have no page object for a plain fetch
BROWSER_ONLY = {
    "shopee": "shopee.vn only answers a real browser (signed API requests)",
    "tiktok": "TikTok Shop pages need a browser (captcha, signed APIs)",
    "facebook": "Facebook needs a logged-in browser session",
}
_TIKI_PRODUCT = re.compile(r"-p(?P<id>\d+)\.html$|^/p/(?P<id2>\d+)$|^/product/(?P<id3>\d+)")
_SENDO_PRODUCT = re.compile(r"^/(?:[^/]+/)*(?P<slug>[^/]+-(?P<id>\d+))\.html/?$")
_LAZADA_PRODUCT = re.compile(r"^/products/[^/]*-i(?P<id>\d+)(?:-s\d+)?\.html$")

KIND_WEBSHOP = "webshop"
KIND_UNSUPPORTED = "unsupported"


@dataclass(frozen=True, slots=True)
class Route:
    source: str  # the listing's source: tiki, sendo, lazada, webshop, or the unsupported marketplace
    kind: str  # tiki_detail, sendo_detail, lazada_product, webshop or unsupported
    url: str  # the listing URL as given
    fetch_url: str | None = None  # what to request (None when unsupported)
    external_id: str | None = None  # the product id the URL names, when it names one
    reason: str = ""  # why a URL is unsupported


def marketplace_of(url: str) -> str | None:
    host = (urlsplit(url).hostname or "").lower()
    for domain, source in MARKETPLACES.items():
        if host == domain or host.endswith("." + domain):
            return source
    return None


def route(url: str, *, site_urls: Mapping[str, str] | None = None) -> Route:
    """Which page object reads ``url``, and what to fetch for it."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Route("?", KIND_UNSUPPORTED, url, reason="not an http(s) URL")
    source = marketplace_of(url)
    sites = {**SITES, **(site_urls or {})}
    if source is None:
        return Route(webshop.SOURCE, KIND_WEBSHOP, url, fetch_url=url)
    if source in BROWSER_ONLY:
        return Route(source, KIND_UNSUPPORTED, url, reason=BROWSER_ONLY[source])
    base = sites[source].rstrip("/")
    if source == "tiki":
        match = _TIKI_PRODUCT.search(parts.path)
        if match:
            product_id = match["id"] or match["id2"] or match["id3"]
            spid = parse_qs(parts.query).get("spid", [""])[0]
            fetch = f"{base}/api/v2/products/{product_id}?platform=web&version=3" + (
                f"&spid={spid}" if spid else ""
            )
            return Route(source, "tiki_detail", url, fetch_url=fetch, external_id=product_id)
    elif source == "sendo":
        match = _SENDO_PRODUCT.search(parts.path)
        if match:
            fetch = f"{base}/m/wap_v2/full/san-pham/{match['slug']}?platform=web"
            return Route(source, "sendo_detail", url, fetch_url=fetch, external_id=match["id"])
    elif source == "lazada":
        match = _LAZADA_PRODUCT.search(parts.path)
        if match:
            fetch = base + parts.path
            return Route(source, "lazada_product", url, fetch_url=fetch, external_id=match["id"])
    return Route(source, KIND_UNSUPPORTED, url, reason=f"not a {source} product URL")


def parse_site_urls(value: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"tiki=http://127.0.0.1:8765|sendo=http://…"`` → {"tiki": …}; unknown names are an error."""
    if not value:
        return {}
    pairs = value.items() if isinstance(value, Mapping) else (p.partition("=")[::2] for p in value.split("|"))
    found: dict[str, str] = {}
    for name, base in pairs:
        name, base = name.strip(), base.strip()
        if name not in SITES or not base.startswith(("http://", "https://")):
            raise ValueError(
                f"site_urls: expected NAME=http(s)://… with NAME one of {', '.join(SITES)}, got {name}={base}"
            )
        found[name] = base.rstrip("/")
    return found


class NotFound(PageError):
    """The marketplace says the product does not exist (any more)."""


def listing_for(
    route: Route, body: bytes | str, *, crawled_at: datetime, response_url: str = ""
) -> dict[str, Any] | None:
    """Read what ``route.fetch_url`` answered with the page object of the route's source; None when the
    page shows no product (a web-shop category page). Raises :class:`PageError` (or :class:`NotFound`)."""
    if route.kind == "tiki_detail":
        detail = tiki.parse_detail(body)
        base = tiki.listing_from_search_item(detail, site_url=SITES["tiki"] + "/", crawled_at=crawled_at)
        listing = tiki.merge_detail(base, detail, site_url=SITES["tiki"] + "/")
        listing["url"] = listing["url"] if detail.get("url_path") or detail.get("url_key") else route.url
        return listing
    if route.kind == "sendo_detail":
        found = sendo.parse_detail(body)
        if found is None:
            raise NotFound(f"sendo says product {route.external_id} does not exist")
        base = {
            "source": sendo.SOURCE,
            "external_id": found.get("id"),
            "url": route.url,
            "crawled_at": crawled_at,
        }
        return sendo.merge_detail(base, found)
    if route.kind == "lazada_product":
        page = lazada.parse_product(body, url=response_url or route.fetch_url or route.url)
        base = {
            "source": lazada.SOURCE,
            "external_id": route.external_id,
            "url": route.url,
            "crawled_at": crawled_at,
            "raw": {},
        }
        return lazada.merge_product(base, page, site_url=SITES["lazada"] + "/")
    if route.kind == KIND_WEBSHOP:
        return webshop.parse_product(body, url=response_url or route.url, crawled_at=crawled_at)
    raise PageError(f"{route.url}: {route.reason or 'no page object for this URL'}")
