"""Shopee's JSON API as the page's own JavaScript fetches it (shapes in marketplaces.md §1).

``search_items`` → :func:`parse_search` / :func:`listing_from_item`; ``pdp/get_pc`` → :func:`parse_detail` /
:func:`merge_detail`. Prices arrive as VND × 100000. Blocks raise :class:`Blocked`:
``anti_bot`` (``{"error":90309999}`` with HTTP 200), ``forbidden`` (403), ``traffic_error`` and ``captcha``
(the page was redirected to ``/verify/traffic/error`` or ``/verify/captcha``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from crawler.normalize import price_to_vnd
from crawler.pages import Blocked, PageError, load_json

SOURCE = "shopee"
SITE_URL = "https://shopee.vn"
ANTI_BOT_ERROR = 90309999
IMAGE_URL = "https://down-vn.img.susercontent.com/file/"
_SLUG_JUNK = re.compile(r"[\s/?#%-]+")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


@dataclass(slots=True)
class SearchPage:
    items: list[dict[str, Any]] = field(default_factory=list)
    nomore: bool = False
    total: int | None = None
    unreadable: int = 0  # elements of items[] without an item_basic object (left out, counted)


def block_for(status: int, url: str) -> Blocked | None:
    """A block seen from the page load itself: a 403, or a redirect to one of the verify pages."""
    path = urlsplit(url).path
    if path.startswith("/verify/traffic"):
        return Blocked("traffic_error", f"shopee: redirected to the traffic-error page ({url})")
    if path.startswith("/verify/captcha"):
        return Blocked("captcha", f"shopee: redirected to the captcha page ({url})")
    if status == 403:
        return Blocked("forbidden", f"shopee: HTTP 403 on {url}")
    return None


def _api_json(body: bytes | str, what: str) -> dict[str, Any]:
    data = load_json(body, what=what)
    if not isinstance(data, dict):
        raise PageError(f"{what}: expected a JSON object, got {type(data).__name__}")
    if data.get("error") == ANTI_BOT_ERROR:
        raise Blocked("anti_bot", f"{what}: anti-bot block (error {ANTI_BOT_ERROR}, tracking_id "
                                  f"{data.get('tracking_id')})")  # fmt: skip
    return data


def parse_search(body: bytes | str) -> SearchPage:
    """``/api/v4/search/search_items``: items (``null`` past the end) and the ``nomore`` flag."""
    data = _api_json(body, "shopee search_items")
    if "items" not in data:
        raise PageError("shopee search_items: no 'items' key in the response")
    if data.get("error"):
        raise PageError(f"shopee search_items: error {data['error']} ({data.get('error_msg')})")
    elements = data.get("items") or []
    items = [i for i in elements if isinstance(i, dict) and isinstance(i.get("item_basic"), dict)]
    total = data.get("total_count")
    return SearchPage(
        items=items,
        nomore=bool(data.get("nomore")),
        total=total if isinstance(total, int) else None,
        unreadable=len(elements) - len(items),
    )


def _price(value: Any) -> Any:
    """VND × 100000 → VND, from a number or a string of digits ("15700000000": §10 warns the types are
    not settled); other text is passed on for the validator to refuse (layout drift)."""
    if isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        value = float(value.strip())
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return price_to_vnd(value, SOURCE) if value else None


def _first_count(*values: Any) -> int | None:
    """The first sold count that is a whole number (the fields are null in some versions)."""
    return next((v for v in values if isinstance(v, int) and not isinstance(v, bool) and v >= 0), None)


def _first_price(*values: Any) -> Any:
    """The first price field that is set (``price`` may be null or 0 while ``price_min`` holds the lowest
    price of a range); text that is not a number is still passed on for the validator to refuse."""
    for value in values:
        price = _price(value)
        if price not in (None, ""):
            return price
    return None


def product_url(name: str, shop_id: Any, item_id: Any, site_url: str = SITE_URL) -> str:
    slug = quote(_SLUG_JUNK.sub("-", (name or "").strip()).strip("-"), safe="-")
    return f"{site_url}/{slug}-i.{shop_id}.{item_id}"


def listing_from_item(item: dict[str, Any], *, crawled_at: datetime | None = None) -> dict[str, Any]:
    basic = item["item_basic"]
    item_id = basic.get("itemid") or item.get("itemid")
    shop_id = basic.get("shopid") or item.get("shopid")
    rating = basic.get("item_rating") or {}
    location = basic.get("shop_location")
    listing: dict[str, Any] = {
        "source": SOURCE,
        "external_id": item_id,
        "url": product_url(basic.get("name") or "", shop_id, item_id),
        "title": basic.get("name"),
        "description": "",
        "price": _first_price(
            basic.get("price"),
            basic.get("price_min"),
            (basic.get("item_card_display_price") or {}).get("price"),
        ),
        "original_price": _first_price(
            basic.get("price_before_discount"), basic.get("price_min_before_discount")
        ),
        "currency": basic.get("currency") or "VND",
        "brand": basic.get("brand") or None,
        "shop_name": basic.get("shop_name"),
        "shop_location": location or None,
        "is_official_shop": bool(basic.get("is_official_shop")),
        "sold_count": _first_count(
            basic.get("historical_sold"),
            basic.get("global_sold_count"),
            (basic.get("item_card_display_sold_count") or {}).get("display_sold_count"),
        ),
        "rating": rating.get("rating_star") or None,
        "images": [IMAGE_URL + h for h in basic.get("images") or [] if isinstance(h, str)],
        "attributes": _flags(basic),
        "crawled_at": crawled_at or datetime.now(UTC),
        "raw": item,
    }
    if shop_id:
        listing["seller"] = {
            "source": SOURCE,
            "external_id": shop_id,
            "name": basic.get("shop_name"),
            "url": f"{SITE_URL}/shop/{shop_id}",
            "location": location or None,
            "is_official": bool(basic.get("is_official_shop")),
        }
    return listing


def _flags(basic: dict[str, Any]) -> dict[str, str]:
    flags = {}
    if basic.get("shopee_verified"):
        flags["shopee_verified"] = "true"
    counts = (basic.get("item_rating") or {}).get("rating_count")
    if isinstance(counts, list) and counts:
        flags["rating_count"] = str(counts[0])
    return flags


def parse_detail(body: bytes | str) -> dict[str, Any] | None:
    """``/api/v4/pdp/get_pc`` → its ``data`` (None when the item is gone: ``error`` set, ``data`` null)."""
    data = _api_json(body, "shopee get_pc")
    if data.get("data") is None:
        if data.get("error"):
            return None
        raise PageError("shopee get_pc: no 'data' in the response")
    if not isinstance(data["data"], dict) or not isinstance(data["data"].get("item"), dict):
        raise PageError("shopee get_pc: no 'data.item' object in the response")
    return data["data"]


def detail_attributes(item: dict[str, Any]) -> dict[str, str]:
    """``attributes[{name,value,is_timestamp}]`` → {name: value}; timestamps become ISO dates."""
    found: dict[str, str] = {}
    for attribute in item.get("attributes") or []:
        if not isinstance(attribute, dict) or not attribute.get("name"):
            continue
        value = attribute.get("value")
        if value in (None, ""):
            continue
        if attribute.get("is_timestamp"):
            try:
                value = datetime.fromtimestamp(int(value), UTC).date().isoformat()
            except (TypeError, ValueError, OverflowError):
                pass
        found[str(attribute["name"])] = str(value)
    return found


def merge_detail(listing: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    item = data["item"]
    merged = dict(listing)
    merged["title"] = item.get("title") or listing.get("title")
    merged["description"] = item.get("description") or listing.get("description", "")
    product_price = data.get("product_price") or {}
    price = product_price.get("price") or {}
    single = _first_price(price.get("single_value"), price.get("range_min"), item.get("price"),
                          item.get("price_min"))  # fmt: skip
    if single is not None:
        merged["price"] = single
    before = product_price.get("price_before_discount") or {}
    before = _first_price(
        before.get("single_value"), before.get("range_min"), item.get("price_before_discount")
    )
    if before is not None:
        merged["original_price"] = before
    merged["brand"] = item.get("brand") or listing.get("brand")
    categories = [c.get("display_name") for c in item.get("categories") or [] if isinstance(c, dict)]
    if any(categories):
        merged["category_path"] = " > ".join(c for c in categories if c)
    attributes = dict(listing.get("attributes") or {})
    attributes.update(detail_attributes(item))
    for flag in ("is_alcohol_product", "is_infant_milk_formula_product", "is_prescription_item", "is_adult"):
        if item.get(flag):
            attributes[flag] = "true"
    shop = data.get("shop_detailed") or {}
    if shop.get("authorized_brand"):
        attributes["authorized_brand"] = str(shop["authorized_brand"])
    merged["attributes"] = attributes
    location = item.get("shop_location") or shop.get("shop_location")
    if location:
        merged["shop_location"] = location
    review = data.get("product_review") or {}
    # §1.3: where get_pc puts the sold count depends on its version
    sold = _first_count(review.get("historical_sold"), item.get("historical_sold"), item.get("sold"))
    if sold is not None:
        merged["sold_count"] = sold
    if shop.get("shopid"):
        merged["seller"] = {
            "source": SOURCE,
            "external_id": shop["shopid"],
            "name": shop.get("name") or listing.get("shop_name"),
            "url": f"{SITE_URL}/shop/{shop['shopid']}",
            "location": shop.get("place") or location or None,
            "is_official": bool(shop.get("is_official_shop")),
        }
        merged["shop_name"] = shop.get("name") or listing.get("shop_name")
    merged["raw"] = {"search": listing.get("raw"), "detail": data}
    return merged
