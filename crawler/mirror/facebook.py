"""Facebook in the mirror: Marketplace search, group posts and public Pages, behind a login wall (§6).

  GET  /marketplace/{city}/search/?query=KW   HTML; page 1 of the feed is embedded as
       ``<script type="application/json">`` ``require[0][3][0].__bbox.require[0][3][1].__bbox.result``; the
       page's JS (``/static/fb.js``) POSTs ``/api/graphql/`` (``doc_id``, ``variables`` with the cursor) for
       the next page each time the page is scrolled to the bottom, and appends the listings.
  POST /api/graphql/                          ``{"data":{"marketplace_search":{"feed_units":{edges, page_info}}}}``
  GET  /groups/{id}/                          group posts (``<div role="article">``) with free-text prices
  GET  /{page}/ + POST /api/graphql/          a public Page's posts, rendered by JS, streamed on scroll
                                              (see :mod:`crawler.mirror.facebook_pages`)
  GET  /marketplace/item/{id}/                a listing's own page, its data in ``__bbox`` blobs; a removed
                                              listing (see :mod:`crawler.mirror.facebook_item`)
Every page and GraphQL call needs the logged-in cookies ``c_user`` and ``xs`` (an operator's storage state);
without them, or with the ``login_wall`` fault, the login wall is served (HTTP 200); the ``login_redirect``
fault sends the visitor to ``/login/?next=…`` instead (Facebook's login page).
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from urllib.parse import quote

from crawler.mirror import facebook_item as item
from crawler.mirror import facebook_pages as pages
from crawler.mirror.catalogue import Product, ProductSource
from crawler.mirror.routes import Reply, Settings, Site, html_error, html_failure
from crawler.mirror.text import stable_hex, stable_int

DOC_ID = "7111939778879383"
PAGE_SIZE = 24
MAX_PAGES = 20
JS_PATH = "/static/fb.js"
_SEARCH = re.compile(r"^/marketplace/(?P<city>[^/]+)/search/?$")
_GROUP = re.compile(r"^/groups/(?P<id>[^/]+)/?$")
_HTML = "text/html; charset=utf-8"
CITIES = (
    ("Hà Nội", "Hà Nội"),
    ("Quận 1", "TP. Hồ Chí Minh"),
    ("Rạch Giá", "Kiên Giang"),
    ("Đà Nẵng", "Đà Nẵng"),
)
POSTS_PER_GROUP = 12


def listing_id(product: Product) -> str:
    return str(300_000_000_000_000 + product.id)


def money(value: int) -> str:
    return f"{value:,}".replace(",", ".") + " ₫"


def edge(product: Product) -> dict[str, Any]:
    city, state = CITIES[stable_int("fbcity", product.id, modulo=len(CITIES))]
    return {"node": {
        "__typename": "MarketplaceFeedListingStoryObject", "story_key": stable_hex("fbstory", product.id, length=19),
        "listing": {
            "__typename": "GroupCommerceProductItem", "id": listing_id(product),
            "marketplace_listing_title": product.name, "custom_title": None,
            "listing_price": item.listing_price(product),
            "strikethrough_price": None, "is_pending": item.status(product) == "pending", "is_sold": False,
            "primary_listing_photo": {"image": {"uri": f"https://scontent.xx.fbcdn.net/v/{stable_hex('fbimg', product.id)}.jpg"}},
            "location": {"reverse_geocode": {"city": city, "state": state, "city_page": {"display_name": f"{city}, {state}"}}},
            "marketplace_listing_seller": {"__typename": "User", "name": product.seller_name,
                                           "id": str(100_000_000_000 + product.seller_id)},
            "custom_sub_titles_with_rendering_flags": [{"subtitle": city}],
        },
    }}  # fmt: skip


def feed(source: ProductSource, query: str, cursor: str | None) -> dict[str, Any]:
    results = source.query(query, None, "default")
    offset = int(cursor) if cursor and cursor.isdigit() else 0
    total = min(results.total, PAGE_SIZE * MAX_PAGES)
    products = results.page(offset, PAGE_SIZE) if offset < total else []
    end = offset + len(products)
    return {
        "edges": [edge(p) for p in products],
        "page_info": {"has_next_page": end < total, "end_cursor": str(end) if end < total else None},
    }


def search_data(source: ProductSource, query: str, cursor: str | None) -> dict[str, Any]:
    return {"data": {"marketplace_search": {"feed_units": feed(source, query, cursor)}},
            "extensions": {"is_final": True}}  # fmt: skip


def embedded(result: dict[str, Any]) -> dict[str, Any]:
    """The nesting of the real page: require[0][3][0].__bbox.require[0][3][1].__bbox.result."""
    inner = [
        "RelayPrefetchedStreamCache",
        "next",
        [],
        ["adp_MarketplaceSearchQueryRelayPreloader_0", {"__bbox": {"result": result}}],
    ]
    return {"require": [["ScheduledServerJS", "handle", None, [{"__bbox": {"require": [inner]}}]]]}


def _script_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False).replace("</", "<\\/")


def render_search(model: dict[str, Any]) -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Marketplace – Facebook</title></head>'
        '<body><div role="main"><div id="feed"></div></div>'
        f'<script type="application/json" data-sjs>{_script_json(model["blob"])}</script>'
        f"<script>window.__ECW_QUERY = {_script_json(model['query'])};</script>"
        f'<script src="{JS_PATH}" defer></script></body></html>'
    )


FB_JS = r"""(function () {
  "use strict";
  var feed = document.getElementById("feed"), loading = false, cursor = null, hasNext = false;
  function show(units) {
    units.edges.forEach(function (e) {
      var l = e.node.listing, a = document.createElement("a");
      a.href = "/marketplace/item/" + l.id + "/"; a.textContent = l.marketplace_listing_title + " – " + l.listing_price.formatted_amount;
      a.style.display = "block"; a.style.height = "120px"; feed.appendChild(a);
    });
    cursor = units.page_info.end_cursor; hasNext = units.page_info.has_next_page;
    document.body.setAttribute("data-state", hasNext ? "more" : "end");
  }
  var blob = JSON.parse(document.querySelector("script[data-sjs]").textContent);
  show(blob.require[0][3][0].__bbox.require[0][3][1].__bbox.result.data.marketplace_search.feed_units);
  function more() {
    if (loading || !hasNext || window.innerHeight + window.scrollY < document.body.scrollHeight - 50) return;
    loading = true;
    var variables = {count: 24, cursor: cursor, params: {bqf: {callsite: "COMMERCE_MKTPLACE_WWW", query: window.__ECW_QUERY},
      browse_request_params: {filter_radius_km: 16}, custom_request_params: {search_vertical: "C2C", surface: "SEARCH"}}};
    var form = "doc_id=%(doc_id)s&fb_api_req_friendly_name=MarketplaceSearchContentContainerQuery&variables=" +
      encodeURIComponent(JSON.stringify(variables));
    fetch("/api/graphql/", {method: "POST", credentials: "same-origin", body: form,
      headers: {"content-type": "application/x-www-form-urlencoded"}}).then(function (r) { return r.json(); })
      .then(function (d) { loading = false; if (d.data) { show(d.data.marketplace_search.feed_units); } })
      .catch(function () { loading = false; document.body.setAttribute("data-state", "error"); });
  }
  window.addEventListener("scroll", more);
})();
""" % {"doc_id": DOC_ID}  # noqa: UP031 - JS braces

LOGIN_WALL_HTML = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Facebook – log in or sign up</title></head>
<body><div id="login_form_container"><form id="login_form" action="/login/device-based/regular/login/" method="post">
<p>Bạn phải đăng nhập để tiếp tục.</p><input name="email"><input name="pass" type="password"></form></div></body></html>
"""

