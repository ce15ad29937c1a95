"""Lazada shapes (``shared/domain/marketplaces.md`` §2): catalog JSON, product pages, and its blocks.

  GET /catalog/?ajax=true&page=N&q=KW[&sort=popularity|priceasc|pricedesc]   search, 40 items a page
  GET /{category-slug}/?ajax=true&page=N                                     category (slug = url_key)
  GET /products/{slug}-i{itemId}-s{skuId}.html                               product page (HTML)
  GET /catalog/_____tmd_____/punish?x5secdata=…                             the slider-captcha page

Without ``ajax=true`` a listing answers the HTML search page with the same JSON in ``window.pageData``.
Quirks reproduced: numbers as strings (``totalResults``, ``page``, ``price`` "199000.00", ``ratingScore``,
``review`` "" when unreviewed, ids), protocol-relative ``itemUrl``/``productUrl``/thumbnails pointing at
www.lazada.vn, ``filteredQuatity`` (sic), ``itemSoldCntShow`` "1.2k đã bán" (absent when none sold),
``originalPrice``/``discount`` only when discounted, ``brandName`` "No Brand", ``mainInfo.noMorePages``
and a cap of 100 pages. Product pages carry JSON-LD Product plus the module data, as
``var __moduleData__ = {…}`` or ``app.run({…})`` (both forms occur).

Blocks (fault ``captcha``): a catalog XHR gets HTTP 200 JSON ``{"ret": ["FAIL_SYS_USER_VALIDATE",
"RGV587_ERROR::SM::…"], "data": {"url": "…/_____tmd_____/punish?x5secdata=…"}}`` — the answer of the
x5sec anti-bot on Alibaba's stack (inference, as on Taobao) — and a page load is redirected (302) to the
punish page with the slider. Fault ``silent_empty``: the HTML search page saying "Tìm kiếm không có kết
quả" with no items, served with status 200 even to ``ajax=true``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from html import escape
from typing import Any
from urllib.parse import quote

from crawler.mirror.catalogue import Product, ProductSource
from crawler.mirror.categories import CATEGORIES, lineage
from crawler.mirror.describe import TIKI_FOOTER, description_html
from crawler.mirror.routes import BAD_ITEM_IDS, Reply, Settings, Site, html_error, html_failure, price_text
from crawler.mirror.sendo import raw_for, warehouse
from crawler.mirror.text import slugify, stable_hex, stable_int

HOST = "www.lazada.vn"
CDN = "vn-live-01.slatic.net"
PAGE_SIZE = 40
MAX_PAGES = 100
PUNISH_PATH = "/catalog/_____tmd_____/punish"
NO_RESULTS = "Tìm kiếm không có kết quả"
SORTS = {"popularity": "default", "priceasc": "price,asc", "pricedesc": "price,desc"}
SORT_ITEMS = [
    {"value": "popularity", "tip": "Phổ biến nhất"},
    {"value": "priceasc", "tip": "Giá thấp đến cao"},
    {"value": "pricedesc", "tip": "Giá cao đến thấp"},
]
# Sendo warehouse names as Lazada writes shipping origins
LOCATIONS = {"TP.HCM": "TP. Hồ Chí Minh", "Vũng Tàu": "Bà Rịa - Vũng Tàu"}
CATEGORY_BY_SLUG = {c.url_key: c for c in CATEGORIES.values()}
_PRODUCT = re.compile(r"^/products/(?P<slug>[^/]*?)-?i(?P<item>\d+)(?:-s(?P<sku>\d+))?\.html$")
_CATEGORY = re.compile(r"^/(?P<slug>[a-z0-9-]+)/?$")
_TAG = re.compile(r"<[^>]+>")
_BLOCKS_SPLIT = re.compile(r"</(?:p|li|h\d)>|<br\s*/?>", re.IGNORECASE)
_punish_tokens = itertools.count(1)


# --- listing items ---------------------------------------------------------------------------------


def sku_id(product: Product) -> int:
    return 10_000_000_000 + stable_int("lzd-sku", product.id, modulo=9_000_000_000)


def product_path(product: Product) -> str:
    return f"/products/{slugify(product.name, max_words=12)}-i{product.id}-s{sku_id(product)}.html"


def image(product: Product, index: int = 0) -> str:
    return f"//{CDN}/p/{stable_hex('lzd-img', product.id, index)}.jpg"


def location(product: Product) -> str:
    """Shipping origin as Lazada shows it; some cross-border sellers of Chinese goods ship from abroad."""
    if raw_for(product) is None and product.origin == "Trung Quốc" and stable_int("xb", product.id, modulo=2):
        return "Nước ngoài"
    region = warehouse(product)
    return LOCATIONS.get(region, region)


def brand_name(product: Product) -> str:
    return "No Brand" if product.brand in ("", "OEM") else product.brand


def sold_show(sold: int) -> str:
    if sold < 1000:
        return f"{sold} đã bán"
    text = f"{sold / 1000:.1f}".removesuffix(".0")
    return f"{text}k đã bán"


def money(value: int) -> str:
    return f"{value}.00"


def bullets(product: Product, limit: int = 3) -> list[str]:
    """``description``: the first lines of the description, as Lazada's search cards carry them."""
    html = description_html(product).replace(TIKI_FOOTER, "")
    lines = [" ".join(_TAG.sub(" ", part).split()) for part in _BLOCKS_SPLIT.split(html)]
    return [line for line in lines if line][:limit]


