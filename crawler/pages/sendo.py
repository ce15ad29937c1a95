"""Sendo: search-list API items and the wap_v2 product detail (shapes in marketplaces.md §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from crawler.normalize import parse_price_text, price_to_vnd
from crawler.pages import PageError, html_to_text, load_json

SOURCE = "sendo"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


@dataclass(slots=True)
class SearchPage:
    items: list[dict[str, Any]] = field(default_factory=list)


def parse_search(body: bytes | str) -> SearchPage:
    """``searchlist-api …/web/products`` → ``data[]`` (also ``async_data.products``, legacy ``result.data``)."""
    data = load_json(body, what="sendo search page")
    if not isinstance(data, dict):
        raise PageError("sendo search page: the response is not a JSON object")
    items = data.get("data")
    if items is None:
        items = (_obj(data.get("async_data"))).get("products")
    if items is None and isinstance(data.get("result"), dict):
        items = data["result"].get("data")
    if items is None and _ends_with_null(data):
        items = []  # past the last page: "data": null (§4.1: increment page until data is empty)
    if not isinstance(items, list):
        raise PageError("sendo search page: no 'data' list (nor async_data.products) in the response")
    return SearchPage(items=[item for item in items if isinstance(item, dict)])


def _ends_with_null(data: dict[str, Any]) -> bool:
    """An empty answer written as null: ``{"data": null}`` or legacy ``{"result": {"data": null}}``."""
    result = data.get("result")
    return ("data" in data and data["data"] is None) or (isinstance(result, dict) and "data" in result)


def vnd(value: Any) -> Any:
    """A price as Sendo sends it (an int of VND) → int VND; text that is not a number is passed on
    unchanged so validation rejects it by name instead of a guess being stored."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return price_to_vnd(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return price_to_vnd(value.strip())
    return value


def product_path(item: dict[str, Any]) -> str:
    """``category_path`` ("slug-63797186.html"; legacy ``cat_path`` "slug-63797186.html/")."""
    return str(item.get("category_path") or item.get("cat_path") or "").strip("/")


def detail_slug(item: dict[str, Any]) -> str | None:
    """The ``{slug-id}`` of ``/m/wap_v2/full/san-pham/{slug-id}``."""
    path = product_path(item)
    return path.removesuffix(".html") or None


def sold_count(value: Any, text: Any = None) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_price_text(text) if isinstance(text, str) else None  # "1,2K" → 1200


def listing_from_search_item(item: dict[str, Any], *, site_url: str, crawled_at: datetime) -> dict[str, Any]:
    """Fields of one search item in :class:`~crawler.items.Listing` terms; ``site_url`` is www.sendo.vn's."""
    shop = _obj(item.get("shop"))
    rated = _obj(item.get("rated"))
    product_id = item.get("id")
    path = product_path(item) or f"{product_id}.html"
    location = shop.get("ware_house_region_name") or None
    listing: dict[str, Any] = {
        "source": SOURCE,
        "external_id": product_id,
        "url": f"{site_url.rstrip('/')}/{path}",
        "title": item.get("name"),
        "description": "",
        # the sale price; an item on no sale may carry only its default price (or a null sale price)
        "price": vnd(
            _first(item.get("sale_price_min"), item.get("sale_price_max"), item.get("default_price_min"))
        ),
        "original_price": vnd(_first(item.get("default_price_min"), item.get("default_price_max"))),
        "shop_name": shop.get("name"),
        "shop_location": location,
        "sold_count": sold_count(item.get("sold"), item.get("order_count_text")),
        "rating": rated.get("star") if rated.get("total") else None,
        "images": [item["image"]] if item.get("image") else [],
        "crawled_at": crawled_at,
        "raw": item,
    }
    seller_id = shop.get("id") or item.get("seller_admin_id")
    if seller_id:
        listing["seller"] = {
            "source": SOURCE,
            "external_id": seller_id,
            "name": shop.get("name"),
            "location": location,
        }
    return listing