#: where a logged-out visitor is sent by the ``login_redirect`` fault: Facebook's own login page, with
#: none of the wall's wording (§6: "login-wall redirects for unauthenticated clients")
LOGIN_PAGE_HTML = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập Facebook</title></head>
<body><form action="/login/device-based/regular/login/?login_attempt=1" method="post">
<input type="text" name="email" placeholder="Email hoặc số điện thoại"><input type="password" name="pass">
<button name="login" type="submit">Đăng nhập</button></form></body></html>
"""


def free_text_price(product: Product) -> str:
    """The ways sellers write prices in posts: "1tr2", "350k", "1.200.000đ", or "giá ib" (ask in inbox)."""
    style = stable_int("fbprice", product.id, modulo=4)
    price = product.price
    if style == 0 and price >= 1_000_000:
        tenths = (price % 1_000_000) // 100_000
        return f"{price // 1_000_000}tr{tenths or ''}"
    if style in (0, 1):
        return f"{price // 1000}k"
    if style == 2:
        return f"{price:,}".replace(",", ".") + "đ"
    return "giá ib"


def render_group(group_id: str, products: list[Product]) -> str:
    articles = "".join(
        f'<div role="article" data-post-id="{listing_id(p)}"><h3><a href="/profile.php?id={100_000_000_000 + p.seller_id}">'
        f'{escape(p.seller_name)}</a></h3><div data-ad-preview="message">{escape(p.name)}. Giá: {free_text_price(p)}. '
        f"Inbox hoặc Zalo để đặt hàng.</div>"
        f'<a href="/groups/{group_id}/posts/{listing_id(p)}/">bài viết</a></div>'
        for p in products
    )
    return f'<!DOCTYPE html><html lang="vi"><body><div role="feed">{articles}</div></body></html>'


def route(source: ProductSource, settings: Settings, path: str, params: dict[str, str]) -> Reply:
    if path == JS_PATH:
        return Reply(200, "script", text=FB_JS, content_type="application/javascript; charset=utf-8")
    if path == pages.PAGE_JS_PATH:
        return Reply(200, "script", text=pages.PAGE_JS, content_type="application/javascript; charset=utf-8")
    if path == item.ITEM_JS_PATH:
        return Reply(200, "script", text=item.ITEM_JS, content_type="application/javascript; charset=utf-8")
    if match := item.ITEM_PATH.match(path):
        model = item.item_model(source, match["id"])
        kind = "item_page" if model["title"] else "item_removed"
        return Reply(200, kind, model, content_type=_HTML, render=item.render_item)
    if path == "/api/graphql/" and params.get("doc_id") == pages.PAGE_DOC_ID:
        return page_graphql(source, params)
    if path == "/api/graphql/":
        if params.get("doc_id") != DOC_ID:
            return Reply(200, "graphql", {"errors": [{"message": "PersistedQueryNotFound", "code": 1675030}]})
        try:
            variables = json.loads(params.get("variables") or "{}")
            query = variables["params"]["bqf"]["query"]
        except (ValueError, KeyError, TypeError):
            return Reply(200, "graphql", {"errors": [{"message": "Invalid variables", "code": 1675012}]})
        return Reply(200, "graphql", search_data(source, str(query), variables.get("cursor")))
    if _SEARCH.match(path):
        query = params.get("query", "")
        model = {"query": query, "blob": embedded(search_data(source, query, None))}
        return Reply(200, "search_page", model, content_type=_HTML, render=render_search)
    if match := _GROUP.match(path):
        group = match["id"]
        products = source.query("", None, "default").page(
            stable_int("fbgrp", group, modulo=300), POSTS_PER_GROUP
        )
        return Reply(200, "group_page", text=render_group(group, products), content_type=_HTML)
    if pages.is_page(path):
        slug = path.strip("/")
        return Reply(
            200, "page", pages.page_model(source, slug), content_type=_HTML, render=pages.render_page
        )
    if path == "/login/":
        return Reply(200, "login_page", text=LOGIN_PAGE_HTML, content_type=_HTML)
    if path.startswith("/static/"):
        return Reply(200, "static", text="", content_type="application/octet-stream")
    return html_error(404, "not_found")


def page_graphql(source: ProductSource, params: dict[str, str]) -> Reply:
    """A Page timeline answer: a ``for (;;);`` stream of JSON objects (text/html, like the real one)."""
    try:
        variables = json.loads(params.get("variables") or "{}")
        slug = str(variables["id"])
    except (ValueError, KeyError, TypeError):
        return Reply(200, "graphql", {"errors": [{"message": "Invalid variables", "code": 1675012}]})
    if not pages.is_page("/" + slug):
        return Reply(200, "graphql", {"errors": [{"message": "Page not found", "code": 1675004}]})
    objects = pages.timeline_stream(source, slug, variables.get("cursor"))
    return Reply(200, "page_graphql", objects, content_type=_HTML, render=pages.render_stream)


def is_api(path: str) -> bool:
    return (
        path == "/api/graphql/"
        or bool(_SEARCH.match(path) or _GROUP.match(path) or item.ITEM_PATH.match(path))
        or pages.is_page(path)
    )


def inject_bad_items(reply: Reply) -> None:
    """``bad_items``: a Page timeline answer's first streamed edge arrives cut in half."""
    if reply.kind == "page_graphql":
        pages.cut_first_streamed(reply.payload)


