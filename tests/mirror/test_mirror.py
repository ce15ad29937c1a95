"""The Tiki mirror over real HTTP: shapes and quirks, search, paging, detail, stores, synthetic mode."""

from __future__ import annotations

import http.client
import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest

from crawler.mirror import MirrorHandle, MirrorStartError, spawn_mirror_subprocess, start_mirror
from crawler.mirror import stop_mirror_subprocess as stop_subprocess
from crawler.mirror.synthetic import SYNTHETIC_BASE_ID
from tests.mirror.client import fetch, get_json

SEARCH_KEYS = {
    "id": int, "sku": str, "name": str, "url_key": str, "url_path": str, "availability": int,
    "seller_id": int, "seller_name": str, "brand_id": int, "brand_name": str, "price": int,
    "original_price": int, "discount": int, "discount_rate": int, "review_count": int,
    "category_ids": list, "primary_category_path": str, "primary_category_name": str, "thumbnail_url": str,
    "seller_product_id": int, "origin": str, "is_authentic": int, "tiki_verified": int, "tiki_hero": int,
    "is_from_official_store": bool, "is_top_brand": bool, "badges_new": list,
}  # fmt: skip
CATEGORY_KEYS = {
    "id": int, "name": str, "url_path": str, "brand_name": str, "short_description": str, "price": int,
    "list_price": int, "order_count": int, "inventory_status": str, "stock_item": dict, "seller_id": int,
    "primary_category_path": str, "seller_product_id": int,
}  # fmt: skip
DETAIL_KEYS = {
    "id": int, "master_id": int, "sku": str, "name": str, "url_key": str, "url_path": str, "short_url": str,
    "type": str, "short_description": str, "price": int, "list_price": int, "original_price": int,
    "discount": int, "discount_rate": int, "review_count": int, "favourite_count": int, "thumbnail_url": str,
    "inventory_status": str, "all_time_quantity_sold": int, "day_ago_created": int, "is_fresh": bool,
    "is_flower": bool, "is_gift_card": bool, "is_baby_milk": bool, "is_acoholic_drink": bool,
    "description": str, "images": list, "brand": dict, "current_seller": dict, "other_sellers": list,
    "specifications": list, "promitions": list, "stock_item": dict, "categories": dict, "breadcrumbs": list,
    "benefits": list, "return_and_exchange_policy": str, "warranty_info": list,
}  # fmt: skip


def products_url(mirror: MirrorHandle, **params: object) -> str:
    return f"{mirror.url}/api/v2/products?{urlencode(params)}"


