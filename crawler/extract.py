"""``ecomwatch extract``: what the crawler extracts from one page, for analysts debugging a page and tests.

The URL is routed like the ``urls`` spider routes it (:mod:`crawler.pages.router`); the page is read from
``--file`` when given (a saved web-shop page, the marketplace's saved JSON detail, or a Facebook Marketplace
item page saved from a logged-in browser), else fetched once.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from crawler.contacts import extract_contacts, merge_contacts
from crawler.items import Listing
from crawler.normalize import normalize_location
from crawler.pages import Blocked, PageError, facebook_item, router, webshop
from crawler.pipelines.validate import describe_errors

FETCH_TIMEOUT = 30.0
MAX_BYTES = 20 * 1024 * 1024


class ExtractError(ValueError):
    """The page could not be fetched or read; the message says which and why, in one line."""


def fetch(url: str, *, user_agent: str, timeout: float = FETCH_TIMEOUT) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": user_agent, "Accept-Language": "vi-VN,vi"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, routed
            return response.read(MAX_BYTES)
    except urllib.error.HTTPError as error:
        raise ExtractError(f"{url}: HTTP {error.code}; save the page and use --file") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        raise ExtractError(f"{url}: cannot fetch ({getattr(error, 'reason', error)}); use --file") from None


def extract_page(url: str, *, file: Path | None = None, user_agent: str = "ecomwatch") -> dict[str, Any]:
    """The extraction of one page as a JSON-ready dict; raises :class:`ExtractError`."""
    if facebook_item.item_id(url) is not None:
        return extract_facebook_item(url, file=file, user_agent=user_agent)
    route = router.route(url)
    if route.kind == router.KIND_UNSUPPORTED:
        raise ExtractError(f"{url}: {route.reason}")
    assert route.fetch_url is not None
    body = _page_body(route.fetch_url, file=file, user_agent=user_agent)
    crawled_at = datetime.now(UTC)
    warnings: list[str] = []
    try:
        listing = router.listing_for(route, body, crawled_at=crawled_at, response_url=url)
    except webshop.PartialPage as error:
        warnings.append(str(error))
        listing = webshop.parse_product(body, url=url, crawled_at=crawled_at, allow_partial=True)
    except PageError as error:
        raise ExtractError(str(error)) from None
    if listing is None:
        links = webshop.shop_links(webshop.read_page(body, url=url, allow_partial=True), url)
        return {
            "url": url,
            "source": route.source,
            "product": None,
            "product_links": links.products,
            "next_pages": links.next_pages,
            "warnings": warnings,
        }
    return summarize(listing, warnings=warnings)


def _page_body(url: str, *, file: Path | None, user_agent: str) -> bytes:
    """The saved page (``--file``), else the page fetched from ``url``."""
    if file is None:
        return fetch(url, user_agent=user_agent)
    try:
        return file.read_bytes()
    except OSError as error:
        raise ExtractError(f"--file {file}: {error.strerror}") from None


def extract_facebook_item(url: str, *, file: Path | None, user_agent: str) -> dict[str, Any]:
    """A Marketplace item page: the saved page (Facebook shows it to a logged-in browser only)."""
    body = _page_body(url, file=file, user_agent=user_agent)
    try:
        listing = facebook_item.parse_item_page(body, url=url, crawled_at=datetime.now(UTC))
    except Blocked:
        raise ExtractError(
            f"{url}: Facebook's login wall; save the item page from a logged-in browser and use --file"
        ) from None
    except PageError as error:
        raise ExtractError(str(error)) from None
    return summarize(listing)


def summarize(listing: dict[str, Any], *, warnings: list[str] | None = None) -> dict[str, Any]:
    """A page object's listing dict → the fields an analyst looks at, location and contacts resolved."""
    attributes = dict(listing.get("attributes") or {})
    seller = listing.get("seller") or {}
    location = normalize_location(listing.get("shop_location") or seller.get("location"))
    text = "\n".join(str(listing.get(k) or "") for k in ("title", "description", "shop_name"))
    contacts = merge_contacts(listing.get("contacts") or {}, extract_contacts(text))
    try:
        Listing.model_validate(listing)
        problems: list[str] = []
    except ValidationError as error:
        problems = describe_errors(error).split("; ")
    return {
        "url": listing.get("url"),
        "source": listing.get("source"),
        "external_id": str(listing.get("external_id")),
        "title": listing.get("title"),
        "price": listing.get("price"),
        "original_price": listing.get("original_price"),
        "currency": listing.get("currency") or "VND",
        "brand": listing.get("brand"),
        "sku": attributes.get("sku") or _raw_sku(listing.get("raw")),
        "gtin": attributes.get("gtin"),
        "availability": attributes.get("availability"),
        "category": listing.get("category_path") or None,
        "rating": listing.get("rating"),
        "seller": {
            "id": _text(seller.get("external_id")),
            "name": seller.get("name") or listing.get("shop_name"),
            "url": seller.get("url"),
        },
        "location": {
            "written": location.written,
            "province": location.province,
            "province_legacy": location.province_legacy,
            "is_abroad": location.is_abroad,
        },
        "description": listing.get("description") or "",
        "images": listing.get("images") or [],
        "contacts": {key: contacts.get(key, []) for key in ("phones", "zalo", "links")},
        "attributes": attributes,
        "extracted_from": (listing.get("raw") or {}).get("extracted_from")
        if listing.get("source") == "webshop"
        else None,
        "problems": problems,
        "warnings": warnings or [],
    }


def _raw_sku(raw: Any) -> str | None:
    """A marketplace's own SKU from the raw detail its page object kept (Tiki, Sendo ``sku_user``)."""
    if not isinstance(raw, dict):
        return None
    detail = raw.get("detail") if isinstance(raw.get("detail"), dict) else raw
    sku = detail.get("sku") or detail.get("sku_user")
    return str(sku) if sku else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
