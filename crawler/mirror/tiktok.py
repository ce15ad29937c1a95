"""TikTok Shop in the mirror: product pages with ``__MODERN_ROUTER_DATA__`` and seller pages (marketplaces.md §5).

  GET /view/product/{id}                     product page; the JSON is embedded in the HTML like the real one
  GET /shop/store/{slug}/{seller_id}?page=N  seller page: links to the seller's product pages, 30 a page, and
                                             the same products as cards in §5's search-result shape, embedded as
                                             ``__MODERN_ROUTER_DATA__`` ``loaderData[STORE_ROUTE_KEY].initialData.products``
TikTok's keyword search needs its signed app API (§5), so the mirror has none: a spider searches a seller's
cards instead. Every page above is fault-eligible (the captcha included).
Faults: ``captcha`` serves the "Verify to continue" slider page (HTTP 200) instead; ``fail_429``/``fail_500``,
``slow_ms``, ``truncate`` (half a page: the JSON script is cut), ``drift=rename_name`` (``product_name``).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any

from crawler.mirror.catalogue import Product, ProductSource
from crawler.mirror.routes import Reply, Settings, Site, html_error, html_failure
from crawler.mirror.text import slugify, stable_hex, stable_int

SELLER_PAGE_SIZE = 30
ROUTE_KEY = "(view)/product/(product_id)/page"
STORE_ROUTE_KEY = "shop/store/(slug)/(seller_id)/page"
_PRODUCT = re.compile(r"^/view/product/(?P<id>\d+)$")
_STORE = re.compile(r"^/shop/store/(?P<slug>[^/]+)/(?P<seller>\d+)$")
_HTML = "text/html; charset=utf-8"
LOCATIONS = ("Hà Nội", "TP. Hồ Chí Minh", "Nước ngoài", "Đà Nẵng", "")


def money(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def product_id(product: Product) -> int:
    return 1_729_000_000_000_000_000 + product.id


def seller_path(product: Product) -> str:
    return f"/shop/store/{slugify(product.seller_name, max_words=4) or 'shop'}/{7_494_000_000_000_000 + product.seller_id}"


def product_info(product: Product) -> dict[str, Any]:
    description = product.description or product.name
    desc_detail: list[dict[str, Any]] = [
        {"type": "text", "text": line} for line in description.splitlines() if line.strip()
    ]
    desc_detail.append(
        {
            "type": "image",
            "image": {
                "url_list": [f"https://p16-oec-va.ibyteimg.com/{stable_hex('tt', product.id)}~tplv.webp"]
            },
        }
    )
    return {
        "product_id": str(product_id(product)),
        "product_base": {
            "title": product.name,
            "desc_detail": json.dumps(desc_detail, ensure_ascii=False),  # a JSON string inside the JSON
            "images": [{"thumb_url_list": [f"https://p16-oec-va.ibyteimg.com/{stable_hex('tti', product.id, i)}~tplv.jpeg"]}
                       for i in range(2)],
            "specifications": [{"name": "Thương hiệu", "value": product.brand or "No brand"},
                               {"name": "Xuất xứ", "value": product.origin or "Việt Nam"}],
            "sold_count": product.sold,
            "price": {"original_price": money(product.list_price), "real_price": money(product.price),
                      "discount": f"-{round(100 * (1 - product.price / product.list_price))}%"
                      if product.list_price > product.price else "",
                      "currency": "VND", "currency_symbol": "₫"},
        },
        "seller": {
            "seller_id": seller_path(product).rsplit("/", 1)[1],
            "name": product.seller_name,
            "avatar": {"url_list": [f"https://p16-oec-va.ibyteimg.com/{stable_hex('tts', product.seller_id)}.jpeg"]},
            "seller_location": LOCATIONS[stable_int("ttloc", product.seller_id, modulo=len(LOCATIONS))],
            "link": f"https://www.tiktok.com{seller_path(product)}",
        },
    }  # fmt: skip


def card(product: Product) -> dict[str, Any]:
    """A product as a search-result card (marketplaces.md §5, from a TS client type)."""
    pid = str(product_id(product))
    seller_id = seller_path(product).rsplit("/", 1)[1]
    image = f"tos-alisg-i-aphluv4xwc-sg/{stable_hex('tti', product.id, 0)}"
    return {
        "product_id": pid, "title": product.name,
        "image": {"url_list": [f"https://p16-oec-va.ibyteimg.com/{image}~tplv.jpeg"], "uri": image},
        "product_price_info": {"sale_price_decimal": str(product.price), "currency_symbol": "₫", "currency_name": "VND"},
        "rate_info": {"score": round(product.rating, 1), "review_count": str(product.reviews)},
        "sold_info": {"sold_count": product.sold},
        "seller_info": {"seller_id": seller_id, "shop_name": product.seller_name,
                        "shop_logo": {"url_list": [f"https://p16-oec-va.ibyteimg.com/{stable_hex('tts', product.seller_id)}.jpeg"]}},
        "seo_url": {"canonical_url": f"https://www.tiktok.com/view/product/{pid}",
                    "pdp_url": f"https://shop.tiktok.com/view/product/{pid}?region=VN&locale=vi-VN"},
    }  # fmt: skip


def router_data(product: Product) -> dict[str, Any]:
    return {
        "loaderData": {
            "layout": {"region": "VN"},
            ROUTE_KEY: {"initialData": {"productInfo": product_info(product)}},
        }
    }


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_product(model: dict[str, Any]) -> str:
    info = model["loaderData"][ROUTE_KEY]["initialData"]["productInfo"]
    title = escape(str(info["product_base"].get("title") or info["product_base"].get("product_name") or ""))
    return (
        f'<!DOCTYPE html><html lang="vi-VN"><head><meta charset="utf-8"><title>{title} | TikTok Shop</title></head>'
        f'<body><div id="root"></div><script id="__MODERN_ROUTER_DATA__" type="application/json">'
        f"{_script_json(model)}</script><script>window._SSR_DATA = {{}};</script></body></html>"
    )


CAPTCHA_HTML = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Security Check</title></head>
<body><div id="captcha_container"><div class="secsdk-captcha-drag-icon"></div>
<div class="captcha_verify_container">Verify to continue: drag the slider to fit the puzzle</div></div></body></html>
"""


