"""TikTok Shop public pages (marketplaces.md §5): product pages embed ``__MODERN_ROUTER_DATA__`` JSON,
seller pages link to product pages; the "Verify to continue" slider page raises :class:`Blocked`.

``desc_detail`` is a JSON *string* inside the JSON (a list of ``{"type": "text"|"image", …}`` parts).
Prices are strings such as ``"175.000"``; they are read with :func:`crawler.normalize.parse_price_text`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
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
        "sold_count": base.get("sold_count"),
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


def parse_seller(body: bytes | str, *, url: str) -> SellerPage:
    html = _text(body)
    if captcha_in(html):
        raise Blocked("captcha", f"tiktok: captcha page ('Verify to continue') on {url}")
    seen: dict[str, str] = {}
    for match in _PRODUCT_LINK.finditer(html):
        seen.setdefault(match["id"], urljoin(url, match["href"]))
    nxt = _NEXT_LINK.search(html)
    href = (nxt["href"] or nxt["href2"]) if nxt else None
    return SellerPage(product_urls=list(seen.values()), next_url=urljoin(url, href) if href else None)
