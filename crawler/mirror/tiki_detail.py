"""Tiki product-detail JSON (``GET /api/v2/products/{id}``), after a real 2025 response.

Keeps the regulatory flags (``is_baby_milk``, the misspelt ``is_acoholic_drink``), the misspelt
``promitions``, ``specifications[]`` with ``brand``/``brand_country``/``origin`` and, for food,
cosmetics and medicines, ``expiry_time`` ("Hạn sử dụng"), plus Tiki's anti-counterfeit benefit text.
"""

from __future__ import annotations

from typing import Any

from crawler.mirror.catalogue import Product
from crawler.mirror.categories import ALCOHOL_LEAF, CATEGORIES, MILK_LEAF, PERISHABLE_LEAVES, lineage
from crawler.mirror.describe import description_html, short_description
from crawler.mirror.text import fold, slugify, stable_hex, stable_int
from crawler.mirror.tiki import (
    CDN,
    brand_id,
    discount,
    image_path,
    quantity_sold,
    rating_value,
    sku,
    spid,
    thumbnail_url,
    url_key,
    url_path,
)

_ADULT_MILK = (
    "nguoi gia",
    "nguoi lon",
    "tieu duong",
    "me bau",
    "ensure",
    "glucerna",
    "nguoi benh",
    "skim",
    "milo",
)
_BENEFITS = (
    "Được đồng kiểm khi nhận hàng",
    "<b>Được hoàn tiền 200%</b> nếu là hàng giả.",
    "Đổi trả miễn phí trong 30 ngày. Được đổi ý.",
)


def is_baby_milk(product: Product) -> bool:
    folded = fold(product.name)
    return product.category_id == MILK_LEAF and not any(word in folded for word in _ADULT_MILK)


def images(product: Product) -> list[dict[str, Any]]:
    out = []
    for index in range(1 + product.id % 3):
        path = image_path(product.id, index)
        out.append(
            {
                "base_url": f"{CDN}/{path}",
                "is_gallery": True,
                "label": None,
                "large_url": f"{CDN}/cache/w1200/{path}",
                "medium_url": f"{CDN}/cache/w300/{path}",
                "position": None,
                "small_url": f"{CDN}/cache/200x280/{path}",
                "thumbnail_url": f"{CDN}/cache/200x280/{path}",
            }
        )
    return out


def specifications(product: Product) -> list[dict[str, Any]]:
    content = [
        ("brand", "Thương hiệu", product.brand),
        ("brand_country", "Xuất xứ thương hiệu", product.brand_country or product.origin),
        ("origin", "Xuất xứ (Made in)", product.origin),
    ]
    if product.category_id in PERISHABLE_LEAVES:
        content.append(("expiry_time", "Hạn sử dụng", product.expiry or "24 tháng kể từ ngày sản xuất"))
    content += list(product.specs)
    attributes = [{"code": c, "name": n, "value": v} for c, n, v in sorted(content) if v]
    groups: list[dict[str, Any]] = [{"name": "Content", "attributes": attributes}]
    if product.category_id not in PERISHABLE_LEAVES:
        groups.append(
            {
                "name": "Operation",
                "attributes": [
                    {
                        "code": "is_warranty_applied",
                        "name": "Sản phẩm có được bảo hành không?",
                        "value": "Có",
                    },
                    {"code": "warranty_form", "name": "Hình thức bảo hành", "value": "Hóa đơn"},
                    {"code": "warranty_time_period", "name": "Thời gian bảo hành", "value": "6 Tháng"},
                ],
            }
        )
    return groups


def current_seller(product: Product, seller_slug: str) -> dict[str, Any]:
    return {
        "id": product.seller_id,
        "sku": sku(product.id, "sp"),
        "name": product.seller_name,
        "link": f"https://tiki.vn/cua-hang/{seller_slug}",
        "logo": f"https://vcdn.tikicdn.com/ts/seller/{stable_hex('logo', product.seller_id)}.jpg",
        "price": product.price,
        "product_id": str(spid(product.id)),
        "store_id": 10_000 + product.seller_id % 90_000,
        "is_best_store": product.official,
        "is_offline_installment_supported": None,
    }


