"""The Lazada mirror over real HTTP: catalog JSON quirks, paging, product pages, block pages, faults."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from crawler.mirror import MirrorHandle, spawn_mirror_subprocess, start_mirror, stop_mirror_subprocess
from crawler.pages import lazada as page
from tests.mirror.client import Response, fetch, get_json

ITEM_STRINGS = ("name", "nid", "itemId", "skuId", "sku", "image", "price", "priceShow", "ratingScore", "review",
                "location", "sellerName", "sellerId", "brandName", "brandId", "itemUrl", "productUrl")  # fmt: skip


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch_no_redirect(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as resp:
            return resp.status, dict(resp.headers.items()), resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, dict(exc.headers.items()), exc.read()


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="lazada") as handle:
        yield handle


@pytest.fixture
def fresh() -> Iterator[MirrorHandle]:
    with start_mirror(source="lazada") as handle:
        yield handle


def catalog(mirror: MirrorHandle, q: str = "nước hoa", page_no: int = 1, **params: Any) -> Response:
    query = {"ajax": "true", "isFirstRequest": "true", "page": page_no, "q": q} | params
    return fetch(f"{mirror.url}/catalog/?{urlencode(query)}")


def every_item(mirror: MirrorHandle, path: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page_no in range(1, 200):
        body = get_json(f"{mirror.url}{path}?{urlencode({'ajax': 'true', 'page': page_no} | params)}")
        items += body["mods"]["listItems"]
        if body["mainInfo"]["noMorePages"]:
            return items
    raise AssertionError("noMorePages never came")


def product_path(item: dict[str, Any]) -> str:
    return urlsplit("https:" + item["itemUrl"]).path


def test_catalog_shape_and_quirks(mirror: MirrorHandle) -> None:
    body = catalog(mirror).json()
    info = body["mainInfo"]
    assert (info["totalResults"], info["pageSize"], info["page"], info["noMorePages"]) == (
        "52",
        "40",
        "1",
        False,
    )
    assert (
        info["dataLayer"]["page"]["resultNr"] == 52 and body["mods"]["filter"]["filteredQuatity"] == 52
    )  # sic
    for item in body["mods"]["listItems"]:
        for key in ITEM_STRINGS:
            assert isinstance(item[key], str), key
        assert re.fullmatch(r"\d+\.00", item["price"]) and item["priceShow"].startswith("₫")
        assert re.fullmatch(
            rf"//www\.lazada\.vn/products/[a-z0-9-]+-i{item['itemId']}-s{item['skuId']}\.html",
            item["itemUrl"],
        )
        assert item["productUrl"].startswith("//") and all(
            t["image"].startswith("//") for t in item["thumbs"]
        )
        assert ("originalPrice" in item) == ("discount" in item)
        assert item["review"] != "" or item["ratingScore"] == "0"
        assert isinstance(item["description"], list) and isinstance(item["inStock"], bool)
    items = body["mods"]["listItems"]
    assert any(i["brandName"] == "No Brand" for i in items)
    assert any(i.get("itemSoldCntShow", "").endswith("đã bán") for i in items)


def test_pages_end_with_no_more_pages(mirror: MirrorHandle) -> None:
    items = every_item(mirror, "/catalog/", q="nước hoa")
    assert len(items) == 52 == len({i["itemId"] for i in items})
    beyond = catalog(mirror, page_no=3).json()
    assert beyond["mods"]["listItems"] == [] and beyond["mainInfo"]["noMorePages"] is True


def test_category_slug_listing(mirror: MirrorHandle) -> None:
    items = every_item(mirror, "/nuoc-hoa/")
    assert len(items) == 47
    assert len(every_item(mirror, "/tat-ca-san-pham/")) > 400
    assert fetch(mirror.url + "/khong-co-danh-muc/?ajax=true&page=1").status == 404


def test_sort(mirror: MirrorHandle) -> None:
    prices = [float(i["price"]) for i in every_item(mirror, "/catalog/", q="giày", sort="priceasc")]
    assert prices == sorted(prices)
    prices = [
        float(i["price"]) for i in every_item(mirror, "/catalog/", q="giày", sort="price", order="DESC")
    ]
    assert prices == sorted(prices, reverse=True)


def test_page_cap_of_one_hundred() -> None:
    with start_mirror(source="lazada", synthetic=5000) as m:
        body = get_json(f"{m.url}/tat-ca-san-pham/?ajax=true&page=100")
        assert body["mainInfo"]["totalResults"] == "5000" and body["mainInfo"]["noMorePages"] is True
        assert get_json(f"{m.url}/tat-ca-san-pham/?ajax=true&page=101")["mods"]["listItems"] == []


def test_html_search_page_carries_page_data(mirror: MirrorHandle) -> None:
    response = fetch(f"{mirror.url}/catalog/?q=gi%C3%A0y&page=1")
    assert response.headers["Content-Type"].startswith("text/html")
    assert len(page.parse_catalog(response.body, expect_json=False).items) == 40


@pytest.mark.parametrize("query", ["nước hoa", "thuốc lá", "xách tay"])
def test_product_pages_read_back(mirror: MirrorHandle, query: str) -> None:
    forms = set()
    for item in catalog(mirror, query).json()["mods"]["listItems"][:15]:
        response = fetch(mirror.url + product_path(item))
        assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
        product = page.parse_product(response.body)
        assert product.json_ld is not None and product.fields is not None
        assert product.json_ld["name"] == item["name"] == product.fields["product"]["title"]
        assert product.fields["primaryKey"] == {
            "itemId": item["itemId"],
            "skuId": item["skuId"],
            "sellerId": item["sellerId"],
        }
        offers = product.json_ld["offers"]
        assert offers.get("price", offers.get("lowPrice")) == int(float(item["price"]))
        forms.add("app.run" if b"app.run(" in response.body else "__moduleData__")
    assert forms == {"app.run", "__moduleData__"}


def test_unknown_product_page_is_404(mirror: MirrorHandle) -> None:
    assert fetch(mirror.url + "/products/khong-co-i999-s1.html").status == 404


def test_captcha_for_xhr_and_for_page_loads(fresh: MirrorHandle) -> None:
    item = catalog(fresh).json()["mods"]["listItems"][0]
    fresh.control(captcha=2)
    xhr = catalog(fresh)
    assert xhr.status == 200 and xhr.json()["ret"][0] == "FAIL_SYS_USER_VALIDATE"
    assert "_____tmd_____/punish?x5secdata=" in xhr.json()["data"]["url"]
    status, headers, _ = fetch_no_redirect(fresh.url + product_path(item))
    assert status == 302 and headers["Location"].startswith("/catalog/_____tmd_____/punish?x5secdata=")
    punish = fetch(fresh.url + headers["Location"])  # the punish page itself is never faulted
    assert punish.status == 200 and b"nc_1_n1z" in punish.body
    with pytest.raises(page.Blocked):
        page.parse_product(punish.body)
    assert catalog(fresh).json()["mods"]["listItems"]
    assert fresh.stats()["injected"] == {"captcha": 2}


def test_redirects_to_fresh_punish_urls(fresh: MirrorHandle) -> None:
    fresh.control(captcha=2)
    item_path = "/products/x-i275000001-s1.html"
    locations = {fetch_no_redirect(fresh.url + item_path)[1]["Location"] for _ in range(2)}
    assert len(locations) == 2


def test_silent_empty_only_hits_searches(fresh: MirrorHandle) -> None:
    item = catalog(fresh).json()["mods"]["listItems"][0]
    fresh.control(silent_empty=1)
    assert fetch(fresh.url + product_path(item)).status == 200  # a product page does not consume it
    blocked = catalog(fresh)
    assert blocked.status == 200 and blocked.headers["Content-Type"].startswith("text/html")
    assert "Tìm kiếm không có kết quả" in blocked.body.decode()
    with pytest.raises(page.Blocked) as caught:
        page.parse_catalog(blocked.body)
    assert caught.value.kind == "silent_empty"
    assert catalog(fresh).json()["mods"]["listItems"]


def test_rate_limit_and_server_errors_are_tengine_pages(fresh: MirrorHandle) -> None:
    fresh.control(fail_429=1, fail_500=1, truncate=1, retry_after=2)
    limited = catalog(fresh)
    assert limited.status == 429 and limited.headers["Retry-After"] == "2" and b"Tengine" in limited.body
    assert catalog(fresh).status == 500
    with pytest.raises(json.JSONDecodeError):
        catalog(fresh).json()
    assert catalog(fresh).headers["Server"] == "Tengine"


@pytest.mark.parametrize(
    ("drift", "check"),
    [
        ("rename_name", lambda body: "name" not in body["mods"]["listItems"][0] and body["mods"]["listItems"][0]["title"]),
        ("price_as_text", lambda body: body["mods"]["listItems"][0]["price"].startswith("₫")),
        ("drop_paging", lambda body: "mainInfo" not in body and body["mods"]["listItems"]),
    ],
)  # fmt: skip
def test_catalog_drifts(fresh: MirrorHandle, drift: str, check: Any) -> None:
    fresh.control(drift=drift)
    assert check(catalog(fresh).json())


def test_product_page_drift(fresh: MirrorHandle) -> None:
    item = catalog(fresh).json()["mods"]["listItems"][0]
    fresh.control(drift="rename_name")
    product = page.parse_product(fetch(fresh.url + product_path(item)).body)
    assert product.json_ld is not None and "name" not in product.json_ld
    assert product.fields is not None and "title" not in product.fields["product"]


def test_bad_items_on_page_one_only(fresh: MirrorHandle) -> None:
    clean = catalog(fresh, "giày").json()["mods"]["listItems"]
    fresh.control(bad_items=True)
    page1 = catalog(fresh, "giày").json()["mods"]["listItems"]
    assert len(page1) == len(clean) + 2
    assert [i for i in page1 if not i["name"].strip()] and [i for i in page1 if i["price"] == "Liên hệ"]
    assert all(i["name"].strip() for i in catalog(fresh, "giày", 2).json()["mods"]["listItems"])


def test_subprocess_serves_lazada_with_start_up_blocks() -> None:
    proc, url = spawn_mirror_subprocess("--source", "lazada", "--captcha", "1")
    try:
        first = json.loads(fetch(f"{url}/catalog/?ajax=true&page=1&q=pod").body)
        assert "RGV587_ERROR" in first["ret"][1]
        assert fetch(f"{url}/catalog/?ajax=true&page=1&q=pod").json()["mods"]["listItems"]
    finally:
        assert stop_mirror_subprocess(proc) == 0
