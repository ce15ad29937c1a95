"""Framework blobs: the product JSON that shop platforms and JS frameworks put in the page.

- Next.js ``<script id="__NEXT_DATA__">`` → ``props.pageProps`` → the product-ish object in it;
- Shopify, Haravan and Sapo (Bizweb) themes: ``ProductJson-…`` / ``data-product-json`` scripts,
  ``new Shopify|Haravan|Bizweb.OptionSelectors('…', {product: {…}})``, ``var product = {…}`` and
  ShopifyAnalytics' ``var meta = {"product": {…}}``. Shopify and Haravan write money ×100 ("cents"),
  Sapo in đồng;
- WooCommerce: ``form.variations_form[data-product_variations]`` (display_price in đồng).
"""

from __future__ import annotations

import json
import re
from typing import Any

from parsel import Selector

from crawler.pages.lenient_json import decode_after, loads_lenient
from crawler.pages.values import availability, currency_of, first, image_urls, name_of, text_of, to_price

_OPTION_SELECTORS = re.compile(
    r"\b(?:Shopify|Haravan|Bizweb|Sapo)\.OptionSelectors\(\s*['\"][^'\"]*['\"]\s*,\s*\{\s*product\s*:\s*"
)
_VAR_PRODUCT = re.compile(r"\bvar\s+(?:product|productJson|product_json|currentProduct)\s*=\s*(?=\{)")
_VAR_META = re.compile(r"\bvar\s+meta\s*=\s*(?=\{)")
PLATFORM_MARKERS = (
    ("shopify", ("cdn.shopify.com", "Shopify.shop", "myshopify.com", "ShopifyAnalytics")),
    ("haravan", ("hstatic.net", "Haravan.", "haravan.com")),
    ("sapo", ("bizweb.dktcdn.net", "Bizweb.", "sapo.vn", "mysapo.net")),
    ("woocommerce", ("woocommerce", "wc-block", "wp-content/plugins/woocommerce")),
    ("nextjs", ("__NEXT_DATA__", "/_next/static/")),
)
#: platforms whose product JSON writes money ×100
CENTS_PLATFORMS = frozenset({"shopify", "haravan"})

_TITLE_KEYS = ("name", "title", "productName", "product_name")
_SALE_KEYS = (
    "final_price",
    "finalPrice",
    "salePrice",
    "sale_price",
    "priceSale",
    "price_sale",
    "specialPrice",
    "special_price",
    "sellingPrice",
    "currentPrice",
    "price",
)
_LIST_KEYS = (
    "originalPrice",
    "original_price",
    "listPrice",
    "list_price",
    "regularPrice",
    "regular_price",
    "compareAtPrice",
    "compare_at_price",
    "marketPrice",
    "market_price",
    "oldPrice",
    "old_price",
    "price",
)
_PRODUCT_KEYS = ("product", "productDetail", "product_detail", "productData", "detail", "item", "data")


def platform_of(text: str) -> str | None:
    for name, markers in PLATFORM_MARKERS:
        if any(marker in text for marker in markers):
            return name
    return None


def next_data_product(selector: Selector) -> dict[str, Any] | None:
    script = selector.xpath("//script[@id='__NEXT_DATA__']/text()").get()
    values = loads_lenient(script) if script else []
    if not values or not isinstance(values[0], dict):
        return None
    page_props = (values[0].get("props") or {}).get("pageProps")
    return find_product_object(page_props)


def find_product_object(value: Any, depth: int = 0) -> dict[str, Any] | None:
    """The product-ish dict (a title and a price) in a page's state, preferring keys named like products."""
    if depth > 6:
        return None
    if isinstance(value, dict):
        if _looks_like_product(value):
            return value
        keys = sorted(value, key=lambda k: (k not in _PRODUCT_KEYS, "product" not in str(k).lower()))
        for key in keys:
            found = find_product_object(value[key], depth + 1)
            if found is not None:
                return found
    elif isinstance(value, list):
        for item in value[:3]:
            found = find_product_object(item, depth + 1)
            if found is not None:
                return found
    return None


def _looks_like_product(value: dict[str, Any]) -> bool:
    has_title = any(isinstance(value.get(k), str) and value.get(k) for k in _TITLE_KEYS)
    has_price = any(value.get(k) not in (None, "", [], {}) for k in _SALE_KEYS + _LIST_KEYS)
    return has_title and has_price


