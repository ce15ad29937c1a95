"""schema.org product markup: JSON-LD, microdata and RDFa, read into one JSON-LD-shaped dict each.

Microdata and RDFa items come out in the same shape as JSON-LD nodes ({"@type": …, "name": …,
"offers": {…}}), so :func:`product_fields` reads a product the same way whatever the markup was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import html as lxml_html
from parsel import Selector

from crawler.normalize import clean_text, fold
from crawler.pages import html_to_text
from crawler.pages.lenient_json import loads_lenient
from crawler.pages.values import (
    availability,
    currency_of,
    first,
    image_urls,
    name_of,
    rating_of,
    text_of,
    to_price,
)

PRODUCT_TYPES = frozenset({"product", "productgroup", "individualproduct", "productmodel", "someproducts"})
LIST_TYPES = frozenset({"itemlist", "offercatalog", "breadcrumblist", "searchresultspage", "collectionpage"})
PLACE_TYPES = ("organization", "store", "localbusiness", "onlinestore", "corporation", "place")
_GTIN_KEYS = ("gtin13", "gtin", "gtin14", "gtin12", "gtin8", "isbn")
_LIST_PRICE_TYPES = ("listprice", "strikethroughprice", "msrp")


def type_names(node: dict[str, Any]) -> set[str]:
    """``"Product"``, ``["Product", "Thing"]``, ``"schema:Product"``, ``"http://schema.org/Product"`` → {"product", …}."""
    kinds = node.get("@type") or node.get("type") or []
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {str(k).rstrip("/").rsplit("/", 1)[-1].rsplit(":", 1)[-1].lower() for k in kinds if k}


def walk(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every dict node in a JSON-LD document: top-level lists, ``@graph``, and nested nodes."""
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            yield from walk(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key, item in value.items():
            if isinstance(item, dict | list) and key != "@context":
                yield from walk(item, depth + 1)


# --- JSON-LD ------------------------------------------------------------------------------------------


def json_ld_documents(selector: Selector) -> list[Any]:
    """Every JSON-LD script's value(s); unreadable blocks are skipped."""
    scripts = selector.xpath(
        "//script[contains(translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), 'ld+json')]"
        "/text()"
    ).getall()
    documents: list[Any] = []
    for script in scripts:
        documents.extend(loads_lenient(script))
    return documents


def products_in(documents: list[Any]) -> list[dict[str, Any]]:
    """The outermost Product nodes (a ProductGroup, not its variants), leaving out products listed in an
    ``ItemList``/``OfferCatalog`` (a category page's cards) or mentioned as related to another."""
    found: list[dict[str, Any]] = []
    _collect_products(documents, found, 0)
    return found


def _collect_products(value: Any, found: list[dict[str, Any]], depth: int) -> None:
    if depth > 12:
        return
    if isinstance(value, list):
        for item in value:
            _collect_products(item, found, depth + 1)
    elif isinstance(value, dict):
        kinds = type_names(value)
        if kinds & PRODUCT_TYPES:
            found.append(value)
            return
        if kinds & LIST_TYPES:
            return
        for key, item in value.items():
            if isinstance(item, dict | list) and key != "@context":
                _collect_products(item, found, depth + 1)


def main_product(products: list[dict[str, Any]], title: str | None) -> dict[str, Any] | None:
    """The page's product: the only one, else the one named like the page's title (None: a listing)."""
    names = {fold(name_of(p.get("name")) or "") for p in products}
    if len(products) <= 1 or len(names) == 1:  # one product, or the same one described twice by two plugins
        return products[0] if products else None
    wanted = fold(clean_text(title)) if title else ""
    named = [p for p in products if wanted and fold(name_of(p.get("name")) or "") == wanted]
    named = named or [p for p in products if wanted and wanted in fold(name_of(p.get("name")) or "")]
    return named[0] if named else None


def places_in(documents: list[Any]) -> list[dict[str, Any]]:
    return [n for n in walk(documents) if any(t.endswith(PLACE_TYPES) for t in type_names(n))]


# --- microdata and RDFa -------------------------------------------------------------------------------


def microdata_items(root: Any) -> list[dict[str, Any]]:
    """Top-level ``itemscope`` items (``itemprop`` values read per the HTML microdata rules)."""
    return [_item(el, "itemprop", "itemtype") for el in root.xpath("//*[@itemscope and not(@itemprop)]")]


def rdfa_items(root: Any) -> list[dict[str, Any]]:
    """Top-level ``typeof`` resources with their ``property`` values (``schema:`` prefixes dropped)."""
    return [_item(el, "property", "typeof") for el in root.xpath("//*[@typeof and not(@property)]")]


def _item(element: Any, prop_attr: str, type_attr: str) -> dict[str, Any]:
    item: dict[str, Any] = {"@type": element.get(type_attr, "").split()}
    for prop_el in _properties(element, prop_attr, type_attr):
        value = (
            _item(prop_el, prop_attr, type_attr)
            if prop_el.get(type_attr) is not None
            or (prop_attr == "itemprop" and prop_el.get("itemscope") is not None)
            else _value(prop_el)
        )
        for name in prop_el.get(prop_attr, "").split():
            key = name.rsplit("/", 1)[-1].rsplit(":", 1)[-1]
            if key in item and key != "@type":
                item[key] = (item[key] if isinstance(item[key], list) else [item[key]]) + [value]
            else:
                item[key] = value
    return item


def _properties(element: Any, prop_attr: str, type_attr: str) -> Iterator[Any]:
    scope_attr = "itemscope" if prop_attr == "itemprop" else type_attr
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.get(prop_attr) is not None:
            yield child
        if child.get(scope_attr) is None:
            yield from _properties(child, prop_attr, type_attr)


def _value(element: Any) -> str:
    tag = element.tag.lower()
    for attr in ("content", "datetime"):
        if element.get(attr) is not None:
            return element.get(attr).strip()
    if tag in {"a", "link", "area"}:
        return (element.get("href") or element.get("resource") or "").strip()
    if tag in {"img", "source", "video", "audio", "embed", "iframe"}:
        return (element.get("src") or element.get("data-src") or "").strip()
    if tag in {"data", "meter"} and element.get("value") is not None:
        return element.get("value").strip()
    if element.get("resource") is not None:
        return element.get("resource").strip()
    # block tags become line breaks (a description's paragraphs survive), inline tags vanish
    return html_to_text(lxml_html.tostring(element, encoding="unicode", with_tail=False))


# --- OpenGraph ----------------------------------------------------------------------------------------


def opengraph(selector: Selector) -> dict[str, list[str]]:
    """``<meta property|name="og:…|product:…" content>`` → {key: [contents]} (keys lower-cased)."""
    tags: dict[str, list[str]] = {}
    for meta in selector.xpath("//meta[@content]"):
        key = (meta.attrib.get("property") or meta.attrib.get("name") or "").strip().lower()
        if key.startswith(("og:", "product:")):
            tags.setdefault(key, []).append(meta.attrib["content"].strip())
    return tags


# --- reading a product node ---------------------------------------------------------------------------


def product_fields(node: dict[str, Any], base_url: str) -> dict[str, Any]:
    """Fields of a schema.org Product (or ProductGroup: the group's name, the variants' lowest price)."""
    offers = _offers(node)
    priced = [
        (o, to_price(first(o.get("price"), o.get("lowPrice"), _spec_price(o)), _currency(o))) for o in offers
    ]
    priced = [(o, p) for o, p in priced if p is not None]
    offer, price = (
        min(priced, key=lambda pair: pair[1] or 0) if priced else (offers[0] if offers else {}, None)
    )
    gtin = first(*(node.get(k) for k in _GTIN_KEYS))
    return {
        "title": name_of(node.get("name")),
        "description": text_of(node.get("description")),
        "price": price,
        "original_price": _list_price(offer),
        "currency": _currency(offer) if offer else None,
        "availability": availability(offer.get("availability")) if offer else None,
        "brand": name_of(first(node.get("brand"), node.get("manufacturer"))),
        "sku": name_of(first(node.get("sku"), node.get("mpn"), node.get("productID"))),
        "gtin": name_of(gtin),
        "images": image_urls(node.get("image"), base_url),
        "category": name_of(node.get("category")),
        "rating": rating_of(node.get("aggregateRating")),
        "seller_name": name_of(offer.get("seller")) if offer else None,
        "location": address_region((offer.get("seller") or {}) if offer else {}),
    }


def _offers(node: dict[str, Any]) -> list[dict[str, Any]]:
    offers = node.get("offers")
    found = [o for o in (offers if isinstance(offers, list) else [offers]) if isinstance(o, dict)]
    for nested in list(found):
        inner = nested.get("offers")  # AggregateOffer.offers
        found.extend(o for o in (inner if isinstance(inner, list) else [inner]) if isinstance(o, dict))
    for variant in node.get("hasVariant") or []:
        if isinstance(variant, dict):
            found.extend(_offers(variant))
    return found


def _currency(offer: dict[str, Any]) -> str | None:
    spec = offer.get("priceSpecification")
    spec = spec[0] if isinstance(spec, list) and spec else spec
    return currency_of(
        first(offer.get("priceCurrency"), spec.get("priceCurrency") if isinstance(spec, dict) else None)
    )


def _spec_price(offer: dict[str, Any]) -> Any:
    specs = offer.get("priceSpecification")
    for spec in specs if isinstance(specs, list) else [specs]:
        if isinstance(spec, dict) and not _is_list_price(spec):
            return spec.get("price")
    return None


def _list_price(offer: dict[str, Any]) -> int | None:
    specs = offer.get("priceSpecification")
    for spec in specs if isinstance(specs, list) else [specs]:
        if isinstance(spec, dict) and _is_list_price(spec):
            return to_price(spec.get("price"), _currency(offer))
    return None


def _is_list_price(spec: dict[str, Any]) -> bool:
    return str(spec.get("priceType", "")).rsplit("/", 1)[-1].lower() in _LIST_PRICE_TYPES


def address_region(node: Any) -> str | None:
    """``address.addressRegion`` (else locality, else the address written as one string)."""
    address = node.get("address") if isinstance(node, dict) else None
    if isinstance(address, list):
        address = address[0] if address else None
    if isinstance(address, str):
        return address.strip() or None
    if not isinstance(address, dict):
        return None
    return name_of(
        first(address.get("addressRegion"), address.get("addressLocality"), address.get("streetAddress"))
    )