def crawl(
    mirror: MirrorHandle, limit: int = 40, **params: object
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Every item of a listing, following paging.last_page; returns the items and the first paging."""
    first = get_json(products_url(mirror, page=1, limit=limit, **params))
    items = list(first["data"])
    for page in range(2, first["paging"]["last_page"] + 1):
        items += get_json(products_url(mirror, page=page, limit=limit, **params))["data"]
    return items, first["paging"]


def test_search_item_shape_and_quirks(mirror: MirrorHandle) -> None:
    body = get_json(products_url(mirror, q="nước hoa", limit=40, sort="top_seller", include="advertisement",
                                 aggregations=2, trackity_id="abc", src="c1595"))  # fmt: skip
    assert {"data", "paging", "sort_options", "filters", "widgets", "trace_id", "query_info"} <= set(body)
    assert body["query_info"]["params"] == {"q": "nước hoa", "sort": "top_seller", "page": "1"}
    assert [o["query_value"] for o in body["sort_options"] if o["selected"]] == ["top_seller"]
    for item in body["data"]:
        for key, kind in SEARCH_KEYS.items():
            assert isinstance(item[key], kind), (key, item[key])
        assert re.fullmatch(rf".+-p{item['id']}\.html\?spid={item['seller_product_id']}", item["url_path"])
        assert item["discount"] == item["original_price"] - item["price"]
        assert item["primary_category_path"].startswith("1/2/8322/")
        assert isinstance(item["rating_average"], int | float)
        if "quantity_sold" in item:
            assert item["quantity_sold"]["value"] > 0 and item["quantity_sold"]["text"].startswith("Đã bán ")
    sold = [i for i in body["data"] if "quantity_sold" in i]
    assert sold and [i["quantity_sold"]["value"] for i in sold] == sorted(
        (i["quantity_sold"]["value"] for i in sold), reverse=True
    )


def test_quantity_sold_absent_when_nothing_sold(mirror: MirrorHandle) -> None:
    items, _ = crawl(mirror, q="giày")
    unsold = [i for i in items if "quantity_sold" not in i]
    assert unsold, "the catalogue has unsold listings; their items must omit quantity_sold"
    detail = get_json(f"{mirror.url}/api/v2/products/{unsold[0]['id']}")
    assert detail["all_time_quantity_sold"] == 0 and detail["quantity_sold"] is None


def test_category_listing_uses_the_category_item_variant(mirror: MirrorHandle) -> None:
    body = get_json(products_url(mirror, category=1595, page=1, limit=40, urlKey="nuoc-hoa"))
    assert body["data"] and body["query_info"]["params"] == {"category": "1595", "page": "1"}
    for item in body["data"]:
        for key, kind in CATEGORY_KEYS.items():
            assert isinstance(item[key], kind), (key, item[key])
        assert item["seller"] is None and "origin" not in item and "seller_name" not in item
        assert set(item["stock_item"]) == {"qty", "min_sale_qty", "max_sale_qty", "preorder_date"}
        assert "/1595" in item["primary_category_path"]


def test_root_category_lists_the_whole_catalogue(mirror: MirrorHandle) -> None:
    items, paging = crawl(mirror, category=8322)
    ids = [i["id"] for i in items]
    assert len(ids) == len(set(ids)) == paging["total"] == len(mirror.server.source)
    assert paging["total_text"] == str(len(ids)) and paging["per_page"] == 40


@pytest.mark.parametrize("sort", ["default", "top_seller", "newest", "price,asc", "price,desc"])
@pytest.mark.parametrize("query", [{"q": "mỹ phẩm"}, {"q": "giày"}, {"category": 1520}])
def test_pagination_covers_every_match_once(mirror: MirrorHandle, sort: str, query: dict[str, Any]) -> None:
    items, paging = crawl(mirror, limit=17, sort=sort, **query)
    ids = [i["id"] for i in items]
    assert paging["last_page"] > 1 and len(ids) == len(set(ids)) == paging["total"]
    prices = [i["price"] for i in items]
    if sort == "price,asc":
        assert prices == sorted(prices)
    if sort == "price,desc":
        assert prices == sorted(prices, reverse=True)


def test_paging_fields_and_page_beyond_last(mirror: MirrorHandle) -> None:
    first = get_json(products_url(mirror, q="giày", page=2, limit=20))["paging"]
    assert (first["current_page"], first["from"], first["to"]) == (2, 21, 40)
    beyond = get_json(products_url(mirror, q="giày", page=first["last_page"] + 1, limit=20))
    assert beyond["data"] == [] and beyond["paging"]["from"] is None


def test_search_without_hits(mirror: MirrorHandle) -> None:
    body = get_json(products_url(mirror, q="xyzzy khong co dau"))
    assert body["data"] == []
    assert body["paging"] == {"total": 0, "total_text": "0", "per_page": 40, "current_page": 1,
                              "last_page": 1, "from": None, "to": None}  # fmt: skip


@pytest.mark.parametrize(
    ("accented", "plain"),
    [("nước hoa", "nuoc hoa"), ("NƯỚC HOA", "nuoc hoa"), ("đồng hồ", "dong ho"), ("thuốc lá", "THUOC LA"),
     ("Thực phẩm chức năng", "thuc pham chuc nang")],
)  # fmt: skip
def test_search_ignores_diacritics_and_case(mirror: MirrorHandle, accented: str, plain: str) -> None:
    a, _ = crawl(mirror, q=accented)
    b, _ = crawl(mirror, q=plain)
    assert a and {i["id"] for i in a} == {i["id"] for i in b}


def test_search_finds_titles_written_without_diacritics(mirror: MirrorHandle) -> None:
    names = [i["name"] for i in crawl(mirror, q="thuốc lá")[0]]
    assert "Thuoc la Hero do cay 10 goi ship toan quoc" in names


def test_limit_is_capped_like_tiki(mirror: MirrorHandle) -> None:
    body = get_json(products_url(mirror, category=8322, limit=500))
    assert body["paging"]["per_page"] == 40 and len(body["data"]) == 40


def test_demo_labels_are_never_served(mirror: MirrorHandle) -> None:
    items, _ = crawl(mirror, category=8322)
    for item in items[::7] + [i for i in items if i["id"] >= 275_000_000]:
        detail = fetch(f"{mirror.url}/api/v2/products/{item['id']}")
        assert b"_demo_labels" not in detail.body and b"labels" not in detail.body
    assert all("_demo_labels" not in i for i in items)


def test_detail_shape_and_regulatory_fields(mirror: MirrorHandle) -> None:
    listing = get_json(products_url(mirror, q="sữa bột", limit=40))["data"]
    details = [
        get_json(f"{mirror.url}/api/v2/products/{i['id']}?platform=web&spid=1&version=3") for i in listing
    ]
    for d in details:
        for key, kind in DETAIL_KEYS.items():
            assert isinstance(d[key], kind), (key, d[key])
        assert d["specifications"][0]["name"] == "Content"
        attributes = {a["code"]: a for a in d["specifications"][0]["attributes"]}
        assert attributes["origin"]["name"] == "Xuất xứ (Made in)"
        assert attributes["brand_country"]["name"] == "Xuất xứ thương hiệu"
        assert {"base_url", "large_url", "medium_url", "small_url", "thumbnail_url", "is_gallery"} <= set(
            d["images"][0]
        )
        assert {
            "id",
            "sku",
            "name",
            "link",
            "logo",
            "price",
            "product_id",
            "store_id",
            "is_best_store",
        } <= set(d["current_seller"])
        assert d["breadcrumbs"][-1]["category_id"] == 0 and d["categories"]["is_leaf"] is True
        assert any("hoàn tiền 200%" in b["text"] and "hàng giả" in b["text"] for b in d["benefits"])
    milk = [d for d in details if d["categories"]["id"] == 2550]
    assert any(d["is_baby_milk"] for d in milk) and not any(d["is_acoholic_drink"] for d in details)
    expiring = [
        d for d in milk if any(a["code"] == "expiry_time" for a in d["specifications"][0]["attributes"])
    ]
    assert expiring == milk


@pytest.mark.parametrize(
    ("query", "code", "value"),
    [("Sữa Ensure Úc 850g HSD 03/2024", "expiry_time", "03/2024"),
     ("Túi LV Neverfull MM rep 1:1", "origin", "Trung Quốc"),
     ("Rượu Chivas 18 Duty Free", "alcohol_content", "40%")],
)  # fmt: skip
def test_hand_written_violations_show_in_specifications(
    mirror: MirrorHandle, query: str, code: str, value: str
) -> None:
    item = get_json(products_url(mirror, q=query))["data"][0]
    detail = get_json(f"{mirror.url}/api/v2/products/{item['id']}")
    assert {"code": code, "value": value}.items() <= next(
        a for a in detail["specifications"][0]["attributes"] if a["code"] == code
    ).items()
    if code == "alcohol_content":
        assert detail["is_acoholic_drink"] is True


@pytest.mark.parametrize(
    "path", ["/api/v2/products/123", "/api/v2/products/abc", "/api/v2/products/999999999"]
)
def test_unknown_product_is_a_tiki_404(mirror: MirrorHandle, path: str) -> None:
    response = fetch(mirror.url + path)
    assert response.status == 404 and response.json() == {
        "error": {"code": 404, "message": "Product not found"}
    }


def test_detail_alias_on_the_api_host(mirror: MirrorHandle) -> None:
    pid = get_json(products_url(mirror, q="giày"))["data"][0]["id"]
    assert get_json(f"{mirror.url}/product-detail/api/v1/products/{pid}")["id"] == pid


@pytest.mark.parametrize("prefix", ["/api/v2", "/v2"])
def test_seller_store_lists_the_sellers_products(mirror: MirrorHandle, prefix: str) -> None:
    vape = get_json(products_url(mirror, q="vape"))["data"][0]
    slug = get_json(f"{mirror.url}/api/v2/products/{vape['id']}")["current_seller"]["link"].rsplit("/", 1)[1]
    pages = [
        get_json(f"{mirror.url}{prefix}/seller/stores/{slug}/products?limit=3&page={n}") for n in (1, 2, 3, 4)
    ]
    items = [i for p in pages for i in p["data"]]
    assert pages[0]["paging"]["total"] == len(items) == len({i["id"] for i in items}) > 3
    assert {i["seller_id"] for i in items} == {vape["seller_id"]} and all(i["seller"] is None for i in items)
    assert fetch(f"{mirror.url}{prefix}/seller/stores/no-such-shop/products").status == 404


def test_index_and_robots(mirror: MirrorHandle) -> None:
    index = fetch(mirror.url + "/")
    assert index.status == 200 and index.headers["Content-Type"].startswith("text/html")
    assert b"/api/v2/products" in index.body and b"/__control" in index.body
    robots = fetch(mirror.url + "/robots.txt")
    assert robots.status == 200 and b"User-agent: *" in robots.body and b"Disallow: /api" not in robots.body


def test_default_order_depends_on_seed_only() -> None:
    orders = []
    for seed in (1, 1, 2):
        with start_mirror(seed=seed) as m:
            orders.append([i["id"] for i in get_json(products_url(m, category=8322))["data"]])
    assert orders[0] == orders[1] != orders[2]


def test_unknown_option_is_rejected() -> None:
    with pytest.raises(TypeError, match="fail_428"):
        start_mirror(fail_428=1)


# --- synthetic mode ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "total", "text", "last_page"), [(12_000, 2000, "10000+", 50), (5000, 2000, "5000", 50)]
)
def test_synthetic_paging_total_is_capped(n: int, total: int, text: str, last_page: int) -> None:
    with start_mirror(synthetic=n) as m:
        paging = get_json(products_url(m, category=8322, limit=40))["paging"]
        assert (paging["total"], paging["total_text"], paging["last_page"]) == (total, text, last_page)
        assert get_json(products_url(m, category=8322, page=last_page + 1))["data"] == []


def test_synthetic_listings_are_lazy_deterministic_and_complete() -> None:
    with (
        start_mirror(synthetic=3000, paging_cap=0, seed=5) as m,
        start_mirror(synthetic=3000, seed=5) as twin,
    ):
        items, paging = crawl(m, category=8322)
        ids = [i["id"] for i in items]
        assert paging["total"] == 3000 and sorted(ids) == list(
            range(SYNTHETIC_BASE_ID, SYNTHETIC_BASE_ID + 3000)
        )
        assert len({i["name"] for i in items}) > 2000
        detail = get_json(f"{m.url}/api/v2/products/{ids[-1]}")
        assert detail == get_json(f"{twin.url}/api/v2/products/{ids[-1]}")
        assert fetch(f"{m.url}/api/v2/products/{SYNTHETIC_BASE_ID + 3000}").status == 404
        perfume, perfume_paging = crawl(m, q="nuoc hoa")
        assert len(perfume) == perfume_paging["total"] > 200
        assert len({i["id"] for i in perfume}) == len(perfume)


# --- subprocess --------------------------------------------------------------------------------------------


def test_subprocess_prints_url_serves_and_exits_cleanly_on_sigterm() -> None:
    proc, url = spawn_mirror_subprocess("--seed", "3", "--fail-429", "1")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        assert fetch(url + "/api/v2/products?q=giay").status == 429
        assert get_json(url + "/api/v2/products?q=giay")["data"]
        assert fetch(url + "/__control", data={"drift": "rename_name"}).status == 200
        assert "product_name" in get_json(url + "/api/v2/products?q=giay")["data"][0]
    finally:
        assert stop_subprocess(proc) == 0


def test_subprocess_start_failure_is_reported_clearly() -> None:
    with pytest.raises(
        MirrorStartError, match=r"--drift sideways\) did not print MIRROR_URL=…; it exited with code 2"
    ):
        spawn_mirror_subprocess("--drift", "sideways", timeout=20)


def test_post_to_an_api_path_is_refused_and_the_connection_stays_usable(mirror: MirrorHandle) -> None:
    host, port = mirror.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(
            "POST", "/api/v2/products", body=b'{"q": "giay"}', headers={"Content-Type": "application/json"}
        )
        refused = conn.getresponse()
        assert refused.status == 405 and refused.read()
        conn.request("GET", "/api/v2/products?q=giay")  # same keep-alive connection
        again = conn.getresponse()
        assert again.status == 200 and json.loads(again.read())["data"]
    finally:
        conn.close()