def breadcrumbs(product: Product) -> list[dict[str, Any]]:
    crumbs = [{"url": c.url, "name": c.name, "category_id": c.id} for c in lineage(product.category_id)[1:]]
    crumbs.append({"url": f"https://tiki.vn/{url_key(product)}.html", "name": product.name, "category_id": 0})
    return crumbs


def detail(product: Product, seller_slug: str) -> dict[str, Any]:
    amount, rate = discount(product)
    leaf = CATEGORIES[product.category_id]
    return {
        "id": product.id,
        "master_id": product.id,
        "sku": sku(product.id),
        "name": product.name,
        "url_key": url_key(product),
        "url_path": url_path(product),
        "short_url": f"https://tiki.vn/product-p{product.id}.html?spid={spid(product.id)}",
        "type": "simple",
        "book_cover": None,
        "short_description": short_description(product),
        "price": product.price,
        "list_price": product.list_price,
        "original_price": product.list_price,
        "badges": [],
        "badges_new": [],
        "badges_v3": [],
        "tracking_info": {
            "amplitude": {
                "is_authentic": product.authentic,
                "is_hero": product.official,
                "is_top_brand": product.official,
                "return_reason": "any_reason",
            }
        },
        "discount": amount,
        "discount_rate": rate,
        "rating_average": rating_value(product.rating),
        "review_count": product.reviews,
        "review_text": f"({product.reviews})",
        "favourite_count": 0,
        "thumbnail_url": thumbnail_url(product.id),
        "has_ebook": False,
        "inventory_status": "available",
        "inventory_type": "instock",
        "productset_group_name": "",
        "is_fresh": False,
        "seller": None,
        "is_flower": False,
        "has_buynow": True,
        "is_gift_card": False,
        "salable_type": None,
        "data_version": 1 + stable_int("ver", product.id, modulo=4000),
        "day_ago_created": product.days,
        "all_time_quantity_sold": product.sold,
        "meta_title": "",
        "meta_description": "",
        "meta_keywords": "",
        "is_baby_milk": is_baby_milk(product),
        "is_acoholic_drink": product.category_id == ALCOHOL_LEAF,
        "description": description_html(product),
        "images": images(product),
        "warranty_policy": None,
        "brand": {"id": brand_id(product.brand), "name": product.brand, "slug": slugify(product.brand)},
        "current_seller": current_seller(product, seller_slug),
        "other_sellers": [],
        "specifications": specifications(product),
        "product_links": [],
        "gift_item_title": "0 quà tặng kèm",
        "configurable_options": [],
        "configurable_products": [],
        "services_and_promotions": [],
        "promitions": [],
        "stock_item": {
            "max_sale_qty": 50,
            "min_sale_qty": 1,
            "preorder_date": None,
            "qty": 50 + product.id % 950,
        },
        "quantity_sold": quantity_sold(product.sold) if product.sold else None,
        "categories": {"id": leaf.id, "name": leaf.name, "is_leaf": True},
        "breadcrumbs": breadcrumbs(product),
        "installment_info_v2": None,
        "installment_info_v3": [],
        "is_seller_in_chat_whitelist": True,
        "inventory": {"product_virtual_type": None, "fulfillment_type": "dropship"},
        "warranty_info": [],
        "return_and_exchange_policy": "Đổi trả trong<br><b>30 ngày</b><br>nếu sp lỗi.",
        "is_tier_pricing_available": False,
        "is_tier_pricing_eligible": False,
        "benefits": [
            {"icon": f"{CDN}/ts/upload/{stable_hex('benefit', i)}.png", "text": text}
            for i, text in enumerate(_BENEFITS)
        ],
    }
