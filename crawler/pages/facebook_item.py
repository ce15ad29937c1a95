"""A Facebook Marketplace item page (``https://www.facebook.com/marketplace/item/{id}/``, marketplaces.md §6).

Like the search page, the page is an HTML shell whose data sits in ``<script type="application/json">``
``__bbox`` blobs; the listing is the ``target`` of ``marketplace_product_details_page`` (found wherever
it sits in the blob: the relay nesting drifts). It has the feed's keys (``marketplace_listing_title``,
``listing_price{formatted_amount, amount}``, ``location.reverse_geocode``, ``marketplace_listing_seller``)
plus the seller's free text (``redacted_description{text}``), ``listing_photos``, ``is_sold`` and
``is_pending``. The price is ``amount`` when it is above zero, else whatever ``formatted_amount`` or the
description states ("Giá: 1tr2", "350k"; "giá ib" → no price). Phone and Zalo numbers stay in the
description, where the contacts pipeline finds them. A removed listing (``target`` null, or Facebook's
"no longer available" notice) raises :class:`ListingGone`; the login wall raises ``Blocked``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from crawler.pages import PageError, load_json
from crawler.pages.facebook import (
    _JSON_SCRIPT,
    SOURCE,
    check_login,
    item_url,
    listing_price,
    positive_amount,
    price_in_post,
    seller_of,
)  # fmt: skip

ITEM_PATH = re.compile(r"^/marketplace/item/(?P<id>\d{1,20})/?$")
DETAILS_KEY = "marketplace_product_details_page"
#: what Facebook shows instead of a listing that was deleted or sold and hidden
REMOVED_NOTICES = (
    "Bài niêm yết này không còn nữa",
    "Bài niêm yết này không còn khả dụng",
    "This listing is no longer available",
    "This listing isn't available",
)
_MAX_DEPTH = 40


class ListingGone(PageError):
    """The item page says the listing was removed (not a block, not a malformed page)."""


def item_id(url: str) -> str | None:
    """``https://www.facebook.com/marketplace/item/123/?ref=…`` → "123" (None for any other URL)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host != "facebook.com" and not host.endswith(".facebook.com"):
        return None
    match = ITEM_PATH.match(parts.path)
    return match["id"] if match else None


def _find(value: Any, key: str, depth: int = 0) -> Any:
    """The first ``value[...][key]`` anywhere in a JSON tree (depth-bounded), or None."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(value, dict):
        if key in value:
            return value
        children: Any = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return None
    for child in children:
        found = _find(child, key, depth + 1)
        if found is not None:
            return found
    return None


def parse_item_page(body: bytes | str, *, url: str, crawled_at: datetime | None = None) -> dict[str, Any]:
    """The listing of an item page. Raises Blocked (login wall), ListingGone (removed) or PageError."""
    html = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    check_login(html, url)
    for match in _JSON_SCRIPT.finditer(html):
        if DETAILS_KEY not in match["json"]:
            continue
        holder = _find(load_json(match["json"], what="facebook item page JSON"), DETAILS_KEY)
        details = holder.get(DETAILS_KEY) if holder is not None else None
        if not isinstance(details, dict):
            raise PageError(f"facebook item page: {DETAILS_KEY} is not an object on {url}")
        target = details.get("target")
        if target is None:
            raise ListingGone(f"facebook: listing {item_id(url) or url} was removed")
        if not isinstance(target, dict) or not target.get("id"):
            raise PageError(f"facebook item page: a target without an id on {url}")
        return listing_from_item(target, crawled_at=crawled_at)
    if any(notice in html for notice in REMOVED_NOTICES):
        raise ListingGone(f"facebook: listing {item_id(url) or url} was removed")
    raise PageError(f"facebook item page: no embedded {DETAILS_KEY} JSON on {url}")


def item_price(price: dict[str, Any], description: str) -> int | None:
    """``amount`` when above zero; else the price written in ``formatted_amount`` or the description."""
    value = listing_price(price)
    if value:
        return value
    return price_in_post(description) if description else None


def _description(target: dict[str, Any]) -> str:
    for key in ("redacted_description", "description"):
        value = target.get(key)
        if isinstance(value, dict):
            value = value.get("text")
        if isinstance(value, str) and value.strip():
            return value.strip()  # plain text as the seller wrote it (escaped where it is shown)
    return ""


def listing_from_item(target: dict[str, Any], *, crawled_at: datetime | None = None) -> dict[str, Any]:
    description = _description(target)
    price = target.get("listing_price") or {}
    geo = (target.get("location") or {}).get("reverse_geocode") or {}
    seller = target.get("marketplace_listing_seller") or {}
    photos = [
        str(uri)
        for photo in target.get("listing_photos") or []
        if isinstance(photo, dict) and (uri := (photo.get("image") or {}).get("uri"))
    ]
    if not photos and (uri := ((target.get("primary_listing_photo") or {}).get("image") or {}).get("uri")):
        photos = [str(uri)]
    location = ", ".join(p for p in (geo.get("city"), geo.get("state")) if p)
    state = "sold" if target.get("is_sold") else "pending" if target.get("is_pending") else "in_stock"
    attributes = {"availability": state}
    if location:
        attributes["location"] = location
    if isinstance(target.get("condition"), str):
        attributes["condition"] = target["condition"].lower()
    strike = positive_amount(target.get("strikethrough_price") or {})
    listing_id = str(target["id"])
    item: dict[str, Any] = {
        "source": SOURCE,
        "external_id": listing_id,
        "url": item_url(listing_id),
        "title": target.get("marketplace_listing_title") or target.get("custom_title"),
        "description": description,
        "price": item_price(price, description),
        "original_price": strike,
        "currency": "VND",
        "shop_name": seller.get("name"),
        "shop_location": geo.get("state") or geo.get("city") or None,
        "images": photos,
        "attributes": attributes,
        "crawled_at": crawled_at or datetime.now(UTC),
        "raw": target,
    }
    if (who := seller_of(seller)) is not None:
        item["seller"] = who
    return item
