"""Sendo shapes (``shared/domain/marketplaces.md`` §4): the search-list API and the wap_v2 product detail.

  GET /web/products?q=&page=&size=60&platform=web&sortType=vasup_desc   [searchlist-api.sendo.vn]
      → ``{"data": [items]}``; pages run until ``data`` is empty
  GET /m/wap_v2/full/san-pham/{slug-id}?platform=web                     [www.sendo.vn]
      → ``{"result": {"data": {…}}, "status": {"code": 200}}``; a missing product is HTTP 200 with
      ``status.code`` 404

Real listings are served as the raw Sendo items the catalogue was built from
(``data/sendo_items.jsonl.gz``, unchanged: ``rated: {}`` when unrated, no ``sold`` when nothing sold,
``order_count_text`` "1,2K", ``shop.ware_house_region_name`` "TP.HCM"). Hand-written and synthetic
listings get the same skeleton. The detail keeps Sendo's misspelt ``shop_info.warehourse_region_name``.
Rebuild the data file from the shared corpus with
``python -c "from crawler.mirror.sendo import build_raw_items; print(build_raw_items())"``.
"""

from __future__ import annotations

import copy
import functools
import gzip
import json
import re
from pathlib import Path
from typing import Any

from crawler.mirror.catalogue import DATA_DIR, Product, ProductSource, read_records
from crawler.mirror.categories import PERISHABLE_LEAVES, lineage
from crawler.mirror.describe import TIKI_FOOTER, description_html
from crawler.mirror.routes import BAD_ITEM_IDS, Reply, Settings, Site, html_error, html_failure, price_text
from crawler.mirror.text import slugify, stable_hex, stable_int

RAW_FILE = DATA_DIR / "sendo_items.jsonl.gz"
CORPUS = Path("/work/shared/data/sendo/sendo_searchlist_products_dedup.jsonl.gz")
SEARCH_PATH = "/web/products"
MAX_SIZE = 100
SORT_TYPES = {
    "vasup_desc": "default",
    "rank": "default",
    "norder_30_desc": "top_seller",
    "new_desc": "newest",
    "price_asc": "price,asc",
    "price_desc": "price,desc",
}
MEDIA = "https://media3.scdn.vn"
SHOP_PLUS = f"{MEDIA}/img4/2020/07_30/h6fJaiL5WkEbDU2eQRZb.png"
PAY_LATER = {
    "position": "bottom", "type": "pay_later", "text": "Mua trước trả sau", "text_color": "#d5600c",
    "bg_color": "#fdede2", "icon": f"{MEDIA}/img4/2021/08_20/WxthNRjjOz4mP6X4uLj3.png",
}  # fmt: skip
# Warehouse provinces as Sendo writes them, weighted roughly like the real corpus.
REGIONS = ("Hà Nội",) * 6 + ("TP.HCM",) * 3 + ("Lâm Đồng", "Hưng Yên", "Đồng Nai", "Bắc Ninh", "Vũng Tàu")
REGION_IDS = {"Hà Nội": 1, "TP.HCM": 2}
PRICE_KEYS = (
    "default_price_min",
    "default_price_max",
    "sale_price_min",
    "sale_price_max",
    "price",
    "final_price",
)
_DETAIL = re.compile(r"^/m/wap_v2/full/san-pham/(?P<slug>[^/]+?)(?:\.html)?/?$")
_TRAILING_ID = re.compile(r"(?:^|-)(?P<id>\d+)$")


# --- raw items -----------------------------------------------------------------------------------


@functools.cache
def raw_items() -> dict[int, dict[str, Any]]:
    """The bundled raw Sendo search items by id (empty if the data file is missing)."""
    if not RAW_FILE.exists():
        return {}
    return {int(r["id"]): r for r in read_records(RAW_FILE)}


def raw_for(product: Product) -> dict[str, Any] | None:
    """The real Sendo item a product comes from (its base item for a synthetic variant)."""
    _, _, ref = product.source.partition(":")
    return raw_items().get(int(ref)) if ref.isdigit() else None


