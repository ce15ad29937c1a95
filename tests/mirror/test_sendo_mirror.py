"""The Sendo mirror over real HTTP: search-list items as Sendo sends them, pagination, detail, faults."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.sendo import raw_items
from tests.mirror.client import Response, fetch, get_json

ITEM_KEYS = {
    "id": int, "name": str, "category_path": str, "default_price_min": int, "default_price_max": int,
    "sale_price_min": int, "sale_price_max": int, "seller_admin_id": int, "sku_user": str, "product_type": int,
    "status_new": int, "stock_status": int, "search_feed_type": str, "shop": dict, "rated": dict, "options": dict,
}  # fmt: skip
SHOP_KEYS = {"id": int, "name": str, "status": int, "ware_house_region_name": str, "badge_urls": dict}
DETAIL_KEYS = {
    "id": int, "name": str, "sku_user": str, "cat_path": str, "category_info": list, "price": int, "final_price": int,
    "promotion_percent": int, "media": list, "brand_info": dict, "total_comment": int, "quantity": int,
    "order_count": int, "attribute": list, "description": str, "rating_info": dict, "shop_info": dict,
}  # fmt: skip


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="sendo") as handle:
        yield handle


@pytest.fixture
def fresh() -> Iterator[MirrorHandle]:
    with start_mirror(source="sendo") as handle:
        yield handle


def search(mirror: MirrorHandle, q: str = "sữa", page: int = 1, **params: Any) -> Response:
    query = {
        "q": q,
        "redirect": 1,
        "platform": "web",
        "page": page,
        "size": 60,
        "sortType": "vasup_desc",
    } | params
    return fetch(f"{mirror.url}/web/products?{urlencode(query)}")


def every_item(mirror: MirrorHandle, q: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in range(1, 50):
        data = search(mirror, q, page, **params).json()["data"]
        if not data:
            return items
        items += data
    raise AssertionError("pagination never ended")


def detail(mirror: MirrorHandle, item: dict[str, Any]) -> dict[str, Any]:
    slug = item["category_path"].removesuffix(".html")
    return get_json(f"{mirror.url}/m/wap_v2/full/san-pham/{slug}?platform=web")


def test_real_items_are_served_unchanged_and_hand_written_ones_alike(mirror: MirrorHandle) -> None:
    items = every_item(mirror, "sữa")
    real = [i for i in items if i["id"] in raw_items()]
    written = [i for i in items if i["id"] not in raw_items()]
    assert real and written, "the query should list real Sendo items and hand-written violations"
    for item in real:
        assert item == raw_items()[item["id"]]
    for item in items:
        for key, kind in ITEM_KEYS.items():
            assert isinstance(item[key], kind), (item["id"], key)
        for key, kind in SHOP_KEYS.items():
            assert isinstance(item["shop"][key], kind), (item["id"], key)
        assert item["category_path"].endswith(f"-{item['id']}.html")
        assert item["sale_price_min"] <= item["default_price_min"]
        assert ("sold" in item) == ("order_count_text" in item)
        assert set(item["rated"]) <= {"total", "star"}
    assert len({i["id"] for i in items}) == len(items)


def test_sendo_quirks_are_kept(mirror: MirrorHandle) -> None:
    raw = list(raw_items().values())
    assert any(i["rated"] == {} for i in raw) and any("sold" not in i for i in raw)
    assert any(i.get("order_count_text", "").endswith("K") for i in raw)
    assert {"TP.HCM", "Hà Nội"} <= {i["shop"]["ware_house_region_name"] for i in raw}


def test_pages_run_until_data_is_empty(mirror: MirrorHandle) -> None:
    first = search(mirror, "", 1).json()["data"]
    assert len(first) == 60
    everything = every_item(mirror, "")
    assert len(everything) == len({i["id"] for i in everything}) > 400
    assert search(mirror, "", 100).json() == {"data": []}


def test_sort_types(mirror: MirrorHandle) -> None:
    prices = [i["sale_price_min"] for i in every_item(mirror, "nước hoa", sortType="price_asc")]
    assert prices == sorted(prices)
    sold = [i.get("sold", 0) for i in every_item(mirror, "nước hoa", sortType="norder_30_desc")]
    assert sold == sorted(sold, reverse=True)


def test_detail_shape_and_shop_warehouse(mirror: MirrorHandle) -> None:
    items = search(mirror, "nội địa").json()["data"]
    for item in items[:12]:
        body = detail(mirror, item)
        assert body["status"]["code"] == 200
        data = body["result"]["data"]
        for key, kind in DETAIL_KEYS.items():
            assert isinstance(data[key], kind), (item["id"], key)
        assert data["id"] == item["id"] and data["name"] == item["name"]
        assert (data["final_price"], data["price"]) == (item["sale_price_min"], item["default_price_min"])
        assert data["shop_info"]["warehourse_region_name"] == item["shop"]["ware_house_region_name"]  # sic
        assert data["shop_info"]["shop_id"] == item["shop"]["id"]
        assert all(m["type"] == "image" and m["image_50x50"] for m in data["media"])
        assert {"star1", "star5", "total_rated"} <= set(data["rating_info"])
        assert [a["name"] for a in data["attribute"]][:1] == ["Thương hiệu"]


def test_hand_written_violation_details_carry_their_description(mirror: MirrorHandle) -> None:
    [item] = [i for i in search(mirror, "LV Neverfull").json()["data"] if i["id"] == 275000001]
    data = detail(mirror, item)["result"]["data"]
    assert "rep 1:1" in data["description"] and "Tiki" not in data["description"]
    assert {"name": "Xuất xứ"}.items() <= data["attribute"][1].items()


@pytest.mark.parametrize("slug", ["khong-co-san-pham-123", "123", "abc"])
def test_missing_product_is_404_in_status_code(mirror: MirrorHandle, slug: str) -> None:
    response = fetch(f"{mirror.url}/m/wap_v2/full/san-pham/{slug}?platform=web")
    assert response.status == 200
    assert response.json()["status"]["code"] == 404 and response.json()["result"]["data"] is None


def test_faults(fresh: MirrorHandle) -> None:
    fresh.control(fail_429=1, fail_500=1, truncate=1, retry_after=3)
    limited = search(fresh)
    assert limited.status == 429 and limited.headers["Retry-After"] == "3" and b"429" in limited.body
    assert search(fresh).status == 500
    cut = search(fresh)
    assert cut.status == 200
    with pytest.raises(json.JSONDecodeError):
        cut.json()
    assert search(fresh).json()["data"]
    assert fetch(fresh.url + "/robots.txt").status == 200
    assert fresh.stats()["injected"] == {"fail_429": 1, "fail_500": 1, "truncate": 1}


@pytest.mark.parametrize(
    ("drift", "check"),
    [
        ("rename_name", lambda item: "name" not in item and item["product_name"]),
        (
            "price_as_text",
            lambda item: item["sale_price_min"].endswith("đ") and "." in item["sale_price_min"],
        ),
    ],
)
def test_drifts_reach_search_and_detail(fresh: MirrorHandle, drift: str, check: Any) -> None:
    item = search(fresh).json()["data"][0]
    fresh.control(drift=drift)
    assert check(search(fresh).json()["data"][0])
    drifted = detail(fresh, item)["result"]["data"]
    assert "name" not in drifted if drift == "rename_name" else isinstance(drifted["final_price"], str)


def test_drift_async_data_moves_the_items(fresh: MirrorHandle) -> None:
    fresh.control(drift="async_data")
    body = search(fresh).json()
    assert "data" not in body and body["async_data"]["products"]


def test_bad_items_on_page_one_only(fresh: MirrorHandle) -> None:
    clean = search(fresh, "").json()["data"]
    fresh.control(bad_items=True)
    page1 = search(fresh, "").json()["data"]
    assert len(page1) == len(clean) + 2
    assert [i for i in page1 if not i["name"].strip()] and [
        i for i in page1 if i["sale_price_min"] == "Liên hệ"
    ]
    assert all(
        i["name"].strip() and isinstance(i["sale_price_min"], int)
        for i in search(fresh, "", 2).json()["data"]
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"captcha": 1}, "no captcha page"),
        ({"drift": "drop_paging"}, "drift"),
        ({"silent_empty": 2}, "silent_empty"),
    ],
)
def test_faults_sendo_does_not_have_are_refused(fresh: MirrorHandle, body: dict, message: str) -> None:
    response = fetch(fresh.url + "/__control", data=body)
    assert response.status == 400 and message in response.json()["error"]["message"]


def test_unknown_source_and_foreign_start_up_faults_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown mirror source"):
        start_mirror(source="amazon")  # shopee is a known source now
    with pytest.raises(ValueError, match="captcha"):
        start_mirror(source="sendo", captcha=1)
    with pytest.raises(ValueError, match="drift"):
        start_mirror(drift="async_data")  # a Sendo drift on the Tiki mirror


def test_index_names_the_sendo_endpoints(mirror: MirrorHandle) -> None:
    page = fetch(mirror.url + "/")
    assert page.status == 200 and b"/web/products" in page.body and b"wap_v2/full/san-pham" in page.body