def state_fields(
    product: dict[str, Any], base_url: str, *, cents: bool = False, theme: bool = False
) -> dict[str, Any]:
    """Fields of a framework's product object (Next.js state; with ``theme``, Shopify/Haravan/Sapo product
    JSON, whose ``type`` is the product type and whose money is ×100 when ``cents``)."""
    scale = 100 if cents else 1
    variants = [v for v in product.get("variants") or [] if isinstance(v, dict)]
    source = (
        product if any(product.get(k) is not None for k in _SALE_KEYS) else (variants[0] if variants else {})
    )
    sale_key = next((k for k in _SALE_KEYS if source.get(k) not in (None, "")), None)
    price = _scaled(source.get(sale_key), scale) if sale_key else None
    original = next(
        (p for k in _LIST_KEYS if k != sale_key and (p := _scaled(source.get(k), scale)) is not None), None
    )
    seller = first(
        product.get("seller"), product.get("shop"), product.get("store"), product.get("current_seller")
    )
    images = first(
        product.get("images"),
        product.get("image"),
        product.get("featured_image"),
        product.get("thumbnail_url"),
        product.get("thumbnail"),
    )
    stock = first(
        product.get("available"),
        product.get("inStock"),
        product.get("in_stock"),
        product.get("stockStatus"),
        product.get("inventory_status"),
    )
    variant = variants[0] if variants else {}
    return {
        "title": name_of(first(*(product.get(k) for k in _TITLE_KEYS))),
        "description": text_of(
            first(
                product.get("description"),
                product.get("body_html"),
                product.get("content"),
                product.get("short_description"),
                product.get("shortDescription"),
            )
        ),
        "price": price,
        "original_price": original if original and price and original > price else None,
        "currency": currency_of(first(product.get("currency"), product.get("currencyCode"))),
        "availability": availability(stock if stock is not None else variant.get("available")),
        "brand": name_of(
            first(
                product.get("brand"),
                product.get("brandName"),
                product.get("brand_name"),
                product.get("vendor"),
            )
        ),
        "sku": name_of(first(product.get("sku"), variant.get("sku"), product.get("code"))),
        "gtin": name_of(first(product.get("barcode"), variant.get("barcode"), product.get("gtin"))),
        "images": image_urls(images, base_url),
        "category": name_of(
            first(
                product.get("category"), product.get("product_type"), product.get("type") if theme else None
            )
        ),
        "seller_name": name_of(seller),
        "location": name_of(
            first(
                (seller or {}).get("location") if isinstance(seller, dict) else None,
                (seller or {}).get("address") if isinstance(seller, dict) else None,
            )
        ),
        "rating": _rating(
            first(product.get("rating_average"), product.get("ratingAverage"), product.get("rating"))
        ),
        "product_id": name_of(product.get("id")),
    }


def _rating(value: Any) -> float | None:
    if isinstance(value, dict):
        value = first(value.get("average"), value.get("value"), value.get("ratingValue"))
    try:
        rating = float(value)
    except (TypeError, ValueError):
        return None
    return rating if 0 < rating <= 5 else None


def _scaled(value: Any, scale: int) -> int | None:
    price = to_price(value)
    if price is None or scale == 1 or not isinstance(value, int | float):
        return price
    return int(round(price / scale))


def theme_product(selector: Selector, text: str) -> dict[str, Any] | None:
    """A Shopify/Haravan/Sapo theme's product JSON, from a JSON script or the theme's JS."""
    for script in selector.xpath(
        "//script[@type='application/json' and (starts-with(@id, 'ProductJson') or @data-product-json"
        " or contains(@id, 'product-json'))]/text()"
    ).getall():
        values = loads_lenient(script)
        if values and isinstance(values[0], dict) and values[0].get("variants") is not None:
            return values[0]
    for pattern in (_OPTION_SELECTORS, _VAR_PRODUCT):
        value = decode_after(text, pattern)
        if isinstance(value, dict) and (value.get("variants") is not None or _looks_like_product(value)):
            return value
    return None


def analytics_meta_product(text: str) -> dict[str, Any] | None:
    """ShopifyAnalytics' ``var meta = {"product": {id, vendor, type, variants[{price, sku, name}]}}``."""
    meta = decode_after(text, _VAR_META)
    product = meta.get("product") if isinstance(meta, dict) else None
    return product if isinstance(product, dict) else None


def woocommerce_fields(selector: Selector, base_url: str) -> dict[str, Any] | None:
    """A WooCommerce variable product's ``data-product_variations`` (the cheapest variation)."""
    raw = selector.xpath("//form[contains(@class, 'variations_form')]/@data-product_variations").get()
    if not raw:
        return None
    try:
        variations = json.loads(raw)
    except json.JSONDecodeError:
        variations = next(iter(loads_lenient(raw)), None)
    if not isinstance(variations, list):
        return None
    priced = [v for v in variations if isinstance(v, dict) and to_price(v.get("display_price")) is not None]
    if not priced:
        return None
    cheapest = min(priced, key=lambda v: to_price(v.get("display_price")) or 0)
    price = to_price(cheapest.get("display_price"))
    original = to_price(cheapest.get("display_regular_price"))
    return {
        "price": price,
        "original_price": original if original and price and original > price else None,
        "availability": availability(cheapest.get("is_in_stock")),
        "sku": name_of(cheapest.get("sku")),
        "images": image_urls(cheapest.get("image"), base_url),
        "product_id": name_of(
            selector.xpath("//form[contains(@class, 'variations_form')]/@data-product_id").get()
        ),
    }