def guard(raw_path: str, headers: Any) -> Reply | None:
    """Logged-out visitors get the login wall (pages) or an error (GraphQL)."""
    cookies = headers.get("Cookie") or ""
    if "c_user=" in cookies and "xs=" in cookies:
        return None
    if raw_path.startswith("/api/graphql/"):
        return Reply(
            200, "login_required", {"errors": [{"message": "Please log in to continue.", "code": 1357001}]}
        )
    return Reply(200, "login_wall", text=LOGIN_WALL_HTML, content_type=_HTML)


def block(name: str, path: str, params: dict[str, str]) -> Reply:
    if name == "login_redirect":
        location = "/login/?next=" + quote(path, safe="")
        return Reply(302, "login_redirect", text="", content_type=_HTML, headers={"Location": location})
    return Reply(200, "login_wall", text=LOGIN_WALL_HTML, content_type=_HTML)


def _nothing(*_args: Any) -> None:
    return None


SITE = Site(
    name="facebook",
    route=route,
    is_api=is_api,
    failure=html_failure,
    apply_drift=_nothing,
    inject_bad_items=inject_bad_items,
    drifts=(),
    index_html=LOGIN_WALL_HTML,
    robots_txt="User-agent: *\nDisallow: /\n",
    blocks=("login_wall", "login_redirect"),
    blocks_for=lambda path, params: (
        frozenset() if path == "/api/graphql/" else frozenset({"login_wall", "login_redirect"})
    ),
    block=block,
    guard=guard,
    post_paths=("/api/graphql/",),
)