def warehouse(product: Product) -> str:
    """The seller's warehouse province: the real one, or a stable pick for hand-written listings."""
    raw = raw_for(product)
    if raw is not None:
        return str(raw["shop"]["ware_house_region_name"])
    return REGIONS[stable_int("region", product.seller_id, modulo=len(REGIONS))]


def sold_text(sold: int) -> str:
    """``order_count_text``: "21", "1,2K", "1K" (Sendo's own display)."""
    if sold < 1000:
        return str(sold)
    text = f"{sold / 1000:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + "K"


def image_url(product: Product, size: str = "250x250") -> str:
    digest = stable_hex("sendo-img", product.id, length=20)
    day = stable_int("day", product.id, modulo=28) + 1
    return f"{MEDIA}/img4/2024/{day % 12 + 1:02d}_{day:02d}/{digest}_simg_de2fe0_{size}_maxb.jpg"


def search_item(product: Product, seed: int = 0) -> dict[str, Any]:
    """One element of ``data[]``: the real raw item when there is one, else the same skeleton."""
    raw = raw_for(product)
    if raw is not None and raw["id"] == product.id:
        return copy.deepcopy(raw)
    item: dict[str, Any] = {
        "id": product.id,
        "name": product.name,
        "category_path": f"{slugify(product.name)}-{product.id}.html",
        "image": image_url(product),
        "default_price_min": product.list_price,
        "default_price_max": product.list_price,
        "sale_price_min": product.price,
        "sale_price_max": product.price,
    }
    if product.list_price > product.price:
        item["sale_percent"] = round(100 * (product.list_price - product.price) / product.list_price)
    if product.sold:
        item.update(sold=product.sold, order_count_text=sold_text(product.sold))
    shop: dict[str, Any] = {"id": product.seller_id, "name": product.seller_name, "status": 2}
    if product.official:
        shop.update(level=99, type=2)
    else:
        shop["type"] = 1
    shop.update(ware_house_region_name=warehouse(product), badge_urls={"shop_plus": SHOP_PLUS})
    item.update(
        {
            "seller_admin_id": product.seller_id,
            "sku_user": f"{product.seller_id % 10000}_{product.id}",
            "product_type": 23,
            "status_new": 2,
            "stock_status": 1,
            "search_feed_type": "SKU",
            "shop": shop,
            "rated": {"total": product.reviews, "star": product.rating} if product.reviews else {},
            "options": {},
            "package_discount": [dict(PAY_LATER)],
        }
    )
    if raw is not None:  # a synthetic variant of a real item keeps the real shop and quirks
        item["shop"] = copy.deepcopy(raw["shop"])
    return item


# --- detail --------------------------------------------------------------------------------------


def rating_info(rating: float, total: int) -> dict[str, Any]:
    stars = {f"star{n}": 0 for n in range(1, 6)}
    if total:
        low = max(1, min(5, int(rating)))
        high = min(5, low + 1)
        upper = round(total * (rating - low)) if high != low else 0
        stars[f"star{high}"] += upper
        stars[f"star{low}"] += total - upper
    return stars | {"total_rated": total, "percent_star": round(rating, 1) if total else 0}


def attributes(product: Product) -> list[dict[str, Any]]:
    rows: list[tuple[str, str]] = [("Thương hiệu", product.brand), ("Xuất xứ", product.origin)]
    if product.category_id in PERISHABLE_LEAVES or product.expiry:
        rows.append(("Hạn sử dụng", product.expiry or "24 tháng kể từ ngày sản xuất"))
    rows += [(name, value) for _code, name, value in product.specs]
    return [
        {
            "attribute_id": 100 + stable_int("attr", name, modulo=900),
            "name": name,
            "search_key": slugify(name).replace("-", "_"),
            "show_required": 0,
            "value": [
                {"option_id": stable_int("opt", name, value, modulo=10**6), "value": value, "selected": True}
            ],
        }
        for name, value in rows
        if value
    ]


