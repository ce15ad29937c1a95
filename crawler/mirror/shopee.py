"""Shopee in the mirror: an SPA shell whose JavaScript calls the signed JSON API (marketplaces.md §1).

Pages (no data in the HTML, like the real site; a browser must run ``/static/shopee.js``):
  GET /search?keyword=KW&page=N            search page, N from 0 (60 items a page)
  GET /{slug}-i.{shopid}.{itemid}          product page
The JS calls, with ``x-api-source: pc``, ``x-shopee-language: vi`` and a per-request ``af-ac-enc-dat``:
  GET /api/v4/search/search_items?by=relevancy&keyword=…&limit=60&newest=OFFSET&order=desc&page_type=search&…
  GET /api/v4/pdp/get_pc?item_id=&shop_id=&tz_offset_minutes=420&detail_level=0
An API request without those headers (a plain HTTP client) gets ``{"error":90309999,…}`` with HTTP 200.
The page sets ``<body data-state="ready|empty|blocked|error">`` when it is done.

Faults: ``anti_bot`` (90309999 JSON) and ``forbidden`` (403) on API calls; ``traffic_error`` and ``captcha``
(302 to ``/verify/traffic/error?next=…`` / ``/verify/captcha?anti_bot_tracking_id=…``) on page loads;
``fail_429``/``fail_500``/``slow_ms``/``truncate`` on whichever page or API request comes next.
"""

from __future__ import annotations

import base64
import json
import re
from html import escape
from typing import Any
from urllib.parse import quote

from crawler.mirror.catalogue import Product, ProductSource
from crawler.mirror.categories import CATEGORIES
from crawler.mirror.routes import BAD_ITEM_IDS, Reply, Settings, Site, html_error, html_failure, price_text
from crawler.mirror.text import slugify, stable_hex, stable_int

HOST = "shopee.vn"
PAGE_SIZE = 60
MAX_OFFSET = 5000
UNIT = 100_000  # Shopee prices are VND × 100000
#: the page's JS signs each API call with this (a stand-in for Shopee's obfuscated SDK)
TOKEN_SECRET = "ecw-mirror-3f9a"
SEARCH_API = "/api/v4/search/search_items"
DETAIL_API = "/api/v4/pdp/get_pc"
JS_PATH = "/static/shopee.js"
_PRODUCT = re.compile(r"^/(?P<slug>[^/]*)-i\.(?P<shop>\d+)\.(?P<item>\d+)$")
#: shop_location as the real search API sends it: often "", sometimes "Nước ngoài" (cross-border)
LOCATIONS = ("", "TP. Hồ Chí Minh", "Hà Nội", "", "Nước ngoài", "Bạc Liêu", "TP. Hồ Chí Minh", "",
             "Kiên Giang", "Hà Nội", "Lạng Sơn", "Bắc Ninh")  # fmt: skip


def fnv1a(text: str) -> str:
    """32-bit FNV-1a as hex: what shopee.js computes (over UTF-16 code units; URLs here are ASCII)."""
    value = 0x811C9DC5
    for ch in text:
        value ^= ord(ch)
        value = (value * 0x01000193) & 0xFFFFFFFF
    return f"{value:08x}"


def token_for(raw_path: str) -> str:
    return f"1.1.{fnv1a(TOKEN_SECRET + '|' + raw_path)}"


def location(product: Product) -> str:
    if product.origin == "Trung Quốc" and stable_int("spx", product.id, modulo=2):
        return "Nước ngoài"
    return LOCATIONS[stable_int("sploc", product.id, modulo=len(LOCATIONS))]


def product_path(product: Product) -> str:
    return f"/{slugify(product.name, max_words=12)}-i.{product.seller_id}.{product.id}"


def image(product: Product, index: int = 0) -> str:
    return f"vn-11134207-7r98o-{stable_hex('spimg', product.id, index, length=14)}"


