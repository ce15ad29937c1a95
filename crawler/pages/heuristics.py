"""Visible-page heuristics for pages without product markup: the h1, the price shown next to it, the
meta description, breadcrumbs, the shop's address in the footer, and links to other products."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from parsel import Selector
from w3lib.html import remove_tags_with_content

from crawler.normalize import clean_text, fold, normalize_location
from crawler.pages.values import absolute_url, availability, currency_in_text, image_urls, text_of, to_price

_NOT_VISIBLE = (
    "ancestor::script or ancestor::style or ancestor::noscript or ancestor::template or ancestor::svg"
)
_CSS_LOWER = "translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
_OLD_PRICE = ("old", "compare", "regular", "original", "before", "del", "was", "market", "cost")
_ELSEWHERE = "ancestor::*[contains(@class, 'related') or contains(@class, 'upsell') or contains(@class, 'cross-sell') or self::header or self::nav or self::footer]"  # noqa: E501
_PRICE_TEXT = re.compile(
    r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+\s*(?:₫|đ|vn[dđ])|(?:₫|vn[dđ])\s*\d{1,3}(?:[.,]\d{3})+", re.I
)
_BUY_WORDS = ("them vao gio", "mua ngay", "dat hang", "add to cart", "buy now", "cho vao gio", "dat mua")
_ADDRESS_LINE = re.compile(
    r"(?:đ[iị]a\s*ch[iỉ]|đc|address|trụ sở|showroom|cửa hàng)\s*[:：]\s*(?P<value>[^\n|]{6,160})", re.I
)
_ADDRESS_END = re.compile(r"\.\s|\s[-–|]\s|\b(?:SĐT|ĐT|Điện thoại|Hotline|Email|MST|Tel)\b", re.I)
_STOCK_LINE = re.compile(
    r"(?:tình trạng|trạng thái|kho hàng|availability)\s*:\s*(?P<value>[^\n.,;]{3,30})", re.I
)
_ID_QUERY = re.compile(r"(?:^|&)(?:p|id|product_id|product|page_id)=", re.I)
_TRACKING = ("utm_", "fbclid", "gclid", "ref", "view", "variant")
_HOME_WORDS = {"trang chu", "home", "trang chinh"}
PRODUCT_PATH = re.compile(
    r"/(?:products?|san-pham|sanpham|sp)/[^/?#]+|-p\d+\.html?$|/p/\d+|-i\d+(?:-s\d+)?\.html?$", re.I
)


def visible_lines(selector: Selector) -> list[str]:
    texts = selector.xpath(f"//body//text()[not({_NOT_VISIBLE})]").getall()
    return [line for line in (clean_text(t) for t in texts) if line]


def page_fields(selector: Selector, base_url: str) -> dict[str, Any]:
    """What a reader sees: the product's h1, its price and struck-through price, description, breadcrumbs."""
    title = _title(selector)
    price_text = _price_text(selector)
    currency = currency_in_text(price_text) if price_text else None
    old = selector.xpath(
        f"//*[self::del or self::s or self::strike or (contains(@class, 'price') and ({_old_classes()}))]"
        f"[not({_ELSEWHERE})]//text()"
    ).getall()
    old_price = next((p for p in (to_price(t) for t in old if _PRICE_TEXT.search(t)) if p), None)
    price = to_price(price_text) if price_text else None
    stock = selector.xpath(
        f"//*[contains({_CSS_LOWER}, 'availability') or contains({_CSS_LOWER}, 'stock') or "
        f"contains({_CSS_LOWER}, 'inventory') or contains({_CSS_LOWER}, 'status')][not({_ELSEWHERE})]//text()"
    ).getall()
    shown = _STOCK_LINE.search("\n".join(visible_lines(selector)))
    stock += [shown["value"]] if shown else []
    description = selector.xpath(
        "//*[@id='description' or @id='tab-description' or contains(@class, 'product-description') or "
        "contains(@class, 'product-content') or contains(@class, 'woocommerce-product-details__short-description')]"
    )
    return {
        "title": title,
        "price": price,
        "original_price": old_price if old_price and price and old_price > price else None,
        "currency": currency,
        "availability": next((a for a in (availability(clean_text(t)) for t in stock) if a), None),
        "description": text_of(remove_tags_with_content(description[0].get(), ("script", "style")))
        if description
        else "",
        "meta_description": clean_text(selector.xpath("//meta[@name='description']/@content").get()),
        "category": " > ".join(breadcrumbs(selector, title)),
        "images": image_urls(
            selector.xpath(
                "//*[contains(@class, 'product-image') or contains(@class, 'product-gallery') or "
                "contains(@class, 'product__media')]//img/@*[name()='data-src' or name()='src']"
            ).getall(),
            base_url,
        )[:5],
    }


def _old_classes() -> str:
    return " or ".join(f"contains({_CSS_LOWER}, '{word}')" for word in _OLD_PRICE)


