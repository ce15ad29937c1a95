"""Request routing for the mirror: path and query string in, :class:`Reply` out (no sockets here).

A :class:`Site` bundles what one imitated marketplace needs (routes, fault-eligible paths, how its errors,
drifts and bad items look); the server serves one site. Tiki's is :data:`TIKI` below; Sendo's and
Lazada's live in :mod:`crawler.mirror.sendo` and :mod:`crawler.mirror.lazada`.

Tiki endpoints (real hosts in brackets):
  GET /api/v2/products?q=&category=&page=&limit=&sort=            [tiki.vn]  search / category listing
  GET /api/v2/products/{id}   (also /product-detail/api/v1/products/{id}) [tiki.vn, api.tiki.vn]
  GET /api/v2/seller/stores/{slug}/products (also /v2/seller/…)    [api.tiki.vn]  seller store
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

from crawler.mirror.catalogue import ProductSource
from crawler.mirror.pages import INDEX_HTML, ROBOTS_TXT
from crawler.mirror.tiki import (
    RATE_LIMIT_BODY,
    category_item,
    error_body,
    listing_wrapper,
    paging,
    search_item,
)
from crawler.mirror.tiki_detail import detail

API_PREFIXES = ("/api/", "/v2/", "/product-detail/")
BAD_ITEM_IDS = (999_000_001, 999_000_002)
_DETAIL = re.compile(r"^/(?:api/v2|product-detail/api/v1)/products/(?P<id>[^/]+)$")
_STORE = re.compile(r"^/(?:api/)?v2/seller/stores/(?P<slug>[^/]+)/products$")
_JSON = "application/json; charset=utf-8"


@dataclass
class Reply:
    status: int
    kind: str
    payload: Any = None  # JSON-able; serialised after faults have had their say
    text: str | None = None
    content_type: str = _JSON
    headers: dict[str, str] = field(default_factory=dict)
    truncate: bool = False  # a fault: send only the first half of the body, still with status 200
    render: Callable[[Any], str] | None = None  # payload -> text (HTML pages built from a JSON-able model)
    meta: dict[str, Any] = field(default_factory=dict)  # facts for faults (e.g. the page number); never sent

    def body(self) -> bytes:
        if self.text is not None:
            return self.text.encode()
        if self.render is not None:
            return self.render(self.payload).encode()
        return json.dumps(self.payload, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Settings:
    seed: int = 0
    paging_cap: int = 2000
    max_limit: int = 40
    store_max_limit: int = 100


@dataclass(frozen=True)
class Site:
    """One marketplace the mirror imitates. Faults apply to the paths ``is_api`` accepts."""

    name: str
    route: Callable[[ProductSource, Settings, str, dict[str, str]], Reply]
    is_api: Callable[[str], bool]
    failure: Callable[[int, int], Reply]  # (injected status 403/429/500, Retry-After) -> reply
    apply_drift: Callable[[Reply, str], None]
    inject_bad_items: Callable[[Reply], None]
    drifts: tuple[str, ...]
    index_html: str
    robots_txt: str
    # block faults (captcha, silent_empty) this site has, and which of them apply to one request
    blocks: tuple[str, ...] = ()
    blocks_for: Callable[[str, dict[str, str]], frozenset[str]] = lambda path, params: frozenset()
    block: Callable[[str, str, dict[str, str]], Reply] | None = None
    token_header: str | None = None  # header that require_guest_token checks; None: not enforced
    server_header: str = "nginx"
    # (raw path with query, request headers) -> a refusal, before faults (Shopee's signed-header check)
    guard: Callable[[str, Any], Reply | None] | None = None
    post_paths: tuple[str, ...] = ()  # paths that take a POSTed form (Facebook's /api/graphql/)


def html_error(status: int, kind: str, server: str = "nginx") -> Reply:
    """An nginx-style error page, as most sites' front servers send for 404/429/5xx."""
    title = f"{status} {HTTPStatus(status).phrase}"
    text = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
        f"<hr><center>{server}</center>\r\n</body>\r\n</html>\r\n"
    )
    return Reply(status, kind, text=text, content_type="text/html")


def html_failure(status: int, retry_after: int, server: str = "nginx") -> Reply:
    """An injected 403/429/5xx as a front server's HTML error page (429 with Retry-After)."""
    reply = html_error(status, "rate_limited" if status == 429 else "server_error", server=server)
    if status == 429:
        reply.headers["Retry-After"] = str(retry_after)
    return reply


def price_text(value: Any, symbol: str = " ₫", *, prefix: bool = False) -> Any:
    """123000 -> "123.000 ₫" (a price written for people, as a drifted layout sends it)."""
    if not isinstance(value, int):
        return value
    digits = f"{value:,}".replace(",", ".")
    return f"{symbol}{digits}" if prefix else f"{digits}{symbol}"


