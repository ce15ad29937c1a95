"""Coerce the loosely typed values product markup carries (prices, availability, images, names).

Shared by the generic web-shop layers (structured data, framework blobs, visible-page heuristics).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from crawler.normalize import clean_text, fold, parse_price_text
from crawler.pages import html_to_text

_PLAIN_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_DOT_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_CURRENCY_SIGNS = {"₫": "VND", "đ": "VND", "vnd": "VND", "vnđ": "VND", "$": "USD", "us$": "USD", "€": "EUR"}

#: schema.org ItemAvailability (and the spellings shops use) → one of our availability words
_AVAILABILITY = {
    "instock": "in_stock",
    "in stock": "in_stock",
    "available": "in_stock",
    "instoreonly": "in_stock",
    "onlineonly": "in_stock",
    "limitedavailability": "in_stock",
    "con hang": "in_stock",
    "outofstock": "out_of_stock",
    "out of stock": "out_of_stock",
    "oos": "out_of_stock",
    "soldout": "out_of_stock",
    "sold out": "out_of_stock",
    "het hang": "out_of_stock",
    "tam het hang": "out_of_stock",
    "discontinued": "discontinued",
    "ngung kinh doanh": "discontinued",
    "preorder": "preorder",
    "pre-order": "preorder",
    "presale": "preorder",
    "dat truoc": "preorder",
    "backorder": "backorder",
}


def to_price(value: Any, currency: str | None = "VND") -> int | None:
    """A price as markup writes it → a whole number in its currency; None for 0, "Liên hệ" or garbage.

    "1200000.00" and 1200000 are plain numbers; "1.200.000", "1,200,000₫" and "1tr2" are read as Vietnamese
    shops write them. "1.200" is 1 200 ₫ when the currency is VND (or unknown), 1.2 otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = clean_text(value).replace("\u00a0", " ")
        if not text:
            return None
        vnd = (currency or "VND").upper() == "VND"
        if _DOT_THOUSANDS.fullmatch(text) and vnd:
            number = float(text.replace(".", ""))
        elif _PLAIN_NUMBER.fullmatch(text):
            number = float(text)
        else:
            parsed = parse_price_text(text)
            if parsed is None:
                return None
            number = float(parsed)
    elif isinstance(value, dict):
        return to_price(value.get("amount", value.get("value", value.get("price"))), currency)
    else:
        return None
    return int(round(number)) if number > 0 else None


def currency_of(value: Any) -> str | None:
    """ "VND", "vnd", "₫", "đ" → "VND"; other ISO codes pass through upper-cased."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().lower()
    if text in _CURRENCY_SIGNS:
        return _CURRENCY_SIGNS[text]
    return text.upper() if re.fullmatch(r"[a-z]{3}", text) else None


def currency_in_text(text: str) -> str | None:
    lowered = text.lower()
    if "₫" in text or re.search(r"\d\s*(?:đ|vn[dđ])\b|\bvn[dđ]\b", lowered):
        return "VND"
    if "$" in text:
        return "USD"
    return None


def availability(value: Any) -> str | None:
    """http://schema.org/InStock, "in stock", "Còn hàng", True/False → in_stock / out_of_stock / …"""
    if isinstance(value, bool):
        return "in_stock" if value else "out_of_stock"
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str) or not value.strip():
        return None
    key = fold(value.strip()).rsplit("/", 1)[-1].replace("_", " ").strip()
    return _AVAILABILITY.get(key) or _AVAILABILITY.get(key.replace(" ", ""))


def name_of(value: Any) -> str | None:
    """A brand/seller/category given as text, as {"name": …} or as a list of either."""
    if isinstance(value, list):
        return next((n for n in (name_of(v) for v in value) if n), None)
    if isinstance(value, dict):
        return name_of(value.get("name") or value.get("title") or value.get("@value"))
    if isinstance(value, str | int) and not isinstance(value, bool):
        text = clean_text(html_to_text(str(value)))
        return text or None
    return None


def text_of(value: Any) -> str:
    """A description that may be HTML, entity-encoded, or a list of paragraphs → plain multi-line text."""
    if isinstance(value, list):
        return "\n".join(t for t in (text_of(v) for v in value) if t)
    if isinstance(value, dict):
        return text_of(value.get("@value") or value.get("text") or value.get("value") or "")
    if not isinstance(value, str):
        return ""
    return clean_text(html_to_text(value), multiline=True)


def image_urls(value: Any, base_url: str) -> list[str]:
    """Image URLs from a string, {"url"|"src"|"contentUrl": …} or lists of those, made absolute."""
    found: list[str] = []
    if isinstance(value, list):
        for item in value:
            found.extend(image_urls(item, base_url))
    elif isinstance(value, dict):
        for key in ("url", "contentUrl", "src", "large_url", "base_url", "original", "@id"):
            if isinstance(value.get(key), str):
                found.extend(image_urls(value[key], base_url))
                break
    elif isinstance(value, str) and value.strip() and not value.strip().startswith("data:"):
        found.append(absolute_url(value.strip(), base_url))
    return list(dict.fromkeys(found))


def absolute_url(url: str, base_url: str) -> str:
    """``//cdn…/x.jpg`` → ``https://cdn…/x.jpg``; relative paths against the page."""
    if url.startswith("//"):
        return "https:" + url
    return urljoin(base_url, url)


def first(*values: Any) -> Any:
    """The first value that is not None, "" or an empty collection."""
    for value in values:
        if value not in (None, "", [], {}):
            return value
    return None


def rating_of(value: Any) -> float | None:
    """aggregateRating {ratingValue, bestRating} → a 0–5 rating."""
    if not isinstance(value, dict):
        return None
    try:
        rating = float(str(value.get("ratingValue")).replace(",", "."))
        best = float(str(value.get("bestRating") or 5).replace(",", "."))
    except ValueError:
        return None
    if best > 0 and best != 5:
        rating = rating * 5 / best
    return round(rating, 2) if 0 < rating <= 5 else None