def parse_detail(body: bytes | str) -> dict[str, Any] | None:
    """``result.data`` of a product detail; None when Sendo says the product does not exist."""
    data = load_json(body, what="sendo product detail")
    if not isinstance(data, dict):
        raise PageError("sendo product detail: the response is not a JSON object")
    status = _obj(data.get("status"))
    if status.get("code") == 404:
        return None
    detail = (data.get("result") or {}).get("data") if isinstance(data.get("result"), dict) else None
    if not isinstance(detail, dict) or "id" not in detail:
        raise PageError(f"sendo product detail: no result.data with an 'id' (status {status.get('code')!r})")
    return detail


def attributes(detail: dict[str, Any]) -> dict[str, str]:
    """``attribute[{name, value[{value|name, selected}]}]`` → {name: selected values}."""
    found: dict[str, str] = {}
    for attribute in detail.get("attribute") or []:
        if not isinstance(attribute, dict) or not attribute.get("name"):
            continue
        options = [o for o in attribute.get("value") or [] if isinstance(o, dict)]
        chosen = [o for o in options if o.get("selected")] or options
        values = [str(o.get("value") or o.get("name")) for o in chosen if o.get("value") or o.get("name")]
        if values:
            found[str(attribute["name"])] = ", ".join(values)
    return found


def average_rating(info: Any) -> float | None:
    if not isinstance(info, dict) or not info.get("total_rated"):
        return None
    stars = {n: info.get(f"star{n}") or 0 for n in range(1, 6)}
    counted = sum(stars.values())
    return round(sum(n * c for n, c in stars.items()) / counted, 2) if counted else None


def merge_detail(listing: dict[str, Any], detail: dict[str, Any]) -> dict[str, Any]:
    """Enrich a search item with the detail: description, category, brand, attributes, shop."""
    merged = dict(listing)
    merged["title"] = detail.get("name") or listing.get("title")
    if detail.get("description"):
        merged["description"] = html_to_text(str(detail["description"]))
    if detail.get("final_price") is not None:
        merged["price"] = vnd(detail["final_price"])
    if detail.get("price") is not None:
        merged["original_price"] = vnd(detail["price"])
    categories = [
        str(c["title"]) for c in detail.get("category_info") or [] if isinstance(c, dict) and c.get("title")
    ]
    if categories:
        merged["category_path"] = " > ".join(categories)
    brand = _obj(detail.get("brand_info"))
    if brand.get("name"):
        merged["brand"] = brand["name"]
    merged["attributes"] = {**(listing.get("attributes") or {}), **attributes(detail)}
    shop = _obj(detail.get("shop_info"))
    if shop.get("shop_id"):
        # Sendo spells it "warehourse_region_name" in the detail, "ware_house_region_name" in search
        location = shop.get("warehourse_region_name") or shop.get("ware_house_region_name")
        location = location or listing.get("shop_location")
        merged["seller"] = {
            "source": SOURCE,
            "external_id": shop["shop_id"],
            "name": shop.get("shop_name"),
            "url": shop.get("shop_url") or None,
            "location": location,
            "is_official": bool(shop["is_certified"]) if "is_certified" in shop else None,
        }
        merged["shop_name"] = shop.get("shop_name") or listing.get("shop_name")
        merged["shop_location"] = location
    if isinstance(detail.get("order_count"), int):
        merged["sold_count"] = detail["order_count"]
    rating = average_rating(detail.get("rating_info"))
    if rating is not None:
        merged["rating"] = rating
    images = [
        m.get("image") for m in detail.get("media") or [] if isinstance(m, dict) and m.get("type") == "image"
    ]
    if any(images):
        merged["images"] = [i for i in images if i]
    merged["raw"] = {"search": listing.get("raw"), "detail": detail}
    return merged


def _first(*values: Any) -> Any:
    """The first value that is set (not None, "" nor 0)."""
    return next((v for v in values if v not in (None, "", 0)), None)


def _obj(value: Any) -> dict[str, Any]:
    """A JSON object, or {} when a drifted page has something else (or nothing) there."""
    return value if isinstance(value, dict) else {}
