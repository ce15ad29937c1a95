"""TikTok Shop public pages (marketplaces.md §5): product pages embed ``__MODERN_ROUTER_DATA__`` JSON,
seller pages link to product pages; the "Verify to continue" slider page raises :class:`Blocked`.

A seller page may also embed its product cards (``loaderData.<route>.initialData.products``) in the
shape §5 gives for a search-result product (``product_id, title, image, product_price_info, rate_info,
sold_info, seller_info, seo_url``); :func:`listing_from_card` reads one. Where the cards sit in the page
is this project's assumption (the mirror's), not a saved response.

``desc_detail`` is a JSON *string* inside the JSON (a list of ``{"type": "text"|"image", …}`` parts).
Prices are strings such as ``"175.000"``; they are read with :func:`crawler.normalize.parse_price_text`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urljoin

from crawler.normalize import parse_price_text
from crawler.pages import Blocked, PageError, html_to_text, load_json

SOURCE = "tiktok"
SITE_URL = "https://www.tiktok.com"
_ROUTER_DATA = re.compile(
    r'<script[^>]*\bid="__MODERN_ROUTER_DATA__"[^>]*>(?P<json>.*?)</script>', re.DOTALL | re.IGNORECASE
)
_CAPTCHA = ("secsdk-captcha", "captcha_verify_container", "Verify to continue")
_PRODUCT_LINK = re.compile(r'href="(?P<href>(?:https?://[^"/]+)?/view/product/(?P<id>\d+)[^"]*)"')
_NEXT_LINK = re.compile(
    r'<a[^>]*\brel="next"[^>]*\bhref="(?P<href>[^"]+)"|<a[^>]*\bhref="(?P<href2>[^"]+)"[^>]*\brel="next"'
)


def _text(body: bytes | str) -> str:
    return body.decode("utf-8", "replace") if isinstance(body, bytes) else body


def captcha_in(html: str) -> bool:
    return any(marker in html for marker in _CAPTCHA)


def parse_product(body: bytes | str, *, url: str = "") -> dict[str, Any]:
    """The ``productInfo`` object of a product page (raises Blocked on the captcha page)."""
    html = _text(body)
    match = _ROUTER_DATA.search(html)
    if match is None:
        if captcha_in(html):
            raise Blocked("captcha", f"tiktok: captcha page ('Verify to continue') on {url}")
        raise PageError(f"tiktok product page: no __MODERN_ROUTER_DATA__ script on {url}")
    data = load_json(match["json"], what="tiktok __MODERN_ROUTER_DATA__")
    loader = data.get("loaderData") if isinstance(data, dict) else None
    for route in (loader or {}).values():
        info = (
            ((route or {}).get("initialData") or {}).get("productInfo") if isinstance(route, dict) else None
        )
        if isinstance(info, dict) and isinstance(info.get("product_base"), dict):
            return info
    raise PageError(f"tiktok product page: no loaderData…initialData.productInfo on {url}")


def description(desc_detail: Any) -> str:
    """``desc_detail`` (a JSON string of parts) → the text parts, one per line."""
    parts = desc_detail
    if isinstance(desc_detail, str):
        try:
            parts = json.loads(desc_detail)
        except json.JSONDecodeError:
            return html_to_text(desc_detail)
    lines = [
        html_to_text(str(p.get("text")))
        for p in parts or []
        if isinstance(p, dict) and p.get("type") == "text"
    ]
    return "\n".join(line for line in lines if line)


def _price(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return parse_price_text(str(value)) if value not in (None, "") else None


def _count(value: Any) -> int | None:
    """A sold count: 1234, or as the page shows it ("1234", "1.2K", "1,2K") — never refused as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_price_text(value) if isinstance(value, str) else None