def is_api(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def route(source: ProductSource, settings: Settings, path: str, params: dict[str, str]) -> Reply:
    if path == "/api/v2/products":
        return listing(source, settings, params)
    if match := _DETAIL.match(path):
        return product_detail(source, match["id"])
    if match := _STORE.match(path):
        return store(source, settings, match["slug"], params)
    kind = "not_found" if is_api(path) else "other"
    return Reply(404, kind, error_body(404, f"No route for {path}"))


def _int(params: dict[str, str], key: str, default: int) -> int:
    try:
        return int(params.get(key, default))
    except ValueError:
        return default


def _page_and_limit(params: dict[str, str], default_limit: int, max_limit: int) -> tuple[int, int]:
    return max(1, _int(params, "page", 1)), min(max_limit, max(1, _int(params, "limit", default_limit)))


def listing(source: ProductSource, settings: Settings, params: dict[str, str]) -> Reply:
    q = params.get("q", "")
    raw_category = params.get("category", "")
    try:
        category = int(raw_category) if raw_category else None
    except ValueError:
        return Reply(400, "bad_request", error_body(400, f"category must be a number, got {raw_category!r}"))
    sort = params.get("sort", "default")
    page, limit = _page_and_limit(params, 40, settings.max_limit)
    results = source.query(q, category, sort)
    info = paging(results.total, page, limit, settings.paging_cap)
    products = results.page((page - 1) * limit, limit) if page <= info["last_page"] else []
    as_item = search_item if "q" in params else category_item
    items = [as_item(p, settings.seed) for p in products]
    echoed = {k: params[k] for k in ("q", "category", "sort") if k in params} | {"page": str(page)}
    kind = "search" if "q" in params else "category"
    return Reply(200, kind, listing_wrapper(items, info, echoed, sort, settings.seed))


def product_detail(source: ProductSource, raw_id: str) -> Reply:
    product = source.get(int(raw_id)) if raw_id.isdigit() else None
    if product is None:
        return Reply(404, "detail", error_body(404, "Product not found"))
    return Reply(200, "detail", detail(product, source.seller_slug(product)))


def store(source: ProductSource, settings: Settings, slug: str, params: dict[str, str]) -> Reply:
    seller_id = source.seller_id_for_slug(slug)
    if seller_id is None:
        return Reply(404, "seller_store", error_body(404, f"Store {slug} not found"))
    page, limit = _page_and_limit(params, 50, settings.store_max_limit)
    results = source.query(seller_id=seller_id, sort=params.get("sort", "default"))
    info = paging(results.total, page, limit, settings.paging_cap)
    products = results.page((page - 1) * limit, limit) if page <= info["last_page"] else []
    return Reply(
        200, "seller_store", {"data": [category_item(p, settings.seed) for p in products], "paging": info}
    )


# --- layout drift and bad items (applied to a built reply) ----------------------------------------------


def apply_drift(reply: Reply, drift: str) -> None:
    payload = reply.payload
    if not isinstance(payload, dict):
        return
    targets = payload["data"] if isinstance(payload.get("data"), list) else [payload]
    for item in targets:
        if drift == "rename_name" and "name" in item:
            item["product_name"] = item.pop("name")
        elif drift == "price_as_text":
            for key in ("price", "original_price", "list_price"):
                if key in item:
                    item[key] = price_text(item[key])
    if drift == "drop_paging":
        payload.pop("paging", None)


def inject_bad_items(reply: Reply) -> None:
    """On page 1 of a listing, add one item with a blank title and one priced "Liên hệ"."""
    if reply.status != 200 or reply.kind not in ("search", "category", "seller_store"):
        return
    data, page = reply.payload["data"], reply.payload["paging"]["current_page"]
    if page != 1 or not data:
        return
    blank, contact = dict(data[0]), dict(data[-1])
    blank.update(id=BAD_ITEM_IDS[0], name="   ")
    contact.update(id=BAD_ITEM_IDS[1], price="Liên hệ")
    data.insert(min(2, len(data)), blank)
    data.insert(min(5, len(data)), contact)


def failure(status: int, retry_after: int) -> Reply:
    if status == 403:
        return Reply(403, "forbidden", error_body(403, "Forbidden: missing x-guest-token header"))
    if status == 429:
        return Reply(429, "rate_limited", RATE_LIMIT_BODY, headers={"Retry-After": str(retry_after)})
    return Reply(500, "server_error", error_body(500, "Internal Server Error"))


TIKI = Site(
    name="tiki",
    route=route,
    is_api=is_api,
    failure=failure,
    apply_drift=apply_drift,
    inject_bad_items=inject_bad_items,
    drifts=("rename_name", "price_as_text", "drop_paging"),
    index_html=INDEX_HTML,
    robots_txt=ROBOTS_TXT,
    token_header="x-guest-token",
)
