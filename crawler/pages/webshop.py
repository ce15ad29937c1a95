"""Generic product page of an independent web shop (marketplaces.md §8), without per-site code.

Layers are read in order and merged field by field, the first layer that has a field winning:
JSON-LD → microdata/RDFa → OpenGraph → framework blobs (``__NEXT_DATA__``, Shopify/Haravan/Sapo product
JSON, WooCommerce variations) → visible-page heuristics (h1, a price shown in ₫/đ/VND, meta description).
The price and its currency always come from the same layer. The seller is the site (its domain, named
by ``og:site_name``); contacts found on the page (phones, Zalo, social links) go into ``contacts``.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from w3lib.encoding import html_to_unicode

from crawler.contacts import extract_contacts, merge_contacts
from crawler.pages import PageError, blobs, heuristics, structured
from crawler.pages.heuristics import ShopLinks, is_product_url, shop_links, without_tracking
from crawler.pages.values import (
    absolute_url,
    availability,
    currency_of,
    first,
    image_urls,
    name_of,
    text_of,
    to_price,
)

SOURCE = "webshop"
LAYERS = ("json-ld", "microdata", "rdfa", "opengraph", "blob", "page")
FIELDS = ("title", "description", "brand", "sku", "gtin", "availability", "images", "category", "rating")
_END_OF_PAGE = re.compile(r"</(?:html|body)\s*>", re.I)
_CLOSING_TAGS = re.compile(r"</(?:html|body)\s*>", re.I)
_OG_PRODUCT_TYPES = {"product", "og:product", "product.item", "product.group", "products"}

__all__ = ["SOURCE", "PartialPage", "ShopLinks", "is_product_url", "parse_product", "read_page", "shop_links"]


class PartialPage(PageError):
    """The HTML stops before ``</body>``/``</html>``: most likely a truncated download."""


def read_page(body: bytes | str, *, url: str, allow_partial: bool = False) -> Selector:
    """Decode (bytes: by the page's own charset) and parse; raise :class:`PartialPage` for a cut-off page."""
    text = html_to_unicode(None, body)[1] if isinstance(body, bytes) else body
    text = text.replace("\x00", "")
    if "<" not in text[:2048]:
        raise PageError(f"{url}: not an HTML page")
    if not allow_partial and not _END_OF_PAGE.search(text, max(0, len(text) - 65536)):
        raise PartialPage(f"{url}: the page ends before </body></html> ({len(text)} characters): truncated?")
    # libxml2 drops whatever follows </html> (footers and scripts broken CMSs emit there); browsers
    # keep it in the body. Without the closing tags the parser closes them at the end instead.
    return Selector(text=_CLOSING_TAGS.sub("", text), base_url=url)


def parse_product(
    body: bytes | str | Selector, *, url: str, crawled_at: datetime, allow_partial: bool = False
) -> dict[str, Any] | None:
    """The page's product in :class:`~crawler.items.Listing` terms, or None when the page shows no product
    (a shop, category or home page). Raises :class:`PartialPage` for a truncated page."""
    selector = body if isinstance(body, Selector) else read_page(body, url=url, allow_partial=allow_partial)
    text = selector.get()
    documents = {
        "json-ld": structured.json_ld_documents(selector),
        "microdata": structured.microdata_items(selector.root),
        "rdfa": structured.rdfa_items(selector.root),
    }
    places = structured.places_in([*documents.values()])
    page = heuristics.page_fields(selector, url)
    layers = _layers(selector, text, documents, url, page)
    if not layers:
        return None
    merged: dict[str, Any] = {key: first(*(found.get(key) for _, found in layers)) for key in FIELDS}
    merged["description"] = _description(layers)
    price_layer, price, currency, original_price = _price(layers)
    og = structured.opengraph(selector)
    site = _site(url, _canonical(selector, url))
    seller_name = first(name_of(_og(og, "og:site_name")), _organisation_name(places), site["domain"])
    lines = heuristics.visible_lines(selector)
    location = first(
        *(found.get("location") for _, found in layers),
        _organisation_location(places),
        heuristics.footer_location(lines),
    )
    attributes = {
        key: str(merged[key]) for key in ("sku", "gtin", "availability") if merged.get(key) is not None
    }
    platform = blobs.platform_of(text)
    if platform:
        attributes["platform"] = platform
    description = merged["description"] or page.get("meta_description") or ""
    contacts = extract_contacts(
        "\n".join([merged["title"] or "", description, *lines]), links=_hrefs(selector)
    )
    return {
        "source": SOURCE,
        "external_id": site["external_id"],
        "url": site["url"],
        "title": merged["title"],
        "description": description,
        "contacts": merge_contacts(contacts),
        "price": price,
        "original_price": original_price,
        "currency": currency,
        "category_path": merged["category"] or page.get("category") or "",
        "brand": merged["brand"],
        "shop_name": seller_name,
        "shop_location": location,
        "rating": merged["rating"],
        "images": list(dict.fromkeys(merged["images"] or page.get("images") or []))[:20],
        "attributes": attributes,
        "seller": {
            "source": SOURCE,
            "external_id": site["domain"],
            "name": seller_name,
            "url": site["home"],
            "location": location,
        },
        "crawled_at": crawled_at,
        "raw": {"extracted_from": [name for name, _ in layers], "price_from": price_layer},
    }


def _layers(
    selector: Selector, text: str, documents: dict[str, list[Any]], url: str, page: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """(layer name, fields) for each layer that found this page's product, in priority order."""
    layers: list[tuple[str, dict[str, Any]]] = []
    og_title = _og(structured.opengraph(selector), "og:title")
    for name, items in documents.items():
        product = structured.main_product(structured.products_in(items), page["title"] or og_title)
        if product is not None:
            layers.append((name, structured.product_fields(product, url)))
    og = structured.opengraph(selector)
    if _og(og, "og:type", "").lower() in _OG_PRODUCT_TYPES or _og(
        og, "product:price:amount", "og:price:amount"
    ):
        layers.append(("opengraph", _og_fields(og, url)))
    blob = _blob_fields(selector, text, url)
    if blob:
        layers.append(("blob", blob))
    # Without markup, a product page shows a title, a price and at most a buy-now and an add-to-cart
    # button; a category page shows a buy button per product.
    buttons = heuristics.buy_buttons(selector)
    looks_like_product = page["title"] and page["price"] and buttons <= 2 and (buttons or is_product_url(url))
    if layers or looks_like_product:
        layers.append(("page", page))
    return layers


def _description(layers: list[tuple[str, dict[str, Any]]]) -> str:
    """Structured data's description when there is one; otherwise the longest the other layers have
    (OpenGraph's is often a cut-down summary of the page's own)."""
    structured_text = [f.get("description") for n, f in layers if n in ("json-ld", "microdata", "rdfa")]
    other = [f.get("description") or "" for n, f in layers if n not in ("json-ld", "microdata", "rdfa")]
    return first(*structured_text) or max(other, key=len, default="")


def _price(layers: list[tuple[str, dict[str, Any]]]) -> tuple[str | None, int | None, str, int | None]:
    """(layer, price, currency, original price): price and currency from the first layer with a price;
    the struck-through price from any layer that agrees on the price."""
    for name, found in layers:
        if found.get("price"):
            price = found["price"]
            currency = found.get("currency") or "VND"
            original = first(
                *(
                    f.get("original_price")
                    for _, f in layers
                    if f.get("price") == price and (f.get("currency") or currency) == currency
                )
            )
            return name, price, currency, original if original and original > price else None
    return None, None, "VND", None


def _og(og: dict[str, list[str]], *keys: str) -> str:
    return next((og[k][0] for k in keys if og.get(k) and og[k][0]), "")


def _og_fields(og: dict[str, list[str]], url: str) -> dict[str, Any]:
    currency = currency_of(_og(og, "product:price:currency", "og:price:currency"))
    price = to_price(_og(og, "product:price:amount", "og:price:amount"), currency)
    sale = to_price(_og(og, "product:sale_price:amount"), currency)
    return {
        "title": name_of(_og(og, "og:title")),
        "description": text_of(_og(og, "og:description")),
        "price": sale or price,
        "original_price": price if sale and price and price > sale else None,
        "currency": currency,
        "availability": availability(_og(og, "product:availability", "og:availability")),
        "brand": name_of(_og(og, "product:brand", "og:brand")),
        "sku": name_of(_og(og, "product:retailer_item_id")),
        "images": image_urls(og.get("og:image:secure_url", []) + og.get("og:image", []), url)[:1],
        "category": name_of(_og(og, "product:category")),
    }


def _blob_fields(selector: Selector, text: str, url: str) -> dict[str, Any] | None:
    platform = blobs.platform_of(text)
    cents = platform in blobs.CENTS_PLATFORMS
    product = blobs.next_data_product(selector)
    if product is not None:
        return blobs.state_fields(product, url)
    product = blobs.theme_product(selector, text)
    if product is not None:
        return blobs.state_fields(product, url, cents=cents, theme=True)
    woo = blobs.woocommerce_fields(selector, url)
    if woo is not None:
        return woo
    product = blobs.analytics_meta_product(text)
    if product is not None:
        return blobs.state_fields(product, url, cents=platform != "sapo", theme=True)
    return None


def _organisation_name(places: list[dict[str, Any]]) -> str | None:
    return next((n for n in (name_of(p.get("name")) for p in places) if n), None)


def _organisation_location(places: list[dict[str, Any]]) -> str | None:
    return next((a for a in (structured.address_region(p) for p in places) if a), None)


def _hrefs(selector: Selector) -> list[str]:
    return selector.xpath("//a/@href").getall()


def _canonical(selector: Selector, url: str) -> str:
    href = selector.xpath("//link[@rel='canonical']/@href").get() or ""
    return absolute_url(href.strip(), url) if href.strip() else url


def domain_of(url: str) -> str:
    """``https://www.Shop.vn:443/x`` → ``shop.vn`` (a non-default port is kept: local mirrors)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return f"{host}:{parts.port}" if parts.port and parts.port != default else host


def _site(url: str, canonical: str) -> dict[str, str]:
    """The listing's URL and id: the canonical URL when it is on the same site, else the URL fetched,
    without fragment and tracking query; ids longer than the column hash their path."""
    domain = domain_of(url)
    chosen = canonical if domain_of(canonical) == domain else url
    clean = without_tracking(chosen)
    parts = urlsplit(clean)
    path = (parts.path.rstrip("/") or "/") + (f"?{parts.query}" if parts.query else "")
    external_id = f"{domain}{path}"
    if len(external_id) > 128:
        external_id = f"{domain}/#{hashlib.sha1(path.encode()).hexdigest()[:20]}"  # noqa: S324 - an id, not security
    return {
        "url": clean,
        "external_id": external_id,
        "domain": domain,
        "home": f"{parts.scheme}://{parts.netloc}/",
    }