def rating_count(product: Product) -> list[int]:
    total = product.reviews
    five = round(total * 0.8)
    four = round(total * 0.1)
    one = total - five - four
    return [total, max(one, 0), 0, 0, four, five]


def item_basic(product: Product) -> dict[str, Any]:
    discount = (
        round(100 * (1 - product.price / product.list_price)) if product.list_price > product.price else 0
    )
    return {
        "itemid": product.id, "shopid": product.seller_id, "name": product.name,
        "image": image(product), "images": [image(product, i) for i in range(3)],
        "currency": "VND", "stock": 100 + product.sold, "status": 1, "ctime": 1_700_000_000 - product.days * 86400,
        "sold": min(product.sold, 999), "historical_sold": product.sold, "global_sold_count": product.sold,
        "liked_count": product.reviews * 3, "view_count": None, "cmt_count": None,
        "catid": product.category_id, "brand": product.brand if product.brand not in ("", "OEM") else "",
        "label_ids": [1000279],
        "price": product.price * UNIT, "price_min": product.price * UNIT, "price_max": product.price * UNIT,
        "price_before_discount": product.list_price * UNIT if discount else 0,
        "price_min_before_discount": product.list_price * UNIT if discount else 0,
        "price_max_before_discount": product.list_price * UNIT if discount else 0,
        "raw_discount": discount, "show_discount": discount, "discount": f"{discount}%" if discount else None,
        "item_rating": {"rating_star": product.rating, "rating_count": rating_count(product),
                        "rcount_with_context": product.reviews // 2, "rcount_with_image": product.reviews // 3},
        "shopee_verified": product.authentic, "is_official_shop": product.official,
        "is_preferred_plus_seller": False, "show_official_shop_label": product.official, "is_mart": False,
        "is_service_by_shopee": False, "shop_location": location(product), "shop_name": product.seller_name,
        "shop_icon": None, "is_adult": False, "adult_age_threshold": None, "adult_types": None, "need_kyc": False,
        "tier_variations": [], "video_info_list": [], "voucher_info": None,
        "item_card_display_price": {"promotion_type": 0, "price": product.price * UNIT,
                                    "strikethrough_price": product.list_price * UNIT, "discount": discount,
                                    "model_id": product.id * 10},
        "item_card_display_sold_count": {"display_sold_count": product.sold, "monthly_sold_count": None,
                                         "historical_sold_count_text": None},
        "is_on_flash_sale": False, "can_use_cod": True, "free_shipping_info": None,
    }  # fmt: skip


def search_item(product: Product) -> dict[str, Any]:
    ad = stable_int("spad", product.id, modulo=6) == 0
    return {
        "item_basic": item_basic(product), "itemid": product.id, "shopid": product.seller_id,
        "adsid": stable_int("spadid", product.id) if ad else None, "campaignid": None,
        "ads_keyword": None, "deduction_info": None,
        "json_data": base64.b64encode(f"item:{product.id}".encode()).decode(),
        "match_type": 0, "distance": None, "collection_id": None, "display_name": None,
        "item_type": 0, "foody_item": None, "item_card_displayed_asset": {}, "item_data": None,
    }  # fmt: skip


def search_page(source: ProductSource, params: dict[str, str]) -> Reply:
    keyword = params.get("keyword", "")
    try:
        offset = max(0, int(params.get("newest", "0")))
        limit = max(1, min(PAGE_SIZE, int(params.get("limit", str(PAGE_SIZE)))))
    except ValueError:
        return Reply(200, "search", {"error": 2, "error_msg": "invalid params", "items": None})
    results = source.query(keyword, None, "default")
    total = min(results.total, MAX_OFFSET)
    products = results.page(offset, limit) if offset < total else []
    nomore = offset + limit >= total
    payload = {
        "bff_meta": None, "error": None, "error_msg": None, "reserved_keyword": None,
        "suggestion_algorithm": None, "algorithm": None, "adjust": {"count": None}, "nomore": nomore,
        "price_adjust": None, "json_data": "", "query_rewrite": {"fe_query_write_status": 0},
        "total_count": total, "total_ads_count": 0,
        "search_tracking": json.dumps({"total_count": total, "keyword": keyword}),
        "items": [search_item(p) for p in products] or None,
    }  # fmt: skip
    return Reply(200, "search", payload, meta={"offset": offset})


def attributes(product: Product) -> list[dict[str, Any]]:
    rows = [
        ("Thương hiệu", product.brand or "No brand", False),
        ("Xuất xứ", product.origin or "Việt Nam", False),
    ]
    if product.expiry:
        rows.append(("Hạn sử dụng", product.expiry, False))
    rows.append(("Ngày sản xuất", str(1_700_000_000 - product.days * 86400), True))
    return [
        {"name": name, "value": value, "id": 100000 + i, "is_timestamp": is_ts, "brand_option": None,
         "val_id": None, "url": None, "brand_id": None, "full_url": None, "type": None}
        for i, (name, value, is_ts) in enumerate(rows)
    ]  # fmt: skip


def detail_payload(product: Product) -> dict[str, Any]:
    basic = item_basic(product)
    category = CATEGORIES.get(product.category_id)
    categories = [{"catid": product.category_id, "display_name": category.name if category else "Khác",
                   "no_sub": True, "is_default_subcat": False}]  # fmt: skip
    description = product.description or product.name
    folded = product.name.lower()
    item = {
        "item_id": product.id, "shop_id": product.seller_id, "title": product.name, "description": description,
        "rich_text_description": {"paragraph_list": [{"type": 0, "text": description, "img_id": None, "ratio": None}]},
        "brand": basic["brand"], "brand_id": None, "cat_id": product.category_id,
        "categories": categories, "fe_categories": categories, "attributes": attributes(product),
        "price": basic["price"], "price_min": basic["price"], "price_max": basic["price"],
        "price_before_discount": basic["price_before_discount"], "raw_discount": basic["raw_discount"],
        "show_discount": basic["show_discount"], "currency": "VND", "stock": basic["stock"],
        "normal_stock": basic["stock"], "condition": 1, "ctime": basic["ctime"], "status": 1,
        "item_status": "normal", "item_type": 0, "shop_location": location(product),
        "item_rating": {"rating_star": product.rating}, "models": [], "tier_variations": [],
        "is_adult": False, "is_alcohol_product": any(w in folded for w in ("rượu", "bia ", "whisky", "vodka")),
        "is_infant_milk_formula_product": "sữa bột" in folded, "is_prescription_item": False,
        "show_prescription_feed": False, "is_pre_order": False, "estimated_days": 2,
        "is_official_shop": product.official, "label_ids": [], "image": basic["image"],
    }  # fmt: skip
    return {
        "bff_meta": None, "error": None, "error_msg": None,
        "data": {
            "item": item,
            "product_images": {"images": basic["images"], "video": None},
            "product_price": {"price": {"single_value": basic["price"], "range_min": 0, "range_max": 0,
                                        "price_mask": None},
                              "price_before_discount": {"single_value": basic["price_before_discount"]},
                              "discount": basic["discount"], "hide_price": False},
            "product_attributes": {"attrs": item["attributes"], "categories": categories},
            "product_review": {"rating_star": product.rating, "rating_count": rating_count(product),
                               "total_rating_count": product.reviews, "cmt_count": product.reviews,
                               "historical_sold": product.sold, "global_sold": str(product.sold),
                               "liked_count": basic["liked_count"], "hide_rating": False},
            "shop_detailed": {"shopid": product.seller_id, "userid": product.seller_id + 7, "name": product.seller_name,
                              "account": {"username": slugify(product.seller_name, 4).replace("-", ""),
                                          "portrait": "", "status": 1},
                              "shop_location": location(product), "place": location(product),
                              "is_official_shop": product.official, "is_shopee_verified": product.authentic,
                              "is_preferred_plus_seller": False, "is_individual_seller": "true",
                              "is_3pf": False, "authorized_brand": product.brand if product.official else "",
                              "rating_star": product.rating, "rating_good": 0, "rating_bad": 0, "rating_normal": 0,
                              "response_rate": 90, "response_time": 3600, "follower_count": 10,
                              "item_count": 10, "sold_total": str(product.sold), "ctime": 0,
                              "last_active_time": 0, "vacation": False},
            "product_shipping": {"shipping_fee_info": {"ship_from_location": location(product), "price": {}},
                                 "ungrouped_channel_infos": []},
            "age_gate": None, "alcohol_disclaimer": None, "tax_disclaimer": None,
            "product_meta": {"hide_sold_count": False, "show_original_guarantee": False,
                             "show_shopee_verified_label": product.authentic},
            "flash_sale": None, "coin_info": {}, "shop_vouchers": [],
        },
    }  # fmt: skip


def detail(source: ProductSource, params: dict[str, str]) -> Reply:
    raw_id = params.get("item_id", "")
    product = source.get(int(raw_id)) if raw_id.isdigit() else None
    if product is None or str(product.seller_id) != params.get("shop_id"):
        # what the real API sends for an item that is gone
        return Reply(
            200, "detail", {"bff_meta": None, "error": 4, "error_msg": "item not found", "data": None}
        )
    return Reply(200, "detail", detail_payload(product))


def anti_bot_body(raw_path: str) -> dict[str, Any]:
    return {
        "tracking_id": stable_hex("sptrk", raw_path, length=36), "action_type": 2, "error": 90309999,
        "is_customized": False, "is_login": False, "is_hit_sap": False, "platform": 0, "event_id": 1,
        "report_extra_info": "eyJzZXF1ZW5jZSI6MX0=",
    }  # fmt: skip


# --- pages and their script ------------------------------------------------------------------------

SHELL_HTML = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>Shopee Việt Nam | Mua và Bán Trên Ứng Dụng Di Động</title>
<link rel="icon" href="/favicon.ico"><link rel="preload" href="/static/font.woff2" as="font" crossorigin>
</head><body><div id="main"><img src="/static/logo.png" alt=""></div>
<script src="{js}" defer></script></body></html>
"""

SHOPEE_JS = r"""(function () {
  "use strict";
  var SECRET = "%(secret)s";
  function fnv1a(s) {
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return ("0000000" + h.toString(16)).slice(-8);
  }
  function done(state) { document.body.setAttribute("data-state", state); }
  function esc(s) { var d = document.createElement("div"); d.textContent = String(s); return d.innerHTML; }
  var url, kind, m = location.pathname.match(/-i\.(\d+)\.(\d+)$/);
  if (location.pathname === "/search") {
    var q = new URLSearchParams(location.search), pageNo = parseInt(q.get("page") || "0", 10) || 0;
    kind = "search";
    url = "%(search)s?by=relevancy&keyword=" + encodeURIComponent(q.get("keyword") || "") +
      "&limit=60&newest=" + (pageNo * 60) + "&order=desc&page_type=search&scenario=PAGE_GLOBAL_SEARCH&version=2";
  } else if (m) {
    kind = "detail";
    url = "%(detail)s?item_id=" + m[2] + "&shop_id=" + m[1] + "&tz_offset_minutes=420&detail_level=0";
  } else { done("empty"); return; }
  var headers = {"x-api-source": "pc", "x-shopee-language": "vi", "x-requested-with": "XMLHttpRequest",
                 "af-ac-enc-dat": "1.1." + fnv1a(SECRET + "|" + url)};
  fetch(url, {headers: headers, credentials: "same-origin"}).then(function (r) {
    return r.text().then(function (t) { return {status: r.status, text: t}; });
  }).then(function (res) {
    var data;
    try { data = JSON.parse(res.text); } catch (e) { done("error"); return; }
    if (res.status !== 200) { done(res.status === 403 ? "blocked" : "error"); return; }
    if (data.error === 90309999) { done("blocked"); return; }
    var main = document.getElementById("main"), html = "";
    if (kind === "search") {
      (data.items || []).forEach(function (it) {
        var b = it.item_basic || {};
        html += '<div class="shopee-search-item-result__item" data-itemid="' + it.itemid + '"><a href="/' +
          encodeURIComponent(b.name || "") + "-i." + it.shopid + "." + it.itemid + '">' + esc(b.name) +
          '</a><span class="price">' + (b.price / 100000) + "</span></div>";
      });
      main.innerHTML = html;
      done((data.items || []).length ? "ready" : "empty");
    } else {
      var item = data.data && data.data.item;
      if (!item) { done("empty"); return; }
      main.innerHTML = "<h1>" + esc(item.title) + "</h1><div class=\"desc\">" + esc(item.description) + "</div>";
      done("ready");
    }
  }).catch(function () { done("error"); });
})();
""" % {"secret": TOKEN_SECRET, "search": SEARCH_API, "detail": DETAIL_API}  # noqa: UP031 - JS braces

VERIFY_HTML = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Shopee</title></head>
<body data-state="blocked"><div class="verify">{what}</div></body></html>
"""


def _shell(kind: str) -> Reply:
    return Reply(200, kind, text=SHELL_HTML.replace("{js}", JS_PATH), content_type="text/html; charset=utf-8")


def block(name: str, path: str, params: dict[str, str]) -> Reply:
    raw = path + ("?" + "&".join(f"{k}={quote(v)}" for k, v in params.items()) if params else "")
    if name == "anti_bot":
        return Reply(200, "blocked", anti_bot_body(raw))
    if name == "forbidden":
        return Reply(403, "forbidden", {"error": 403, "error_msg": "Forbidden"})
    if name == "traffic_error":
        target = f"/verify/traffic/error?next={quote('https://' + HOST + raw, safe='')}"
    else:  # captcha
        target = f"/verify/captcha?anti_bot_tracking_id={stable_hex('sptrk', raw, length=36)}"
    return Reply(302, "verify_redirect", text="", content_type="text/html", headers={"Location": target})


def blocks_for(path: str, params: dict[str, str]) -> frozenset[str]:
    if path.startswith("/api/"):
        return frozenset({"anti_bot", "forbidden"})
    return frozenset({"traffic_error", "captcha"})


def is_api(path: str) -> bool:
    """Fault-eligible paths: the API and the page loads (not the script, not the verify pages)."""
    return path.startswith("/api/") or path == "/search" or bool(_PRODUCT.match(path))


def guard(raw_path: str, headers: Any) -> Reply | None:
    """The real API answers a client without the page's headers with the 90309999 block (HTTP 200)."""
    if not raw_path.startswith("/api/"):
        return None
    ok = (
        headers.get("x-api-source") == "pc"
        and headers.get("x-shopee-language") == "vi"
        and headers.get("af-ac-enc-dat") == token_for(raw_path)
    )
    return None if ok else Reply(200, "unsigned", anti_bot_body(raw_path))


def route(source: ProductSource, settings: Settings, path: str, params: dict[str, str]) -> Reply:
    if path == SEARCH_API:
        return search_page(source, params)
    if path == DETAIL_API:
        return detail(source, params)
    if path == "/search":
        return _shell("search_page")
    if _PRODUCT.match(path):
        return _shell("product_page")
    if path == JS_PATH:
        return Reply(200, "script", text=SHOPEE_JS, content_type="application/javascript; charset=utf-8")
    if path.startswith("/verify/"):
        what = "Traffic error" if path.startswith("/verify/traffic") else "Pls Solve captcha"
        return Reply(200, "verify", text=VERIFY_HTML.replace("{what}", escape(what)),
                     content_type="text/html; charset=utf-8")  # fmt: skip
    if path.startswith("/static/"):
        return Reply(200, "static", text="", content_type="application/octet-stream")
    return html_error(404, "not_found")


_PRICE_KEYS = ("price", "price_min", "price_max", "price_before_discount", "price_min_before_discount",
               "price_max_before_discount")  # fmt: skip


def price_strings(reply: Reply) -> None:
    """Prices as strings of digits (§10: the get_pc types are "string" placeholders); every other search
    item has ``price`` null and only its range (``price_min``/``price_max``), every detail a range price."""
    payload = reply.payload
    if reply.kind == "search":
        for n, item in enumerate(payload.get("items") or []):
            basic = item["item_basic"]
            for key in _PRICE_KEYS:
                basic[key] = str(basic[key])
            if n % 2:
                basic["price"] = None
    elif reply.kind == "detail" and isinstance(payload.get("data"), dict):
        price = payload["data"]["product_price"]["price"]
        price.update(
            single_value=0, range_min=str(price["single_value"]), range_max=str(price["single_value"])
        )


def sold_elsewhere(reply: Reply) -> None:
    """§1.3: the sold count's place is version-dependent: search items with ``historical_sold`` null
    (``global_sold_count`` set), details with it under ``data.item`` instead of ``product_review``."""
    payload = reply.payload
    if reply.kind == "search":
        for item in payload.get("items") or []:
            item["item_basic"]["historical_sold"] = None
    elif reply.kind == "detail" and isinstance(payload.get("data"), dict):
        data = payload["data"]
        data["item"]["historical_sold"] = data["product_review"].pop("historical_sold")


def apply_drift(reply: Reply, drift: str) -> None:
    payload = reply.payload
    if isinstance(payload, dict) and drift == "price_strings":
        price_strings(reply)
    if isinstance(payload, dict) and drift == "sold_elsewhere":
        sold_elsewhere(reply)
    if not isinstance(payload, dict) or reply.kind != "search":
        return
    for item in payload.get("items") or []:
        basic = item["item_basic"]
        if drift == "rename_name":
            basic["title"] = basic.pop("name")
        elif drift == "price_as_text":
            basic["price"] = price_text(basic["price"] // UNIT)


def inject_bad_items(reply: Reply) -> None:
    """On the first search page: one item with a blank name, one with the price as text, and an ad
    element whose ``item_basic`` is null."""
    if reply.kind != "search" or reply.meta.get("offset") or not (reply.payload or {}).get("items"):
        return
    items = reply.payload["items"]
    blank, contact = json.loads(json.dumps(items[0])), json.loads(json.dumps(items[-1]))
    for bad, item_id in zip((blank, contact), BAD_ITEM_IDS, strict=True):
        bad["itemid"] = bad["item_basic"]["itemid"] = item_id
    blank["item_basic"]["name"] = "   "
    contact["item_basic"]["price"] = "Liên hệ"
    items.insert(min(2, len(items)), blank)
    items.insert(min(5, len(items)), contact)
    empty = {**json.loads(json.dumps(items[0])), "item_basic": None, "itemid": None, "adsid": 1}
    items.insert(min(3, len(items)), empty)


SITE = Site(
    name="shopee",
    route=route,
    is_api=is_api,
    failure=html_failure,
    apply_drift=apply_drift,
    inject_bad_items=inject_bad_items,
    drifts=("rename_name", "price_as_text", "price_strings", "sold_elsewhere"),
    index_html=SHELL_HTML.replace("{js}", JS_PATH),
    robots_txt="User-agent: *\nDisallow: /api/\nDisallow: /cart/\n",
    blocks=("anti_bot", "forbidden", "traffic_error", "captcha"),
    blocks_for=blocks_for,
    block=block,
    guard=guard,
    server_header="nginx",
)

__all__ = ["SITE", "product_path", "token_for"]
