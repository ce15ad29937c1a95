"""Tiki JSON shapes for listings, paging and errors (see ``shared/domain/marketplaces.md`` §3).

Quirks reproduced on purpose: ``paging.total`` capped at 2000 while ``total_text`` says "10000+";
``quantity_sold`` absent when nothing was sold; ``is_authentic``/``tiki_verified`` are ints while
``is_from_official_store`` is a bool; the category-listing variant has ``seller: null`` and no ``origin``.
"""

from __future__ import annotations

import math
from typing import Any

from crawler.mirror.catalogue import Product
from crawler.mirror.categories import CATEGORIES, category_ids, category_path
from crawler.mirror.describe import short_description
from crawler.mirror.text import slugify, stable_hex, stable_int

CDN = "https://salt.tikicdn.com"
PAGING_CAP = 2000
SORT_OPTIONS = (
    ("default", "Phổ biến"),
    ("top_seller", "Bán chạy"),
    ("newest", "Hàng mới"),
    ("price,asc", "Giá thấp đến cao"),
    ("price,desc", "Giá cao đến thấp"),
)
AUTHENTIC_BADGE = f"{CDN}/ts/upload/d7/56/04/b93b8c666e13f49971483596ef14800f.png"
OFFICIAL_BADGE = f"{CDN}/ts/upload/5d/4c/f7/0261315e75127c2ff73efd7a1f1ffdf2.png"


def image_path(product_id: int, index: int = 0) -> str:
    digest = stable_hex("img", product_id, index)
    return f"ts/product/{digest[:2]}/{digest[2:4]}/{digest[4:6]}/{digest}.jpg"


def thumbnail_url(product_id: int) -> str:
    return f"{CDN}/cache/280x280/{image_path(product_id)}"


def sku(product_id: int, salt: str = "sku") -> str:
    return str(1_000_000_000_000 + stable_int(salt, product_id, modulo=8_999_999_999_999))


def spid(product_id: int) -> int:
    """The seller-product id Tiki appends to product URLs (``?spid=``)."""
    return product_id + 1 + stable_int("spid", product_id, modulo=40)


def brand_id(brand: str) -> int:
    return 10_000 + stable_int("brand", brand.lower(), modulo=190_000)


def url_key(product: Product) -> str:
    return f"{slugify(product.name)}-p{product.id}"


def url_path(product: Product) -> str:
    return f"{url_key(product)}.html?spid={spid(product.id)}"


def rating_value(rating: float) -> int | float:
    """Whole ratings are ints in real responses (``5``), others one decimal (``4.8``)."""
    return int(rating) if float(rating).is_integer() else round(rating, 1)


def discount(product: Product) -> tuple[int, int]:
    """(discount in VND, discount rate in %) against the list price."""
    amount = max(0, product.list_price - product.price)
    rate = round(100 * amount / product.list_price) if product.list_price else 0
    return amount, rate


def quantity_sold(sold: int) -> dict[str, Any]:
    text = f"Đã bán {sold // 1000}k+" if sold >= 1000 else f"Đã bán {sold}"
    return {"text": text, "value": sold}


def badges_new(product: Product) -> list[dict[str, Any]]:
    badges: list[dict[str, Any]] = []
    if product.official:
        badges.append(
            {
                "placement": "top_left",
                "code": "official_store",
                "type": "icon_badge",
                "icon": OFFICIAL_BADGE,
                "icon_width": 68,
                "icon_height": 16,
            }
        )
    if product.authentic:
        badges.append(
            {
                "placement": "left_brand",
                "code": "authentic_brand",
                "type": "icon_badge",
                "icon": AUTHENTIC_BADGE,
                "icon_width": 89,
                "icon_height": 20,
            }
        )
    return badges


def impression_info(product: Product, seed: int) -> list[dict[str, Any]]:
    return [
        {
            "impression_id": f"thanos-{stable_hex('imp', seed, product.id, length=24)}",
            "metadata": {
                "delivery_zone": "VN039006001",
                "is_ad": False,
                "layout": "search_list",
                "seller_id": product.seller_id,
            },
        }
    ]