def _title(selector: Selector) -> str | None:
    for h1 in selector.xpath("//h1[not(ancestor::header) and not(contains(@class, 'logo'))]"):
        text = clean_text(" ".join(h1.xpath(".//text()").getall()))
        if len(text) >= 3:
            return text
    title = clean_text(selector.xpath("//title/text()").get())
    return re.split(r"\s+[|–—-]\s+", title)[0] if title else None


def _price_text(selector: Selector) -> str | None:
    """The first price-looking text in a ``*price*`` element that is not struck through, else after the h1.
    An element's text is joined without spaces: "450.000<span>₫</span>" is one price."""
    struck = f"ancestor-or-self::del or ancestor-or-self::s or ancestor-or-self::strike or ancestor-or-self::*[{_old_classes()}]"
    candidates = [
        "".join(element.xpath(f".//text()[not({struck})]").getall())
        for element in selector.xpath(
            f"//*[contains({_CSS_LOWER}, 'price') and not({_old_classes()})][not({_ELSEWHERE})][not({struck})]"
        )
    ]
    candidates += selector.xpath(
        f"//h1/following::text()[not({_NOT_VISIBLE})][not(ancestor::del or ancestor::s or ancestor::strike)]"
    ).getall()[:200]
    for text in candidates:
        match = _PRICE_TEXT.search(text.replace("\u00a0", " "))
        if match:
            return match.group(0)
    return None


def breadcrumbs(selector: Selector, title: str | None = None) -> list[str]:
    links = selector.xpath(
        "//*[contains(@class, 'breadcrumb') or @aria-label='breadcrumb' or @aria-label='Breadcrumb']//a//text()"
    ).getall()
    names = [clean_text(n) for n in links if clean_text(n)]
    return [n for n in dict.fromkeys(names) if fold(n) not in _HOME_WORDS and n != title]


def buy_buttons(selector: Selector) -> int:
    texts = selector.xpath(
        f"//button[not({_ELSEWHERE})]//text() | //input[@type='submit'][not({_ELSEWHERE})]/@value"
        f" | //a[contains(@class, 'btn')][not({_ELSEWHERE})]//text()"
    ).getall()
    return sum(1 for t in texts if any(word in fold(t) for word in _BUY_WORDS))


def footer_location(lines: list[str]) -> str | None:
    """The first "Địa chỉ: …" line naming a province we know (the shop's address), as written; text
    after the address ("… Long An. SĐT 0272…") is cut off when the whole line names no province."""
    for line in lines:
        match = _ADDRESS_LINE.search(line)
        if not match:
            continue
        value = match["value"]
        cuts = [value] + [value[: m.start()] for m in reversed(list(_ADDRESS_END.finditer(value)))]
        for candidate in cuts:
            candidate = clean_text(candidate).strip(" .,-–")
            if candidate and normalize_location(candidate).province_legacy:
                return candidate
    return None


# --- links of a shop or category page -----------------------------------------------------------------


@dataclass(slots=True)
class ShopLinks:
    products: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


def is_product_url(url: str) -> bool:
    return bool(PRODUCT_PATH.search(urlsplit(url).path))


def shop_links(selector: Selector, base_url: str) -> ShopLinks:
    """Links to products (product-like paths, or links inside product cards) and to the next page."""
    host = urlsplit(base_url).netloc.lower()
    links = ShopLinks()
    cards = set(
        selector.xpath("//*[contains(@class, 'product') or @itemtype][not(self::body)]//a/@href").getall()
    )
    for href in selector.xpath("//a/@href").getall():
        url = without_tracking(absolute_url(href.strip(), base_url))
        if urlsplit(url).netloc.lower() != host or url.rstrip("/") == base_url.rstrip("/"):
            continue
        if is_product_url(url) or (href in cards and not _is_listing_url(url)):
            links.products.append(url)
    nexts = selector.xpath(
        "//link[@rel='next']/@href | //a[@rel='next']/@href | //a[contains(@class, 'next')]/@href"
        " | //a[normalize-space(.)='›' or normalize-space(.)='»' or normalize-space(.)='Trang sau']/@href"
    ).getall()
    links.next_pages = [
        absolute_url(h.strip(), base_url) for h in nexts if h.strip() and not h.startswith("#")
    ]
    links.products = list(dict.fromkeys(links.products))
    links.next_pages = [u for u in dict.fromkeys(links.next_pages) if urlsplit(u).netloc.lower() == host]
    return links


def without_tracking(url: str) -> str:
    """The URL without fragment and without a query, unless the query names the product (``?id=128``)."""
    parts = urlsplit(url)
    query = parts.query if _ID_QUERY.search(parts.query) else ""
    query = "&".join(q for q in query.split("&") if q and not q.lower().startswith(_TRACKING))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _is_listing_url(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return any(
        part in path
        for part in (
            "/collections",
            "/danh-muc",
            "/category",
            "/product-category",
            "/cart",
            "/account",
            "/pages/",
            "/blogs/",
            "/tin-tuc",
        )
    )
