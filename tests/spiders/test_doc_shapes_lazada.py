"""Lazada shapes and checks marketplaces.md §2 and §9 document that the bundled mirror does not serve,
over real HTTP."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.spiders.crawl_helpers import crawl, db_counts
from tests.spiders.doc_server import Answer, Asked, answer_json, serve

TOKEN = "e3b0c44298fc1c14"
PUNISH = {  # what an XHR gets instead of results when Lazada distrusts it (the slider captcha's JSON)
    "ret": ["FAIL_SYS_USER_VALIDATE", "RGV587_ERROR::SM::哎哟喂,被挤爆啦,请稍后重试"],
    "data": {"url": "https://www.lazada.vn/catalog/_____tmd_____/punish?x5secdata=abc"},
}


def list_item(item_id: int, **fields: object) -> dict:
    """A ``mods.listItems`` element with §2.2's fields: numbers as strings, protocol-relative URLs."""
    item = {
        "name": f"Áo Polo Thể Thao Nam AVIANO {item_id}", "nid": str(item_id), "itemId": str(item_id),
        "skuId": str(item_id * 10), "image": "//img.lazcdn.com/p/a.jpg", "price": "199000",
        "priceShow": "₫199.000", "originalPrice": "398000", "discount": "-50%", "ratingScore": "4.7031",
        "review": "283", "itemSoldCntShow": "1.2k đã bán", "inStock": True, "location": "Hà Nội",
        "sellerName": "AVIANO Official", "sellerId": "1000123", "brandName": "No Brand",
        "itemUrl": f"//www.lazada.vn/products/ao-polo-aviano-i{item_id}-s{item_id * 10}.html?search=1",
        "description": ["Chất liệu cotton", "Form regular"],
    }  # fmt: skip
    return item | fields


def catalog(items: list[dict], *, no_more: bool = True) -> dict:
    return {
        "mainInfo": {"totalResults": str(len(items)), "pageSize": "40", "page": "1", "noMorePages": no_more,
                     "dataLayer": {"page": {"resultNr": len(items)}}},
        "mods": {"filter": {"filteredQuatity": len(items)}, "listItems": items},
    }  # fmt: skip


def test_csrf_token_from_the_session_cookie_is_sent(sqlite_url: str) -> None:
    """§2.4/§9: the catalog XHR must carry ``x-csrf-token`` = the ``_tb_token_`` cookie the site set;
    a mirror may enforce it and answer the punish JSON otherwise."""
    home = Answer(200, b"<html><body>Lazada</body></html>", "text/html; charset=utf-8",
                  {"Set-Cookie": f"_tb_token_={TOKEN}; Path=/; Domain=127.0.0.1"})  # fmt: skip
    seen: list[str | None] = []

    def catalog_page(asked: Asked) -> Answer:
        token = asked.headers.get("x-csrf-token")
        seen.append(token)
        if token != TOKEN:
            return answer_json(PUNISH)
        return answer_json(catalog([list_item(2374522833), list_item(2374522834)]))

    with serve({"/": home, "/catalog/": catalog_page}) as server:
        [stats] = crawl(sqlite_url, "lazada", "--base-url", server.url, "--query", "áo polo", "--no-details")
    assert db_counts(sqlite_url)["ids"] == {"2374522833", "2374522834"}
    assert stats.get("ecomwatch/blocks", 0) == 0, stats
    assert seen == [TOKEN]


def test_price_missing_falls_back_to_the_displayed_price(sqlite_url: str) -> None:
    """§2.2: ``price`` is a string of digits, ``priceShow`` the displayed "₫199.000"; an item without
    ``price`` keeps the displayed one instead of being stored without a price."""
    items = [list_item(11), list_item(12, price=None), list_item(13)]
    del items[2]["price"]
    with serve({"/catalog/": answer_json(catalog(items))}) as server:
        crawl(sqlite_url, "lazada", "--base-url", server.url, "--query", "áo polo", "--no-details")
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as session:
        prices = dict(session.execute(select(Listing.external_id, Listing.price)).all())
    engine.dispose()
    assert prices == {"11": 199000, "12": 199000, "13": 199000}, json.dumps(prices)


def test_page_past_the_end_without_list_items_ends_the_search(sqlite_url: str) -> None:
    """§2.1: stop on ``mainInfo.noMorePages`` or empty ``listItems``; a page past the end whose ``mods``
    leave ``listItems`` out (noMorePages true) is that end, not a malformed page retried and lost."""

    def catalog_page(asked: Asked) -> Answer:
        if asked.params.get("page") == "1":
            return answer_json(catalog([list_item(21), list_item(22)], no_more=False))
        return answer_json({"mainInfo": {"totalResults": "2", "pageSize": "40", "page": asked.params.get("page"),
                                         "noMorePages": True}, "mods": {"filter": {"filteredQuatity": 2}}})  # fmt: skip

    with serve({"/catalog/": catalog_page}) as server:
        [stats] = crawl(sqlite_url, "lazada", "--base-url", server.url, "--query", "áo polo", "--no-details")
    assert db_counts(sqlite_url)["ids"] == {"21", "22"}
    assert stats["ecomwatch/pages/search"] == 2, stats
    assert stats.get("ecomwatch/pages/malformed", 0) == 0 and stats.get("ecomwatch/pages/lost", 0) == 0


def test_a_page_cap_that_repeats_the_last_page_ends_the_search(sqlite_url: str) -> None:
    """§2.1: Lazada caps a query at about 100 pages; a site that answers every page past its cap with
    the last page again (noMorePages never true) must end the search there, not at max_pages."""

    def catalog_page(asked: Asked) -> Answer:
        page_no = min(int(asked.params.get("page", "1")), 2)  # pages past 2 repeat page 2
        return answer_json(
            catalog([list_item(page_no * 100 + 1), list_item(page_no * 100 + 2)], no_more=False)
        )

    with serve({"/catalog/": catalog_page}) as server:
        [stats] = crawl(sqlite_url, "lazada", "--base-url", server.url, "--query", "áo polo", "--no-details",
                        "--max-pages", "20")  # fmt: skip
        asked = [p for p in server.requests if p.startswith("/catalog/")]
    assert len(asked) == 3 and stats["ecomwatch/search/repeated_page"] == 1, (asked, stats)
    assert db_counts(sqlite_url)["ids"] == {"101", "102", "201", "202"}


def test_item_without_a_url_gets_the_documented_product_url(sqlite_url: str) -> None:
    """§2.1/§2.2: ``itemUrl``/``productUrl`` are "often" there; an item without either is stored with the
    documented product URL ``/products/{slug}-i{itemId}-s{skuId}.html`` instead of being refused."""
    item = list_item(2374522833)
    del item["itemUrl"]
    with serve({"/catalog/": answer_json(catalog([item]))}) as server:
        [stats] = crawl(sqlite_url, "lazada", "--base-url", server.url, "--query", "áo polo", "--no-details")
    assert stats.get("ecomwatch/items/invalid", 0) == 0, stats
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as session:
        urls = session.scalars(select(Listing.url)).all()
    engine.dispose()
    assert urls == [
        "https://www.lazada.vn/products/ao-polo-the-thao-nam-aviano-2374522833-i2374522833-s23745228330.html"
    ]
