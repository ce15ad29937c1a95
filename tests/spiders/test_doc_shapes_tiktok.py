"""TikTok Shop URLs and pages as marketplaces.md §5 documents them, over real HTTP."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.spiders.crawl_helpers import crawl, db_counts
from tests.spiders.doc_server import Answer, serve

PRODUCT_ID = "1729000000000000042"


def product_html(sold: object = 1234) -> bytes:
    """A product page: ``__MODERN_ROUTER_DATA__`` with §5's productInfo (``desc_detail`` double-encoded)."""
    desc = json.dumps(
        [{"type": "text", "text": "Pod dùng một lần 5000 hơi, hàng xách tay"}], ensure_ascii=False
    )
    data = {"loaderData": {"(view)/product/(id)/page": {"initialData": {"productInfo": {
        "product_base": {"title": "Pod Vape 5000 hơi nội địa Trung", "desc_detail": desc,
                         "images": [{"thumb_url_list": ["https://p16-oec-va.ibyteimg.com/a.jpg"]}],
                         "specifications": [{"name": "Xuất xứ", "value": "Trung Quốc"}], "sold_count": sold,
                         "price": {"original_price": "250.000", "real_price": "175.000", "discount": "30%",
                                   "currency": "VND", "currency_symbol": "₫"}},
        "seller": {"seller_id": "7494000000000001", "name": "Vape Store HN", "seller_location": "Hà Nội",
                   "avatar": {"url_list": []}, "link": "https://www.tiktok.com/shop/store/vape-store-hn/7494000000000001"},
    }}}}}  # fmt: skip
    script = json.dumps(data, ensure_ascii=False)
    return f'<html><head><script id="__MODERN_ROUTER_DATA__" type="application/json">{script}</script></head><body></body></html>'.encode()


def test_share_link_is_followed_to_the_product_page(sqlite_url: str) -> None:
    """§5: ``tiktok.com/t/…`` share links redirect to the product page on the real host; the redirect is
    followed on the configured base (a mirror here), not on the internet, and the product is stored."""
    short = Answer(
        302, b"", "text/html", {"Location": f"https://www.tiktok.com/view/product/{PRODUCT_ID}?_r=1&u_code=x"}
    )
    page = Answer(200, product_html(), "text/html; charset=utf-8")
    with serve({"/t/ZSabc123/": short, f"/view/product/{PRODUCT_ID}": page}) as server:
        [stats] = crawl(sqlite_url, "urls", "--arg", "url=https://www.tiktok.com/t/ZSabc123/",
                        "--arg", f"site_urls=tiktok={server.url}")  # fmt: skip
        asked = list(server.requests)
    assert db_counts(sqlite_url)["ids"] == {PRODUCT_ID}, (stats, asked)
    assert stats["ecomwatch/urls/short_link_resolved"] == 1
    assert asked == ["/t/ZSabc123/", f"/view/product/{PRODUCT_ID}"]


def test_sold_count_as_displayed_text_keeps_the_product(sqlite_url: str) -> None:
    """§5 gives ``sold_count`` as a number; a page that sends what it displays ("1.2K") must not get the
    whole product refused by validation."""
    page = Answer(200, product_html(sold="1.2K"), "text/html; charset=utf-8")
    with serve({f"/view/product/{PRODUCT_ID}": page}) as server:
        [stats] = crawl(sqlite_url, "tiktok", "--base-url", server.url, "--arg", f"product={PRODUCT_ID}")
    assert stats.get("ecomwatch/items/invalid", 0) == 0, stats
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(select(Listing.external_id, Listing.sold_count, Listing.price)).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(PRODUCT_ID, 1200, 175000)]