def list_item(product: Product, seed: int = 0) -> dict[str, Any]:
    sku = sku_id(product)
    path = f"//{HOST}{product_path(product)}"
    item: dict[str, Any] = {
        "name": product.name,
        "nid": str(product.id),
        "itemId": str(product.id),
        "icons": [],
        "image": "https:" + image(product),
        "isSmartImage": False,
        "productUrl": f"{path}?search=1",
        "itemUrl": path,
        "querystring": f"&from=input&freeshipping={stable_int('ship', product.id, modulo=2)}",
        "price": money(product.price),
        "priceShow": price_text(product.price, "₫", prefix=True),
    }
    if product.list_price > product.price:
        item["originalPrice"] = money(product.list_price)
        item["originalPriceShow"] = price_text(product.list_price, "₫", prefix=True)
        item["discount"] = f"-{round(100 * (product.list_price - product.price) / product.list_price)}%"
    item.update(
        {
            "ratingScore": f"{product.rating:g}" if product.reviews else "0",
            "review": str(product.reviews) if product.reviews else "",
            "location": location(product),
            "description": bullets(product),
            "thumbs": [{"image": image(product, i), "sku": f"{product.id}_VNAMZ-{sku}"} for i in range(2)],
            "sellerName": product.seller_name,
            "sellerId": str(product.seller_id),
            "mainSellerId": str(product.seller_id),
            "brandName": brand_name(product),
            "brandId": str(stable_int("lzd-brand", brand_name(product), modulo=10**7)),
            "cheapest_sku": f"{product.id}_VNAMZ-{sku}",
            "skuId": str(sku),
            "sku": f"{product.id}_VNAMZ-{sku}",
            "categories": [c.id for c in lineage(product.category_id)[1:]],
            "inStock": True,
            "isSponsored": False,
            "tItemType": "nt_product",
            "restrictedAge": 0,
        }
    )
    if product.sold:
        item["itemSoldCntShow"] = sold_show(product.sold)
    return item


def catalog(items: list[dict[str, Any]], total: int, page: int, *, kind: str, title: str) -> dict[str, Any]:
    last_page = min(MAX_PAGES, max(1, math.ceil(total / PAGE_SIZE)))
    return {
        "templet": "mainSrp",
        "mainInfo": {
            "title": title,
            "totalResults": str(total),
            "pageSize": str(PAGE_SIZE),
            "page": str(page),
            "noMorePages": page >= last_page,
            "dataLayer": {"page": {"resultNr": total, "type": kind}},
        },
        "mods": {
            "filter": {"filteredQuatity": total, "filterItems": []},
            "sortBar": {"sortItems": SORT_ITEMS},
            "listItems": items,
        },
    }