def listing_from_product(
    info: dict[str, Any], *, url: str, crawled_at: datetime | None = None
) -> dict[str, Any]:
    base = info["product_base"]
    price = base.get("price") or {}
    seller = info.get("seller") or {}
    product_id = info.get("product_id") or url.rstrip("/").rsplit("/", 1)[-1]
    specifications = {
        str(s["name"]): str(s["value"])
        for s in base.get("specifications") or []
        if isinstance(s, dict) and s.get("name") and s.get("value") not in (None, "")
    }
    location = seller.get("seller_location") or None
    listing: dict[str, Any] = {
        "source": SOURCE,
        "external_id": str(product_id),
        "url": f"{SITE_URL}/view/product/{product_id}",
        "title": base.get("title"),
        "description": description(base.get("desc_detail")),
        "price": _price(price.get("real_price")),
        "original_price": _price(price.get("original_price")),
        "currency": price.get("currency") or "VND",
        "shop_name": seller.get("name"),
        "shop_location": location,
        "sold_count": _count(base.get("sold_count")),
        "images": [
            img["thumb_url_list"][0]
            for img in base.get("images") or []
            if isinstance(img, dict) and img.get("thumb_url_list")
        ],
        "attributes": specifications,
        "crawled_at": crawled_at or datetime.now(UTC),
        "raw": info,
    }
    if seller.get("seller_id"):
        listing["seller"] = {
            "source": SOURCE,
            "external_id": str(seller["seller_id"]),
            "name": seller.get("name"),
            "url": seller.get("link"),
            "location": location,
        }
    return listing


@dataclass(slots=True)
class SellerPage:
    product_urls: list[str] = field(default_factory=list)
    next_url: str | None = None
    cards: list[dict[str, Any]] = field(default_factory=list)  # search-result product shapes, when embedded


def parse_seller(body: bytes | str, *, url: str) -> SellerPage:
    html = _text(body)
    if captcha_in(html):
        raise Blocked("captcha", f"tiktok: captcha page ('Verify to continue') on {url}")
    seen: dict[str, str] = {}
    for match in _PRODUCT_LINK.finditer(html):
        seen.setdefault(match["id"], urljoin(url, match["href"]))
    nxt = _NEXT_LINK.search(html)
    href = (nxt["href"] or nxt["href2"]) if nxt else None
    return SellerPage(
        product_urls=list(seen.values()), next_url=urljoin(url, href) if href else None, cards=_cards(html)
    )


def _cards(html: str) -> list[dict[str, Any]]:
    match = _ROUTER_DATA.search(html)
    if match is None:
        return []
    data = load_json(match["json"], what="tiktok seller __MODERN_ROUTER_DATA__")
    loader = data.get("loaderData") if isinstance(data, dict) else None
    for route in (loader or {}).values():
        initial = (route or {}).get("initialData") if isinstance(route, dict) else None
        products = initial.get("products") if isinstance(initial, dict) else None
        if isinstance(products, list):
            return [p for p in products if isinstance(p, dict) and p.get("product_id") and p.get("title")]
    return []


def _decimal(value: Any) -> int | None:
    """``sale_price_decimal`` "129000" / "129000.00" → 129000 (a formatted "129.000" also works)."""
    if value in (None, ""):
        return None
    try:
        return int(Decimal(str(value)))
    except InvalidOperation:
        return parse_price_text(str(value))


def listing_from_card(card: dict[str, Any], *, crawled_at: datetime | None = None) -> dict[str, Any]:
    """A search-result product card (marketplaces.md §5) as a listing (no description: that is on the
    product page)."""
    price = card.get("product_price_info") or {}
    seller = card.get("seller_info") or {}
    image = card.get("image") or {}
    rate = card.get("rate_info") or {}
    product_id = str(card["product_id"])
    listing: dict[str, Any] = {
        "source": SOURCE, "external_id": product_id, "url": f"{SITE_URL}/view/product/{product_id}",
        "title": card.get("title"), "description": "", "price": _decimal(price.get("sale_price_decimal")),
        "currency": price.get("currency_name") or "VND", "shop_name": seller.get("shop_name"),
        "sold_count": _count((card.get("sold_info") or {}).get("sold_count")),
        "rating": rate.get("score") if isinstance(rate.get("score"), int | float) else None,
        "images": list(image.get("url_list") or [])[:1], "crawled_at": crawled_at or datetime.now(UTC), "raw": card,
    }  # fmt: skip
    if seller.get("seller_id"):
        listing["seller"] = {"source": SOURCE, "external_id": str(seller["seller_id"]),
                             "name": seller.get("shop_name")}  # fmt: skip
    return listing
