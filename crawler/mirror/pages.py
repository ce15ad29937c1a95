"""The two non-API pages the mirror serves: a small HTML index and ``robots.txt``.

``robots.txt`` follows the spirit of tiki.vn's (account, cart and checkout pages disallowed) and does
not disallow ``/api/``, so a spider that obeys robots.txt can still crawl the mirror.
"""

from __future__ import annotations

INDEX_HTML = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>ecomwatch demo marketplace (Tiki mirror)</title></head>
<body>
<h1>ecomwatch demo marketplace — Tiki mirror</h1>
<p>A local stand-in for tiki.vn's JSON API, for tests and <code>ecomwatch demo</code>. No real shop.</p>
<h2>Tiki endpoints</h2>
<ul>
<li><a href="/api/v2/products?q=n%C6%B0%E1%BB%9Bc+hoa&amp;page=1&amp;limit=40&amp;sort=top_seller">
GET /api/v2/products?q=KW&amp;page=N&amp;limit=40&amp;sort=default|top_seller|newest|price,asc|price,desc</a></li>
<li><a href="/api/v2/products?category=8322&amp;page=1&amp;limit=40">GET /api/v2/products?category=ID&amp;page=N</a>
(8322 = every listing)</li>
<li>GET /api/v2/products/{id} (also /product-detail/api/v1/products/{id})</li>
<li>GET /api/v2/seller/stores/{seller_slug}/products?limit=50&amp;page=N (also /v2/seller/stores/…)</li>
</ul>
<h2>Test controls</h2>
<ul>
<li>POST /__control with a JSON object, e.g. <code>{"fail_429": 3}</code>, <code>{"fail_500": 1}</code>,
<code>{"truncate": 2}</code>, <code>{"slow_ms": 2000, "slow_count": 1}</code>,
<code>{"drift": "rename_name"}</code> (or price_as_text, drop_paging), <code>{"bad_items": true}</code>,
<code>{"require_guest_token": true}</code>, <code>{"reset": true}</code></li>
<li><a href="/__stats">GET /__stats</a> — requests served per kind, statuses, injected faults</li>
</ul>
</body></html>
"""

ROBOTS_TXT = """User-agent: *
Disallow: /checkout/
Disallow: /customer/
Disallow: /sales/
Disallow: /cart
Disallow: /__control
Allow: /

Sitemap: https://tiki.vn/sitemap.xml
"""