# --- product page ------------------------------------------------------------------------------------


def json_ld(product: Product) -> dict[str, Any]:
    offer_price = (
        {"price": product.price}
        if product.id % 2
        else {"lowPrice": product.price, "highPrice": product.price}
    )
    ld: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "image": "https:" + image(product),
        "category": " > ".join(c.name for c in lineage(product.category_id)[1:]),
        "brand": {"@type": "Brand", "name": brand_name(product)},
        "sku": f"{product.id}_VNAMZ-{sku_id(product)}",
        "mpn": str(sku_id(product)),
        "offers": {
            "@type": "Offer" if "price" in offer_price else "AggregateOffer",
            **offer_price,
            "priceCurrency": "VND",
            "availability": "https://schema.org/InStock",
        },
        "url": f"https://{HOST}{product_path(product)}",
    }
    if product.reviews:
        ld["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": product.rating,
            "ratingCount": product.reviews,
        }
    return ld


def specifications(product: Product, sku: int) -> dict[str, Any]:
    features = {"Brand": brand_name(product), "SKU": f"{product.id}_VNAMZ-{sku}"}
    if product.origin:
        features["Xuất xứ"] = product.origin
    if product.expiry:
        features["Hạn sử dụng"] = product.expiry
    features.update({name: value for _code, name, value in product.specs if value})
    return {str(sku): {"features": features, "boxContent": f"1 x {product.name[:60]}"}}


def module_fields(product: Product) -> dict[str, Any]:
    sku = sku_id(product)
    names = [c.name for c in lineage(product.category_id)[1:]]
    price = {"salePrice": {"text": price_text(product.price, "₫", prefix=True), "value": product.price}}
    if product.list_price > product.price:
        price["originalPrice"] = {
            "text": price_text(product.list_price, "₫", prefix=True),
            "value": product.list_price,
        }
    rate = 80 + stable_int("lzd-rate", product.seller_id, modulo=20)
    low = max(1, min(5, int(product.rating))) if product.reviews else 5
    scores = [0] * 5
    scores[5 - low] = product.reviews
    return {
        "globalConfig": {
            "apiForPC": {
                "getSkuData": f"//my.lazada.vn/pdp/getSkuData?itemId={product.id}",
                "getDeliveryOptions": f"//my.lazada.vn/pdp/getDeliveryOptions?itemId={product.id}",
            },
            "currency": "VND",
            "site": "vn",
        },
        "primaryKey": {"itemId": str(product.id), "skuId": str(sku), "sellerId": str(product.seller_id)},
        "tracking": {
            "pdt_name": product.name,
            "pdt_photo": image(product),
            "pdt_category": names,
            "pdt_price": price_text(product.price, "₫", prefix=True),
            "pdt_sku": f"{product.id}_VNAMZ-{sku}",
            "brand_name": brand_name(product),
            "seller_name": product.seller_name,
            "core": {"currencyCode": "VND", "language": "vi", "country": "VN"},
        },
        "product": {
            "title": product.name,
            "highlights": "<ul>" + "".join(f"<li>{escape(b)}</li>" for b in bullets(product)) + "</ul>",
            "desc": description_html(product).replace(TIKI_FOOTER, "").strip(),
            "link": f"//{HOST}{product_path(product)}",
        },
        "seller": {
            "name": product.seller_name,
            "sellerId": str(product.seller_id),
            "shopId": str(100_000 + product.seller_id),
            "rate": rate / 100,
            "percentRate": f"{rate}%",
            "positiveSellerRating": f"{rate}%",
            "shipOnTime": f"{min(100, rate + 5)}%",
            "newSeller": product.seller_id % 7 == 0,
            "url": f"//{HOST}/shop/{slugify(product.seller_name)}/?itemId={product.id}",
            "type": "LazMall" if product.official else "normal",
        },
        "productOption": {
            "skuBase": {
                "properties": [
                    {"name": "Nhóm màu", "pid": "1", "values": [{"name": "Mặc định", "vid": "1"}]}
                ],
                "skus": [
                    {
                        "itemId": str(product.id),
                        "skuId": str(sku),
                        "sellerId": str(product.seller_id),
                        "pagePath": product_path(product),
                        "propPath": "1:1",
                    }
                ],
            }
        },
        "skuInfos": {
            key: {
                "itemId": str(product.id),
                "skuId": str(sku),
                "price": price,
                "stock": 50 + product.id % 950,
            }
            for key in ("0", str(sku))
        },
        "skuGalleries": {
            key: [{"src": image(product, i), "poster": "", "type": "img"} for i in range(1 + product.id % 3)]
            for key in ("0", str(sku))
        },
        "specifications": specifications(product, sku),
        "review": {
            "ratings": {
                "average": product.rating if product.reviews else 0,
                "rateCount": product.reviews,
                "reviewCount": product.reviews // 2,
                "scores": scores,
            },
            "reviews": [],
        },
    }


