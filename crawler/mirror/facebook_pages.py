"""Facebook public Pages in the mirror: a shop's Page timeline, rendered by JavaScript, more posts on scroll.

  GET  /{page}/          HTML; the first POSTS_PER_LOAD posts are embedded as ``<script type="application/json">``
       (``require[0][3][0].__bbox.require[0][3][1].__bbox.result.data.node.timeline_feed_units``) and rendered
       by ``/static/fb-page.js`` as ``<div role="article" data-post-id=…>``; scrolling to the bottom POSTs
       ``/api/graphql/`` (``doc_id`` = PAGE_DOC_ID, ``variables`` = ``{"id": page, "cursor": …}``).
  POST /api/graphql/     a *stream* like the real one: ``for (;;);`` then newline-separated JSON objects — the
       first with half the posts and ``page_info``, then one streamed edge per remaining post
       (``{"label": "…$stream$…", "path": […], "data": {"node": post}}``), then ``{"extensions": {"is_final": true}}``.
Post nodes use facebook-scraper's post keys (marketplaces.md §6); prices are free text ("1tr2", "350k",
"1.200.000đ", "giá ib") and most posts give a phone or Zalo number. The ``bad_items`` fault cuts the first
streamed edge of every timeline answer in half (a malformed object: the client must keep the others).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from crawler.mirror.catalogue import Product, ProductSource
from crawler.mirror.text import stable_hex, stable_int

PAGE_DOC_ID = "8713269545408412"
POSTS_PER_PAGE = 30  # posts on a Page's timeline
POSTS_PER_LOAD = 10  # embedded, then per scroll
PAGE_JS_PATH = "/static/fb-page.js"
STREAM_LABEL = "ProfileCometTimelineFeed_user$stream$timeline_feed_units"
#: first path segments that are not Pages
RESERVED = frozenset(
    {
        "marketplace",
        "groups",
        "api",
        "static",
        "login",
        "profile.php",
        "index.html",
        "robots.txt",
        "favicon.ico",
    }
)
PAGE_PATH = re.compile(r"^/(?P<page>[A-Za-z0-9.]{3,50})/?$")
_EPOCH = datetime(2026, 11, 1, tzinfo=UTC)


def is_page(path: str) -> bool:
    match = PAGE_PATH.match(path)
    return bool(match) and match["page"].lower() not in RESERVED


def page_name(slug: str) -> str:
    return f"Shop {slug.replace('.', ' ').title()}"


def page_id(slug: str) -> str:
    return str(100_000_000_000_000 + stable_int("fbpageid", slug, modulo=10**12))


def posts_of(source: ProductSource, slug: str) -> list[Product]:
    return source.query("", None, "default").page(stable_int("fbpage", slug, modulo=300), POSTS_PER_PAGE)


def contact(product: Product) -> str:
    """How shops leave a number in the post text (phone, Zalo) — or only the inbox."""
    digits = f"{stable_int('fbphone', product.id, modulo=10**8):08d}"
    phone = f"09{digits[:2]} {digits[2:5]} {digits[5:]}"
    style = stable_int("fbcontact", product.id, modulo=3)
    return (f"Liên hệ Zalo {phone}.", f"Hotline/Zalo: {phone.replace(' ', '.')}.", "Inbox page để đặt hàng.")[
        style
    ]


def post_text(product: Product) -> str:
    from crawler.mirror.facebook import free_text_price  # the same price styles as group posts

    return f"{product.name}. Giá: {free_text_price(product)}. {contact(product)}"


def post_node(slug: str, product: Product) -> dict[str, Any]:
    from crawler.mirror.facebook import listing_id

    post_id = listing_id(product)
    when = _EPOCH.timestamp() - stable_int("fbtime", product.id, modulo=30 * 86400)
    text = post_text(product)
    return {
        "__typename": "Story", "post_id": post_id, "text": text, "post_text": text, "shared_text": "",
        "time": datetime.fromtimestamp(when, UTC).isoformat(), "timestamp": int(when),
        "images": [f"https://scontent.xx.fbcdn.net/v/{stable_hex('fbpost', product.id)}.jpg"],
        "likes": stable_int("fblikes", product.id, modulo=500), "comments": stable_int("fbcmt", product.id, modulo=80),
        "shares": stable_int("fbshare", product.id, modulo=20), "post_url": f"/{slug}/posts/{post_id}/",
        "username": page_name(slug), "user_id": page_id(slug), "user_url": f"/{slug}/",
    }  # fmt: skip


def timeline(source: ProductSource, slug: str, cursor: str | None) -> dict[str, Any]:
    posts = posts_of(source, slug)
    offset = int(cursor) if cursor and cursor.isdigit() else 0
    chunk = posts[offset : offset + POSTS_PER_LOAD]
    end = offset + len(chunk)
    more = end < len(posts)
    return {
        "edges": [{"node": post_node(slug, p), "cursor": str(offset + i + 1)} for i, p in enumerate(chunk)],
        "page_info": {"has_next_page": more, "end_cursor": str(end) if more else None},
    }


def node(source: ProductSource, slug: str, cursor: str | None) -> dict[str, Any]:
    return {"__typename": "Page", "id": page_id(slug), "name": page_name(slug),
            "timeline_feed_units": timeline(source, slug, cursor)}  # fmt: skip


def page_model(source: ProductSource, slug: str) -> dict[str, Any]:
    from crawler.mirror.facebook import embedded

    return {
        "page": slug,
        "name": page_name(slug),
        "blob": embedded({"data": {"node": node(source, slug, None)}}),
    }


def render_page(model: dict[str, Any]) -> str:
    from crawler.mirror.facebook import _script_json

    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{_escape(model['name'])} | Facebook</title><style>[role=article]{{display:block;min-height:120px}}</style>"
        f'<script type="application/json" data-sjs>{_script_json(model["blob"])}</script>'
        f"<script>window.__ECW_PAGE = {_script_json(model['page'])};</script>"
        f'<script src="{PAGE_JS_PATH}" defer></script></head>'
        '<body><div role="feed" id="timeline"></div></body></html>'
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def timeline_stream(source: ProductSource, slug: str, cursor: str | None) -> list[Any]:
    """The objects of one timeline answer: half the edges, then the rest streamed one by one."""
    whole = node(source, slug, cursor)
    edges = whole["timeline_feed_units"]["edges"]
    half = (len(edges) + 1) // 2
    whole["timeline_feed_units"]["edges"] = edges[:half]
    streamed = [
        {"label": STREAM_LABEL, "path": ["node", "timeline_feed_units", "edges", half + i], "data": edge}
        for i, edge in enumerate(edges[half:])
    ]
    return [{"data": {"node": whole}}, *streamed, {"extensions": {"is_final": True}}]


def render_stream(objects: list[Any]) -> str:
    """``for (;;);`` + one JSON object a line; a ``str`` entry is sent as it is (a malformed object)."""
    lines = [o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objects]
    return "for (;;);" + "\n".join(lines)


def cut_first_streamed(objects: list[Any]) -> None:
    """The ``bad_items`` fault: the first streamed edge arrives cut in half."""
    for i, obj in enumerate(objects):
        if isinstance(obj, dict) and obj.get("label") == STREAM_LABEL:
            text = json.dumps(obj, ensure_ascii=False)
            objects[i] = text[: len(text) // 2]
            return


PAGE_JS = r"""(function () {
  "use strict";
  var feed = document.getElementById("timeline"), loading = false, cursor = null, hasNext = false;
  function esc(s) { return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"); }
  function add(p) {
    var div = document.createElement("div");
    div.innerHTML = '<div role="article" data-post-id="' + esc(p.post_id) + '"><h3><a href="' + esc(p.user_url) + '">' +
      esc(p.username) + '</a></h3><div data-ad-preview="message">' + esc(p.text) + '</div><a href="' + esc(p.post_url) +
      '">' + esc(p.time) + '</a></div>';
    feed.appendChild(div.firstChild);
  }
  function units(u) {
    u.edges.forEach(function (e) { add(e.node); });
    cursor = u.page_info.end_cursor; hasNext = u.page_info.has_next_page;
    document.body.setAttribute("data-state", hasNext ? "more" : "end");
  }
  var blob = JSON.parse(document.querySelector("script[data-sjs]").textContent);
  units(blob.require[0][3][0].__bbox.require[0][3][1].__bbox.result.data.node.timeline_feed_units);
  function stream(text) {
    text.replace(/^for \(;;\);/, "").split("\n").forEach(function (line) {
      var o; try { o = JSON.parse(line); } catch (err) { return; }
      if (o.data && o.data.node && o.data.node.timeline_feed_units) { units(o.data.node.timeline_feed_units); }
      else if (o.label && o.data && o.data.node) { add(o.data.node); }
    });
  }
  function more() {
    if (loading || !hasNext || window.innerHeight + window.scrollY < document.body.scrollHeight - 50) return;
    loading = true;
    var form = "doc_id=%(doc_id)s&fb_api_req_friendly_name=ProfileCometTimelineFeedRefetchQuery&variables=" +
      encodeURIComponent(JSON.stringify({count: %(count)d, cursor: cursor, id: window.__ECW_PAGE}));
    fetch("/api/graphql/", {method: "POST", credentials: "same-origin", body: form,
      headers: {"content-type": "application/x-www-form-urlencoded"}}).then(function (r) { return r.text(); })
      .then(function (t) { loading = false; stream(t); })
      .catch(function () { loading = false; document.body.setAttribute("data-state", "error"); });
  }
  window.addEventListener("scroll", more);
})();
""" % {"doc_id": PAGE_DOC_ID, "count": POSTS_PER_LOAD}  # noqa: UP031 - JS braces