def route(source: ProductSource, settings: Settings, path: str, params: dict[str, str]) -> Reply:
    if match := _PRODUCT.match(path):
        raw = int(match["id"]) - 1_729_000_000_000_000_000
        product = source.get(raw) if raw > 0 else None
        if product is None:
            return html_error(404, "product_page")
        return Reply(200, "product_page", router_data(product), content_type=_HTML, render=render_product)
    if match := _STORE.match(path):
        seller_id = int(match["seller"]) - 7_494_000_000_000_000
        results = source.query(seller_id=seller_id, sort="default")
        if not results.total:
            return html_error(404, "seller_page")
        try:
            page = max(1, int(params.get("page", "1")))
        except ValueError:
            page = 1
        products = results.page((page - 1) * SELLER_PAGE_SIZE, SELLER_PAGE_SIZE)
        links = "".join(
            f'<a class="product-card" href="/view/product/{product_id(p)}">{escape(p.name)}</a>'
            for p in products
        )
        more = page * SELLER_PAGE_SIZE < results.total
        nav = f'<a rel="next" href="{path}?page={page + 1}">Xem thêm</a>' if more else ""
        data = {"loaderData": {"layout": {"region": "VN"},
                               STORE_ROUTE_KEY: {"initialData": {"products": [card(p) for p in products],
                                                                 "has_more": more}}}}  # fmt: skip
        text = (
            f'<!DOCTYPE html><html lang="vi-VN"><body><div class="store">{links}</div>{nav}'
            f'<script id="__MODERN_ROUTER_DATA__" type="application/json">{_script_json(data)}</script></body></html>'
        )
        return Reply(200, "seller_page", text=text, content_type=_HTML)
    return html_error(404, "not_found")


def block(name: str, path: str, params: dict[str, str]) -> Reply:
    return Reply(200, "captcha", text=CAPTCHA_HTML, content_type=_HTML)


def is_api(path: str) -> bool:
    return bool(_PRODUCT.match(path) or _STORE.match(path))


def apply_drift(reply: Reply, drift: str) -> None:
    if reply.kind == "product_page" and drift == "rename_name":
        base = reply.payload["loaderData"][ROUTE_KEY]["initialData"]["productInfo"]["product_base"]
        base["product_name"] = base.pop("title")


def inject_bad_items(reply: Reply) -> None:
    return None


SITE = Site(
    name="tiktok",
    route=route,
    is_api=is_api,
    failure=html_failure,
    apply_drift=apply_drift,
    inject_bad_items=inject_bad_items,
    drifts=("rename_name",),
    index_html='<!DOCTYPE html><html><body><a href="/shop">TikTok Shop</a></body></html>',
    robots_txt="User-agent: *\nAllow: /view/product/\n",
    blocks=("captcha",),
    blocks_for=lambda path, params: frozenset({"captcha"}),
    block=block,
    server_header="Tengine",
)