def product_model(product: Product) -> dict[str, Any]:
    return {
        "title": product.name,
        "url": f"https://{HOST}{product_path(product)}",
        "json_ld": json_ld(product),
        "module": {"data": {"root": {"fields": module_fields(product)}}},
        "blob": "app.run" if product.id % 3 == 0 else "__moduleData__",
    }


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")


def render_product_page(model: dict[str, Any]) -> str:
    title = escape(str(model.get("title") or ""))
    if model["blob"] == "app.run":
        blob = f"<script>\nwindow.g_config = {{}};\napp.run({_script_json(model['module'])});\n</script>"
    else:
        blob = f'<script>\nvar __moduleData__ = {_script_json(model["module"])};\nvar __googleBot__ = "";\n</script>'
    return f"""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} | Lazada.vn</title>
<link rel="canonical" href="{escape(model["url"])}">
<meta property="og:title" content="{title}">
<script type="application/ld+json">{_script_json(model["json_ld"])}</script>
</head>
<body>
<div id="container"><div id="root" class="pdp-block"></div></div>
{blob}
</body>
</html>
"""


def render_search_page(payload: dict[str, Any]) -> str:
    """The HTML search page: the catalog JSON in ``window.pageData``; a no-result message when empty."""
    title = escape(payload["mainInfo"].get("title", "")) if "mainInfo" in payload else ""
    empty = "" if payload.get("mods", {}).get("listItems") else f'<div class="c1nVRb">{NO_RESULTS}</div>'
    return f"""<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>{title} - Mua {title} Giá Tốt | Lazada.vn</title></head>
<body>
<div id="root">{empty}</div>
<script>window.pageData = {_script_json(payload)};</script>
</body>
</html>
"""


# --- block pages ---------------------------------------------------------------------------------------


def punish_path(path: str) -> str:
    """A fresh punish-page path (a new x5secdata each time, as the real one; never a repeat URL)."""
    token = stable_hex("x5", path, next(_punish_tokens), length=48)
    return f"{PUNISH_PATH}?x5secdata={token}&x5step=1&action=captcha&pureCaptcha="


CAPTCHA_HTML = """<!DOCTYPE html>
<html>
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Lazada.vn</title>
<script>window._config_ = {"action":"captcha","HOST":"www.lazada.vn","PAGE_TIMESTAMP":1732250000000,
"NCAPPKEY":"X82Y__7f4f4a3e5c3b6c1b7d1e","NCTOKENSTR":"%(token)s","SECDATA":"%(token)s","pureCaptcha":""};</script>
</head>
<body>
<div class="warnning-text">Xin lỗi, chúng tôi phát hiện lưu lượng truy cập bất thường từ mạng của bạn.
Vui lòng trượt để xác minh.</div>
<div id="nocaptcha" class="nc-container"><div id="nc_1_wrapper"><div id="nc_1_n1t" class="nc_scale">
<span id="nc_1_n1z" class="nc_iconfont btn_slide">&#xe620;</span></div></div></div>
<script src="//g.alicdn.com/AWSC/AWSC/awsc.js"></script>
</body>
</html>
"""


