"""Tiki's JSON API: search/category listing pages and product detail (shapes in marketplaces.md §3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from crawler.pages import PageError, html_to_text, load_json

SOURCE = "tiki"


@dataclass(slots=True)
class SearchPage:
    items: list[dict[str, Any]] = field(default_factory=list)
    current_page: int = 1
    last_page: int | None = None  # None: the page did not say (no paging, or no last_page nor total)
    total: int | None = None


def parse_search(body: bytes | str) -> SearchPage:
    """``/api/v2/products`` (search, category) and the seller-store product list."""
    data = load_json(body, what="tiki search page")
    if not isinstance(data, dict) or not isinstance(data.get("data"), list):
        raise PageError("tiki search page: no 'data' list in the response")
    paging = data.get("paging") if isinstance(data.get("paging"), dict) else {}
    total = _int(paging.get("total"), None)
    last_page = _int(paging.get("last_page"), None)
    per_page = _int(paging.get("per_page"), None)
    if last_page is None and total is not None and per_page:
        last_page = max(1, -(-total // per_page))  # paging.total and per_page without last_page
    return SearchPage(
        items=[item for item in data["data"] if isinstance(item, dict)],
        current_page=_int(paging.get("current_page"), 1) or 1,
        last_page=last_page,
        total=total,
    )


def listing_from_search_item(item: dict[str, Any], *, site_url: str, crawled_at: datetime) -> dict[str, Any]:
    """Fields of one search item, in :class:`~crawler.items.Listing` terms (prices are already VND)."""
    product_id = item.get("id")
    seller_id = item.get("seller_id") or (item.get("seller") or {}).get("id")
    sold = item.get("quantity_sold")
    listing: dict[str, Any] = {
        "source": SOURCE,
        "external_id": product_id,
        "url": urljoin(site_url, product_path(item)),
        "title": item.get("name"),
        "description": item.get("short_description") or "",
        "price": item.get("price"),
        "original_price": item.get("original_price") or item.get("list_price"),
        "category_path": item.get("primary_category_name") or "",
        "brand": item.get("brand_name"),
        "shop_name": item.get("seller_name"),
        "is_official_shop": bool(item.get("is_from_official_store")),
        "sold_count": sold.get("value") if isinstance(sold, dict) else item.get("order_count"),
        "rating": item.get("rating_average"),
        "images": [item["thumbnail_url"]] if item.get("thumbnail_url") else [],
        "attributes": {"origin": item["origin"]} if item.get("origin") else {},
        "crawled_at": crawled_at,
        "raw": item,
    }
    if seller_id:
        listing["seller"] = {
            "source": SOURCE,
            "external_id": seller_id,
            "name": item.get("seller_name"),
            "is_official": bool(item.get("is_from_official_store")),
        }
    return listing


def product_path(item: dict[str, Any]) -> str:
    """``url_path`` ("slug-p276048484.html?spid=…"), else ``url_key`` ("slug-p276048484", the page is that
    plus ".html"), else ``p{id}.html``."""
    if item.get("url_path"):
        return str(item["url_path"])
    key = str(item.get("url_key") or "").strip("/")
    if key:
        return key if key.endswith(".html") else key + ".html"
    return f"p{item.get('id')}.html"


def parse_detail(body: bytes | str) -> dict[str, Any]:
    data = load_json(body, what="tiki product detail")
    if not isinstance(data, dict) or "id" not in data:
        raise PageError("tiki product detail: no product 'id' in the response")
    return data


def merge_detail(listing: dict[str, Any], detail: dict[str, Any], *, site_url: str) -> dict[str, Any]:
    """Enrich a search item with the detail page: description, seller, specifications (origin…)."""
    merged = dict(listing)
    merged["title"] = detail.get("name") or listing.get("title")
    description = detail.get("description") or detail.get("short_description") or ""
    merged["description"] = html_to_text(description) if description else listing.get("description", "")
    if detail.get("price") is not None:
        merged["price"] = detail["price"]
    merged["original_price"] = (
        detail.get("original_price") or detail.get("list_price") or listing.get("original_price")
    )
    brand = detail.get("brand") or {}
    if isinstance(brand, dict) and brand.get("name"):
        merged["brand"] = brand["name"]
    breadcrumbs = [
        b.get("name") for b in detail.get("breadcrumbs") or [] if isinstance(b, dict) and b.get("name")
    ]
    if breadcrumbs:
        merged["category_path"] = " > ".join(breadcrumbs)
    seller = detail.get("current_seller") or {}
    if isinstance(seller, dict) and seller.get("id"):
        merged["seller"] = {
            "source": SOURCE,
            "external_id": seller["id"],
            "name": seller.get("name"),
            "url": urljoin(site_url, seller["link"]) if seller.get("link") else None,
            "is_official": (listing.get("seller") or {}).get("is_official"),
        }
        merged["shop_name"] = seller.get("name") or listing.get("shop_name")
    attributes = dict(listing.get("attributes") or {})
    attributes.update(specification_attributes(detail))
    for flag in ("is_baby_milk", "is_acoholic_drink"):
        if detail.get(flag):
            attributes[flag.replace("acoholic", "alcoholic")] = "true"
    merged["attributes"] = attributes
    sold = detail.get("quantity_sold")
    if isinstance(sold, dict) and sold.get("value") is not None:
        merged["sold_count"] = sold["value"]
    elif detail.get("all_time_quantity_sold") is not None:
        merged["sold_count"] = detail["all_time_quantity_sold"]
    images = [
        img.get("large_url") or img.get("base_url")
        for img in detail.get("images") or []
        if isinstance(img, dict)
    ]
    if images:
        merged["images"] = [i for i in images if i]
    merged["raw"] = {"search": listing.get("raw"), "detail": detail}
    return merged


def specification_attributes(detail: dict[str, Any]) -> dict[str, str]:
    """``specifications[].attributes[{code,name,value}]`` → {code: value} (origin, brand_country, …)."""
    found: dict[str, str] = {}
    for group in detail.get("specifications") or []:
        for attribute in (group or {}).get("attributes") or []:
            if not isinstance(attribute, dict):
                continue
            key = attribute.get("code") or attribute.get("name")
            value = attribute.get("value")
            if key and value not in (None, ""):
                found[str(key)] = html_to_text(str(value))
    return found


def _int(value: Any, default: int | None) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
