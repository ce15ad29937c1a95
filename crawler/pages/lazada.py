"""Lazada: catalog JSON (search, category), product pages, and block pages (marketplaces.md §2).

Lazada answers a crawler it distrusts with a slider captcha (the x5sec "punish" page, or for an XHR the
JSON ``{"ret": ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::…"], "data": {"url": "…punish…"}}``), or
silently with the "Tìm kiếm không có kết quả" search page. Both raise :class:`Blocked`, so a spider
never stores a block page as if it were data.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from crawler.normalize import fold, parse_price_text, price_to_vnd
from crawler.pages import Blocked, PageError, html_to_text, load_json

SOURCE = "lazada"
CAPTCHA_MARKERS = (
    "_____tmd_____",
    "x5secdata",
    "RGV587_ERROR",
    "FAIL_SYS_USER_VALIDATE",
    "nc_1_n1z",
    '"action":"captcha"',
)
NO_RESULTS = "tim kiem khong co ket qua"  # "Tìm kiếm không có kết quả", folded
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
_LD_JSON = re.compile(
    r"<script[^>]*type=[\"']application/ld\+json[\"'][^>]*>(?P<body>.*?)</script>", re.IGNORECASE | re.DOTALL
)
_MODULE = re.compile(r"(?:\b__moduleData__\s*=|\bapp\.run\()\s*")
_PAGE_DATA = re.compile(r"\bwindow\.pageData\s*=\s*")


def _text(body: bytes | str) -> str:
    return body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body


def captcha_in(text: str) -> bool:
    return any(marker in text for marker in CAPTCHA_MARKERS)


def forbidden(body: bytes | str, url: str = "") -> Blocked:
    """What an HTTP 403 from Lazada means: the captcha when the page shows it, else a plain refusal."""
    kind = "captcha" if captcha_in(_text(body)) else "forbidden"
    return Blocked(kind, f"lazada: HTTP 403 ({kind}) on {url}")


def _looks_html(text: str) -> bool:
    return text.lstrip()[:1] == "<"


def _decode_after(pattern: re.Pattern[str], text: str) -> Any:
    """The JSON value that follows ``pattern`` in a script (None when the pattern is absent)."""
    match = pattern.search(text)
    if match is None:
        return None
    try:
        value, _end = json.JSONDecoder().raw_decode(text, match.end())
    except json.JSONDecodeError as error:
        raise PageError(f"cut-off or malformed JSON after {match.group(0).strip()!r} ({error.msg})") from None
    return value


_TB_TOKEN = re.compile(r"(?:^|;)\s*_tb_token_=(?P<value>[^;\s]+)")


def csrf_token(set_cookies: list[bytes] | list[str]) -> str | None:
    """The ``_tb_token_`` value among a response's ``Set-Cookie`` headers (§2.4: the XHRs send it back
    as ``x-csrf-token``); None when it sets none."""
    for header in set_cookies:
        text = header.decode("latin-1") if isinstance(header, bytes) else header
        match = _TB_TOKEN.search(text.split(";", 1)[0])
        if match and match["value"].strip('"'):
            return match["value"].strip('"')
    return None


# --- catalog -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class CatalogPage:
    items: list[dict[str, Any]] = field(default_factory=list)
    page: int | None = None
    total: int | None = None
    no_more_pages: bool | None = None  # None: the page did not say (mainInfo missing)


def parse_catalog(body: bytes | str, *, url: str = "", expect_json: bool = True) -> CatalogPage:
    """A ``?ajax=true`` listing (or the HTML search page carrying it in ``window.pageData``).

    With ``expect_json``, an HTML page saying "Tìm kiếm không có kết quả" is the silent block: an XHR
    that should get JSON got the no-result page instead. Block markers are only believed when the page
    carries no listing data (sellers' texts are inside that data)."""
    text = _text(body)
    if "_____tmd_____" in url:
        raise Blocked("captcha", f"lazada catalog: redirected to the slider captcha ({url})")
    if _looks_html(text):
        try:
            data, problem = _decode_after(_PAGE_DATA, text), None
        except PageError as error:
            data, problem = None, error
        if expect_json and not _list_items(data) and NO_RESULTS in fold(text):
            raise Blocked(
                "silent_empty", f"lazada catalog: 'Tìm kiếm không có kết quả' page for an XHR ({url})"
            )
        if problem is not None:
            raise PageError(f"lazada catalog: {problem}")
        if data is None:
            if captcha_in(text):
                raise Blocked("captcha", f"lazada catalog: slider captcha instead of results ({url})")
            raise PageError("lazada catalog: an HTML page without window.pageData")
    else:
        data = load_json(body, what="lazada catalog")
    if not isinstance(data, dict):
        raise PageError("lazada catalog: the response is not a JSON object")
    items = _list_items(data)
    info = data.get("mainInfo") if isinstance(data.get("mainInfo"), dict) else None
    if items is None:
        if captcha_in(json.dumps(data.get("ret") or "") + json.dumps(data.get("data") or "")):
            raise Blocked(
                "captcha", f"lazada catalog: {str(data.get('ret'))[:80]} instead of results ({url})"
            )
        if info is None or not _nothing_more(info):
            raise PageError("lazada catalog: no mods.listItems in the response")
        items = []  # past the end (or no results): mainInfo says so and listItems is left out
    page = CatalogPage(items=[i for i in items if isinstance(i, dict)])
    if info is not None:
        page.page = _int(info.get("page"))
        page.total = _int(info.get("totalResults"))
        page.no_more_pages = str(info.get("noMorePages")).lower() == "true"
    return page


def _nothing_more(info: dict[str, Any]) -> bool:
    """``mainInfo`` of a page with no listings: ``noMorePages`` true, or ``totalResults`` 0."""
    return str(info.get("noMorePages")).lower() == "true" or _int(info.get("totalResults")) == 0


def _list_items(data: Any) -> list[Any] | None:
    mods = data.get("mods") if isinstance(data, dict) else None
    items = mods.get("listItems") if isinstance(mods, dict) else None
    return items if isinstance(items, list) else None


def absolute(url: str | None, site_url: str = "https://www.lazada.vn/") -> str | None:
    """``//www.lazada.vn/…`` → ``https://www.lazada.vn/…``; relative paths against ``site_url``."""
    if not url:
        return None
    return "https:" + url if url.startswith("//") else urljoin(site_url, url)


def product_url(item: dict[str, Any], site_url: str = "https://www.lazada.vn/") -> str | None:
    """The product page URL of a list item, without its tracking query string; an item without
    ``itemUrl``/``productUrl`` gets §2.1's ``/products/{slug}-i{itemId}-s{skuId}.html``."""
    url = absolute(item.get("itemUrl") or item.get("productUrl"), site_url)
    if url is None:
        item_id = item.get("itemId") or item.get("nid")
        if not item_id or not str(item_id).isdigit():
            return None
        slug = _SLUG_JUNK.sub("-", fold(str(item.get("name") or "")).lower()).strip("-") or "product"
        sku = item.get("skuId")
        sku_part = f"-s{sku}" if sku and str(sku).isdigit() else ""
        return urljoin(site_url, f"/products/{slug[:80].rstrip('-')}-i{item_id}{sku_part}.html")
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def vnd(value: Any) -> Any:
    """ "199000.00" / 199000 → 199000; other text ("₫199.000", "Liên hệ") is passed on unchanged so that
    validation rejects it by name instead of a guess being stored."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return price_to_vnd(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return price_to_vnd(value.strip())
    return value


def shown_price(value: Any) -> int | None:
    """``priceShow`` ("₫199.000"), read only when ``price`` is missing or null."""
    return parse_price_text(value) if isinstance(value, str) else None


def sold_count(value: Any) -> int | None:
    """``itemSoldCntShow``: "1.2k đã bán", "46.5K sold", "865 sold", or an int in older captures."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return parse_price_text(value) if isinstance(value, str) else None


def _rating(value: Any) -> float | None:
    try:
        rating = float(value)
    except (TypeError, ValueError):
        return None
    return rating if 0 < rating <= 5 else None


def listing_from_item(item: dict[str, Any], *, site_url: str, crawled_at: datetime) -> dict[str, Any]:
    """Fields of one ``mods.listItems`` element in :class:`~crawler.items.Listing` terms."""
    description = item.get("description")
    if isinstance(description, list):
        description = "\n".join(str(line) for line in description if line)
    images = [absolute(item.get("image"), site_url)] + [
        absolute(t.get("image"), site_url) for t in item.get("thumbs") or [] if isinstance(t, dict)
    ]
    location = item.get("location") or None
    price = item.get("price")
    listing: dict[str, Any] = {
        "source": SOURCE,
        "external_id": item.get("itemId") or item.get("nid"),
        "url": product_url(item, site_url) or "",
        "title": item.get("name"),
        "description": description or "",
        "price": vnd(price) if price not in (None, "") else shown_price(item.get("priceShow")),
        "original_price": vnd(item.get("originalPrice")),
        "brand": item.get("brandName") or None,
        "shop_name": item.get("sellerName"),
        "shop_location": location,
        "sold_count": sold_count(item.get("itemSoldCntShow")),
        "rating": _rating(item.get("ratingScore")) if item.get("review") not in ("", "0", 0) else None,
        "images": list(dict.fromkeys(i for i in images if i)),
        "crawled_at": crawled_at,
        "raw": item,
    }
    seller_id = item.get("sellerId") or item.get("mainSellerId")
    if seller_id:
        listing["seller"] = {
            "source": SOURCE,
            "external_id": seller_id,
            "name": item.get("sellerName"),
            "location": location,
        }
    return listing


# --- product page ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ProductPage:
    json_ld: dict[str, Any] | None = None
    fields: dict[str, Any] | None = None  # __moduleData__ / app.run(…) data.root.fields


def _ld_products(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, list):
        return [p for v in value for p in _ld_products(v)]
    if not isinstance(value, dict):
        return []
    if "@graph" in value:
        return _ld_products(value["@graph"])
    kind = value.get("@type")
    return [value] if kind == "Product" or (isinstance(kind, list) and "Product" in kind) else []


def parse_product(body: bytes | str, *, url: str = "") -> ProductPage:
    """JSON-LD Product and the module data of a product page; a captcha raises :class:`Blocked`."""
    text = _text(body)
    if "_____tmd_____" in url:
        raise Blocked("captcha", f"lazada product page: redirected to the slider captcha ({url})")
    page = ProductPage()
    for match in _LD_JSON.finditer(text):
        try:
            products = _ld_products(json.loads(match["body"]))
        except json.JSONDecodeError:
            continue
        if products:
            page.json_ld = products[0]
            break
    try:
        module = _decode_after(_MODULE, text)
    except PageError as error:
        raise PageError(f"lazada product page: {error}") from None
    if isinstance(module, dict):
        fields = ((module.get("data") or {}).get("root") or {}).get("fields")
        page.fields = fields if isinstance(fields, dict) else None
    if page.json_ld is None and page.fields is None:
        if captcha_in(text):
            raise Blocked("captcha", f"lazada product page: slider captcha instead of the product ({url})")
        raise PageError("lazada product page: neither JSON-LD Product nor __moduleData__/app.run data")
    return page


def _offer_price(offers: Any) -> Any:
    if isinstance(offers, list):
        offers = offers[0] if offers else {}
    if not isinstance(offers, dict):
        return None
    return offers.get("price", offers.get("lowPrice"))


def merge_product(listing: dict[str, Any], page: ProductPage, *, site_url: str) -> dict[str, Any]:
    """Enrich a list item with its product page: description, category, brand, seller, specifications."""
    ld = page.json_ld or {}
    fields = page.fields or {}
    product = _obj(fields.get("product"))
    tracking = _obj(fields.get("tracking"))
    key = str((fields.get("primaryKey") or {}).get("skuId") or listing.get("raw", {}).get("skuId") or "")
    merged = dict(listing)
    merged["title"] = product.get("title") or ld.get("name") or listing.get("title")
    description = product.get("desc") or product.get("highlights") or ld.get("description")
    if description:
        merged["description"] = html_to_text(str(description))
    sku_infos = _obj(fields.get("skuInfos"))
    prices = (sku_infos.get(key) or sku_infos.get("0") or {}).get("price") or {}
    sale = (prices.get("salePrice") or {}).get("value")
    sale = sale if sale is not None else _offer_price(ld.get("offers"))
    if sale is not None:
        merged["price"] = vnd(sale)
    original = (prices.get("originalPrice") or {}).get("value")
    if original is not None:
        merged["original_price"] = vnd(original)
    category = ld.get("category") or " > ".join(str(c) for c in tracking.get("pdt_category") or [])
    if category:
        merged["category_path"] = str(category)
    brand = ld.get("brand")
    brand = brand.get("name") if isinstance(brand, dict) else brand
    merged["brand"] = brand or tracking.get("brand_name") or listing.get("brand")
    specifications = _obj(fields.get("specifications"))
    spec = _obj(specifications.get(key) or next(iter(specifications.values()), None))
    features = spec.get("features")
    if isinstance(features, dict):
        merged["attributes"] = {
            **(listing.get("attributes") or {}),
            **{str(k): str(v) for k, v in features.items() if v not in (None, "")},
        }
    seller = _obj(fields.get("seller"))
    if seller.get("sellerId"):
        merged["seller"] = {
            "source": SOURCE,
            "external_id": seller["sellerId"],
            "name": seller.get("name"),
            "url": absolute(seller.get("url"), site_url),
            "location": listing.get("shop_location"),
            "is_official": seller.get("type") == "LazMall" if seller.get("type") else None,
        }
        merged["shop_name"] = seller.get("name") or listing.get("shop_name")
        if seller.get("type"):
            merged["is_official_shop"] = seller.get("type") == "LazMall"
    rating = ((fields.get("review") or {}).get("ratings") or {}).get("average")
    rating = rating if rating else (ld.get("aggregateRating") or {}).get("ratingValue")
    if _rating(rating) is not None:
        merged["rating"] = _rating(rating)
    galleries = _obj(fields.get("skuGalleries"))
    gallery = galleries.get(key) or galleries.get("0") or []
    images = [
        absolute(g.get("src"), site_url) for g in gallery if isinstance(g, dict) and g.get("type") != "video"
    ]
    if any(images):
        merged["images"] = list(dict.fromkeys(i for i in images if i))
    merged["raw"] = {"search": listing.get("raw"), "detail": {"json_ld": page.json_ld, "fields": page.fields}}
    return merged


def _obj(value: Any) -> dict[str, Any]:
    """A JSON object, or {} when a drifted page has something else (or nothing) there."""
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