def block(name: str, path: str, params: dict[str, str]) -> Reply:
    if name == "silent_empty":
        page = catalog([], 0, 1, kind="searchResult", title=params.get("q", ""))
        page["mainInfo"]["noMorePages"] = True
        return Reply(
            200, "silent_empty", page, render=render_search_page, content_type="text/html; charset=utf-8"
        )
    punish = punish_path(path)
    if params.get("ajax") == "true":
        body = {
            "ret": ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试!"],
            "data": {"url": f"https://{HOST}/{punish}", "dialogSize": {"width": 420, "height": 340}},
        }
        return Reply(200, "captcha", body)
    # same host as the page asked for: relative, so a crawler of the mirror stays on the mirror
    return Reply(302, "captcha", text="", content_type="text/html", headers={"Location": punish})


def blocks_for(path: str, params: dict[str, str]) -> frozenset[str]:
    if path.startswith("/products/"):
        return frozenset({"captcha"})
    return frozenset({"captcha", "silent_empty"})


# --- routes --------------------------------------------------------------------------------------------


def is_api(path: str) -> bool:
    if path.startswith(PUNISH_PATH):
        return False
    return path.startswith(("/catalog/", "/products/")) or bool(_CATEGORY.match(path))


def _int(params: dict[str, str], key: str, default: int) -> int:
    try:
        return int(params.get(key) or default)
    except ValueError:
        return default


def route(source: ProductSource, settings: Settings, path: str, params: dict[str, str]) -> Reply:
    if path.startswith(PUNISH_PATH):
        token = escape(params.get("x5secdata", ""))
        return Reply(
            200, "punish", text=CAPTCHA_HTML % {"token": token}, content_type="text/html; charset=utf-8"
        )
    if path in ("/catalog", "/catalog/"):
        return listing(source, settings, params, category=None)
    if match := _PRODUCT.match(path):
        return product_page(source, int(match["item"]))
    if (match := _CATEGORY.match(path)) and match["slug"] in CATEGORY_BY_SLUG:
        return listing(source, settings, params, category=CATEGORY_BY_SLUG[match["slug"]].id)
    return html_error(404, "not_found" if is_api(path) else "other", server="Tengine")


def listing(source: ProductSource, settings: Settings, params: dict[str, str], category: int | None) -> Reply:
    page = max(1, _int(params, "page", 1))
    sort = SORTS.get(params.get("sort", ""), "default")
    if params.get("sort") == "price":
        sort = "price,desc" if params.get("order", "").upper() == "DESC" else "price,asc"
    q = params.get("q", "") if category is None else ""
    results = source.query(q, category, sort)
    offset = (page - 1) * PAGE_SIZE
    products = results.page(offset, PAGE_SIZE) if page <= MAX_PAGES and offset < results.total else []
    kind = "search" if category is None else "category"
    title = q if category is None else CATEGORIES[category].name
    payload = catalog(
        [list_item(p, settings.seed) for p in products],
        results.total,
        page,
        kind="searchResult" if category is None else "category",
        title=title,
    )
    if params.get("ajax") == "true":
        return Reply(200, kind, payload, meta={"page": page})
    return Reply(
        200,
        kind,
        payload,
        render=render_search_page,
        content_type="text/html; charset=utf-8",
        meta={"page": page},
    )


def product_page(source: ProductSource, item_id: int) -> Reply:
    product = source.get(item_id)
    if product is None:
        return html_error(404, "detail", server="Tengine")
    return Reply(
        200,
        "detail",
        product_model(product),
        render=render_product_page,
        content_type="text/html; charset=utf-8",
    )


def failure(status: int, retry_after: int) -> Reply:
    return html_failure(status, retry_after, server="Tengine")


# --- drift and bad items ----------------------------------------------------------------------------------