def search_item(product: Product, seed: int = 0) -> dict[str, Any]:
    """One element of ``data[]`` in a keyword search response."""
    amount, rate = discount(product)
    leaf = CATEGORIES[product.category_id]
    item: dict[str, Any] = {
        "id": product.id,
        "sku": sku(product.id),
        "name": product.name,
        "url_key": url_key(product),
        "url_path": url_path(product),
        "availability": 1,
        "seller_id": product.seller_id,
        "seller_name": product.seller_name,
        "brand_id": brand_id(product.brand),
        "brand_name": product.brand,
        "price": product.price,
        "original_price": product.list_price,
        "badges": [],
        "badges_new": badges_new(product),
        "badges_v3": [],
        "discount": amount,
        "discount_rate": rate,
        "rating_average": rating_value(product.rating),
        "review_count": product.reviews,
        "category_ids": category_ids(product.category_id),
        "primary_category_path": category_path(product.category_id),
        "primary_category_name": leaf.name,
        "thumbnail_url": thumbnail_url(product.id),
        "thumbnail_width": 280,
        "thumbnail_height": 280,
        "productset_id": 0,
        "seller_product_id": spid(product.id),
        "seller_product_sku": sku(product.id, "sp"),
        "master_product_sku": sku(product.id, "master"),
    }
    if product.sold > 0:
        item["quantity_sold"] = quantity_sold(product.sold)
    item.update(
        {
            "origin": product.origin,
            "is_authentic": int(product.authentic),
            "tiki_verified": 0,
            "tiki_hero": int(product.official),
            "is_from_official_store": product.official,
            "is_top_brand": product.official and product.brand != "OEM",
            "order_route": "same_province",
            "impression_info": impression_info(product, seed),
            "advertisement": None,
            "shippable": True,
            "video_url": "",
            "has_video": False,
            "product_reco_score": 0,
        }
    )
    return item


def category_item(product: Product, seed: int = 0) -> dict[str, Any]:
    """One element of ``data[]`` in a category or seller-store listing (the older item schema)."""
    amount, rate = discount(product)
    item: dict[str, Any] = {
        "id": product.id,
        "sku": sku(product.id),
        "name": product.name,
        "url_key": url_key(product),
        "url_path": url_path(product),
        "type": "simple",
        "author_name": "",
        "book_cover": None,
        "brand_name": product.brand,
        "short_description": short_description(product),
        "price": product.price,
        "list_price": product.list_price,
        "badges": [],
        "badges_new": badges_new(product),
        "discount": amount,
        "discount_rate": rate,
        "rating_average": rating_value(product.rating),
        "review_count": product.reviews,
        "order_count": product.sold,
        "favourite_count": 0,
        "thumbnail_url": thumbnail_url(product.id),
        "thumbnail_width": 280,
        "thumbnail_height": 280,
        "freegift_items": [],
        "has_ebook": False,
        "inventory_status": "available",
        "is_visible": True,
        "productset_id": 0,
        "productset_group_name": "",
        "seller": None,
        "is_flower": False,
        "is_gift_card": False,
        "inventory": {"product_virtual_type": None, "fulfillment_type": "dropship"},
        "url_attendant_input_form": "",
        "option_color": [],
        "stock_item": {
            "qty": 50 + product.id % 950,
            "min_sale_qty": 1,
            "max_sale_qty": 50,
            "preorder_date": False,
        },
        "salable_type": "",
        "seller_product_id": spid(product.id),
        "installment_info": None,
        "url_review": f"/review/{product.id}",
        "bundle_deal": False,
    }
    if product.sold > 0:
        item["quantity_sold"] = quantity_sold(product.sold)
    item.update(
        {
            "tiki_live": [],
            "original_price": product.list_price,
            "shippable": True,
            "impression_info": impression_info(product, seed),
            "advertisement": None,
            "availability": 1,
            "primary_category_path": category_path(product.category_id),
            "product_reco_score": 0,
            "seller_id": product.seller_id,
            "visible_impression_info": {"amplitude": {"category_l1_name": ""}},
        }
    )
    return item


def paging(matched: int, page: int, limit: int, cap: int = PAGING_CAP) -> dict[str, Any]:
    """Laravel-style paging as Tiki sends it; ``total`` is capped, ``total_text`` is not."""
    total = min(matched, cap) if cap > 0 else matched
    last_page = max(1, math.ceil(total / limit))
    first = (page - 1) * limit + 1
    on_page = max(0, min(limit, total - (page - 1) * limit))
    return {
        "total": total,
        "total_text": "10000+" if matched >= 10_000 else str(matched),
        "per_page": limit,
        "current_page": page,
        "last_page": last_page,
        "from": first if on_page else None,
        "to": first + on_page - 1 if on_page else None,
    }


def listing_wrapper(
    items: list[dict[str, Any]], page_info: dict[str, Any], params: dict[str, str], sort: str, seed: int
) -> dict[str, Any]:
    """The search/category response around ``data``."""
    trace = stable_hex("trace", seed, sorted(params.items()), length=32)
    return {
        "data": items,
        "paging": page_info,
        "sort_options": [
            {"display_value": label, "query_value": value, "selected": value == sort}
            for value, label in SORT_OPTIONS
        ],
        "filters": [],
        "widgets": [],
        "experiment_variants": {},
        "model_name": "mirror-ranker",
        "amplitude": {},
        "trace_id": trace,
        "open_telemetry_trace_id": trace[:16],
        "query_info": {"delivery_zone": "VN039006001", "params": params},
        "layout_type": "grid",
    }


def error_body(status: int, message: str) -> dict[str, Any]:
    return {"error": {"code": status, "message": message}}


RATE_LIMIT_BODY = {"message": "API rate limit exceeded"}