def shop_info(product: Product, item: dict[str, Any]) -> dict[str, Any]:
    region = item["shop"]["ware_house_region_name"]
    slug = slugify(product.seller_name)
    return {
        "shop_id": item["shop"]["id"],
        "shop_name": item["shop"]["name"],
        "shop_logo": f"{MEDIA}/img4/2022/shop/{stable_hex('logo', product.seller_id, length=20)}.jpg",
        "shop_url": f"https://www.sendo.vn/shop/{slug}",
        "phone_number": "",
        "rating_avg": round(3.8 + stable_int("shop-rating", product.seller_id, modulo=12) / 10, 1),
        "rating_count": 10 + stable_int("shop-count", product.seller_id, modulo=5000),
        "good_review_percent": 80 + stable_int("good", product.seller_id, modulo=20),
        "percent_response": f"{70 + stable_int('resp', product.seller_id, modulo=30)}%",
        "response_time": "Trong vài giờ",
        "product_total": 5 + stable_int("total", product.seller_id, modulo=800),
        "sale_on_sendo": f"{1 + stable_int('years', product.seller_id, modulo=6)} năm",
        "time_prepare_product": "1 ngày",
        "warehourse_region_id": REGION_IDS.get(region, 3 + stable_int("region-id", region, modulo=60)),
        "warehourse_region_name": region,
        "is_certified": int(product.official),
        "shop_mall": 0,
        "shop_brand_type": 0,
        "is_self_transport": False,
        "customer_id": 1_000_000 + product.seller_id,
        "score": 0,
    }


def description(product: Product) -> str:
    return description_html(product).replace(TIKI_FOOTER, "").strip()


def detail(product: Product, seed: int = 0) -> dict[str, Any]:
    item = search_item(product, seed)
    full = item.get("image", "").replace("_simg_de2fe0_250x250_maxb", "")
    small = item.get("image", "").replace("250x250", "50x50")
    data = {
        "id": item["id"],
        "name": item["name"],
        "sku_user": item["sku_user"],
        "cat_path": item["category_path"],
        "category_id": product.category_id,
        "category_info": [
            {"id": c.id, "title": c.name, "url_key": c.url_key} for c in lineage(product.category_id)[1:]
        ],
        "price": item["default_price_min"],
        "final_price": item["sale_price_min"],
        "promotion_percent": item.get("sale_percent", 0),
        "image": full,
        "media": [{"type": "image", "image": full, "image_50x50": small}] if full else [],
        "brand_info": {
            "id": stable_int("brand", product.brand, modulo=10**5),
            "name": product.brand,
            "image": "",
        },
        "total_comment": product.reviews,
        "quantity": 50 + product.id % 950,
        "order_count": product.sold,
        "counter_view": product.sold * 7 + product.id % 300,
        "counter_like": product.sold // 10,
        "stock_status": 1,
        "status_new": 2,
        "attribute": attributes(product),
        "description": description(product),
        "rating_info": rating_info(product.rating, product.reviews),
        "shop_info": shop_info(product, item),
    }
    return {"result": {"data": data}, "status": {"code": 200, "message": "Thành công"}}


NOT_FOUND = {"result": {"data": None}, "status": {"code": 404, "message": "Sản phẩm không tồn tại"}}


# --- routes ----------------------------------------------------------------------------------------


def is_api(path: str) -> bool:
    return path == SEARCH_PATH or path.startswith("/m/wap_v2/")


def _int(params: dict[str, str], key: str, default: int) -> int:
    try:
        return int(params.get(key) or default)
    except ValueError:
        return default


def route(source: ProductSource, settings: Settings, path: str, params: dict[str, str]) -> Reply:
    if path == SEARCH_PATH:
        return search(source, settings, params)
    if match := _DETAIL.match(path):
        return product_detail(source, settings, match["slug"])
    if is_api(path):
        return Reply(404, "not_found", {"status": {"code": 404, "message": f"No route for {path}"}})
    return html_error(404, "other")


def search(source: ProductSource, settings: Settings, params: dict[str, str]) -> Reply:
    page = max(1, _int(params, "page", 1))
    size = min(MAX_SIZE, max(1, _int(params, "size", 60)))
    sort = SORT_TYPES.get(params.get("sortType", ""), "default")
    results = source.query(params.get("q", ""), None, sort)
    products = results.page((page - 1) * size, size) if (page - 1) * size < results.total else []
    return Reply(
        200, "search", {"data": [search_item(p, settings.seed) for p in products]}, meta={"page": page}
    )