def _as_text(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"\d+(?:\.\d+)?", value):
        return price_text(int(float(value)), "₫", prefix=True)
    return price_text(value, "₫", prefix=True)


def apply_drift(reply: Reply, drift: str) -> None:
    payload = reply.payload
    if not isinstance(payload, dict):
        return
    if reply.kind in ("search", "category"):
        for item in payload["mods"]["listItems"]:
            if drift == "rename_name" and "name" in item:
                item["title"] = item.pop("name")
            elif drift == "price_as_text":
                for key in ("price", "originalPrice"):
                    if key in item:
                        item[key] = _as_text(item[key])
        if drift == "drop_paging":
            payload.pop("mainInfo", None)
    elif reply.kind == "detail":
        fields = payload["module"]["data"]["root"]["fields"]
        if drift == "rename_name":
            payload["json_ld"]["title"] = payload["json_ld"].pop("name")
            fields["product"]["productTitle"] = fields["product"].pop("title")
        elif drift == "price_as_text":
            offers = payload["json_ld"]["offers"]
            for key in ("price", "lowPrice", "highPrice"):
                if key in offers:
                    offers[key] = _as_text(offers[key])
            for info in fields["skuInfos"].values():
                for price in info["price"].values():
                    price["value"] = _as_text(price["value"])


def inject_bad_items(reply: Reply) -> None:
    """On page 1 of a listing, add one item with a blank title and one priced "Liên hệ"."""
    if reply.status != 200 or reply.kind not in ("search", "category") or reply.meta.get("page") != 1:
        return
    items = reply.payload["mods"]["listItems"]
    if not items:
        return
    blank, contact = dict(items[0]), dict(items[-1])
    for bad, item_id in ((blank, BAD_ITEM_IDS[0]), (contact, BAD_ITEM_IDS[1])):
        bad.update(
            nid=str(item_id),
            itemId=str(item_id),
            itemUrl=f"//{HOST}/products/bad-i{item_id}-s1.html",
            productUrl=f"//{HOST}/products/bad-i{item_id}-s1.html?search=1",
        )
    blank["name"] = "   "
    contact["price"] = "Liên hệ"
    items.insert(min(2, len(items)), blank)
    items.insert(min(5, len(items)), contact)


INDEX_HTML = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>ecomwatch demo marketplace (Lazada mirror)</title></head>
<body>
<h1>ecomwatch demo marketplace — Lazada mirror</h1>
<p>A local stand-in for www.lazada.vn, for tests. No real shop.</p>
<ul>
<li><a href="/catalog/?ajax=true&amp;isFirstRequest=true&amp;page=1&amp;q={quote("nước hoa")}">
GET /catalog/?ajax=true&amp;page=N&amp;q=KW[&amp;sort=popularity|priceasc|pricedesc]</a></li>
<li><a href="/nuoc-hoa/?ajax=true&amp;page=1">GET /{{category-slug}}/?ajax=true&amp;page=N</a>
(slugs: {", ".join(sorted(CATEGORY_BY_SLUG))})</li>
<li>GET /products/{{slug}}-i{{itemId}}-s{{skuId}}.html</li>
</ul>
<p>Test controls: POST /__control (fail_429, fail_500, truncate, slow_ms, captcha, silent_empty,
drift = rename_name | price_as_text | drop_paging, bad_items, reset); GET /__stats.</p>
</body></html>
"""

ROBOTS_TXT = "User-agent: *\nDisallow: /customer/\nDisallow: /cart/\nDisallow: /__control\nAllow: /\n"

SITE = Site(
    name="lazada",
    route=route,
    is_api=is_api,
    failure=failure,
    apply_drift=apply_drift,
    inject_bad_items=inject_bad_items,
    drifts=("rename_name", "price_as_text", "drop_paging"),
    index_html=INDEX_HTML,
    robots_txt=ROBOTS_TXT,
    blocks=("captcha", "silent_empty"),
    blocks_for=blocks_for,
    block=block,
    server_header="Tengine",
)