def product_detail(source: ProductSource, settings: Settings, slug: str) -> Reply:
    match = _TRAILING_ID.search(slug)
    product = source.get(int(match["id"])) if match else None
    if product is None:
        return Reply(200, "detail", copy.deepcopy(NOT_FOUND))
    return Reply(200, "detail", detail(product, settings.seed))


def apply_drift(reply: Reply, drift: str) -> None:
    payload = reply.payload
    if reply.status != 200 or not isinstance(payload, dict):
        return
    if reply.kind == "search":
        targets = payload.get("data") or []
    elif reply.kind == "detail" and payload.get("status", {}).get("code") == 200:
        targets = [payload["result"]["data"]]
    else:
        return
    for item in targets:
        if drift == "rename_name" and "name" in item:
            item["product_name"] = item.pop("name")
        elif drift == "price_as_text":
            for key in PRICE_KEYS:
                if isinstance(item.get(key), int):
                    item[key] = price_text(item[key], "đ")
    if drift == "async_data" and reply.kind == "search":
        reply.payload = {"async_data": {"products": payload.pop("data")}}


def inject_bad_items(reply: Reply) -> None:
    """On page 1 of a search, add one item with a blank title and one priced "Liên hệ"."""
    if reply.status != 200 or reply.kind != "search" or reply.meta.get("page") != 1:
        return
    data = reply.payload["data"]
    if not data:
        return
    blank, contact = copy.deepcopy(data[0]), copy.deepcopy(data[-1])
    blank.update(id=BAD_ITEM_IDS[0], name="   ", category_path=f"san-pham-{BAD_ITEM_IDS[0]}.html")
    contact.update(
        id=BAD_ITEM_IDS[1], sale_price_min="Liên hệ", category_path=f"lien-he-{BAD_ITEM_IDS[1]}.html"
    )
    data.insert(min(2, len(data)), blank)
    data.insert(min(5, len(data)), contact)


INDEX_HTML = f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>ecomwatch demo marketplace (Sendo mirror)</title></head>
<body>
<h1>ecomwatch demo marketplace — Sendo mirror</h1>
<p>A local stand-in for Sendo's two hosts (searchlist-api.sendo.vn and www.sendo.vn), for tests. No real shop.</p>
<ul>
<li><a href="{SEARCH_PATH}?q=n%C6%B0%E1%BB%9Bc+hoa&amp;page=1&amp;size=60&amp;platform=web&amp;sortType=vasup_desc">
GET {SEARCH_PATH}?q=KW&amp;page=N&amp;size=60&amp;platform=web&amp;sortType=vasup_desc|norder_30_desc|new_desc|price_asc|price_desc</a></li>
<li>GET /m/wap_v2/full/san-pham/{{slug-id}}?platform=web</li>
</ul>
<p>Test controls: POST /__control (fail_429, fail_500, truncate, slow_ms, drift = rename_name | price_as_text |
async_data, bad_items, reset); GET /__stats.</p>
</body></html>
"""

ROBOTS_TXT = "User-agent: *\nDisallow: /checkout/\nDisallow: /__control\nAllow: /\n"

SITE = Site(
    name="sendo",
    route=route,
    is_api=is_api,
    failure=html_failure,
    apply_drift=apply_drift,
    inject_bad_items=inject_bad_items,
    drifts=("rename_name", "price_as_text", "async_data"),
    index_html=INDEX_HTML,
    robots_txt=ROBOTS_TXT,
)


# --- rebuilding the data file (a developer tool, not run in tests) ----------------------------------


def build_raw_items(corpus: Path = CORPUS, out: Path = RAW_FILE) -> int:
    """Copy the raw corpus items behind ``catalogue.jsonl.gz`` (``src`` "sendo:<id>") to ``out``."""
    wanted = {
        int(rec["src"].split(":", 1)[1])
        for rec in read_records(DATA_DIR / "catalogue.jsonl.gz")
        if str(rec.get("src", "")).startswith("sendo:")
    }
    found = sorted((r for r in read_records(corpus) if r["id"] in wanted), key=lambda r: r["id"])
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as fh:
        for rec in found:
            fh.write((json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    return len(found)
