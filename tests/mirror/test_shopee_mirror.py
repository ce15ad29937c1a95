"""The Shopee mirror over real HTTP: the SPA shell, the signed API (a plain client is blocked), shapes, faults."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from crawler.mirror import MirrorHandle, spawn_mirror_subprocess, start_mirror, stop_mirror_subprocess
from crawler.mirror.shopee import token_for
from crawler.pages import Blocked, shopee
from tests.mirror.client import Response, fetch
from tests.mirror.test_lazada_mirror import fetch_no_redirect


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="shopee") as handle:
        yield handle


def search_path(keyword: str, offset: int = 0) -> str:
    return "/api/v4/search/search_items?" + urlencode(
        {"by": "relevancy", "keyword": keyword, "limit": 60, "newest": offset, "order": "desc",
         "page_type": "search", "scenario": "PAGE_GLOBAL_SEARCH", "version": 2}, quote_via=quote
    )  # fmt: skip


def signed(mirror: MirrorHandle, path: str) -> Response:
    """What the page's JavaScript sends."""
    headers = {"x-api-source": "pc", "x-shopee-language": "vi", "af-ac-enc-dat": token_for(path)}
    return fetch(mirror.url + path, headers=headers)


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a plain HTTP crawler
        {"x-api-source": "pc", "x-shopee-language": "vi"},  # the static headers, no token
        {
            "x-api-source": "pc",
            "x-shopee-language": "vi",
            "af-ac-enc-dat": token_for("/api/v4/other"),
        },  # replayed
    ],
)
def test_plain_http_gets_the_anti_bot_block(mirror: MirrorHandle, headers: dict[str, str]) -> None:
    response = fetch(mirror.url + search_path("sữa"), headers=headers)
    assert response.status == 200 and response.json()["error"] == 90309999
    assert set(response.json()) >= {"tracking_id", "action_type", "is_login", "report_extra_info"}
    with pytest.raises(Blocked):
        shopee.parse_search(response.body)


def test_pages_are_a_shell_without_data(mirror: MirrorHandle) -> None:
    page = fetch(mirror.url + "/search?keyword=s%E1%BB%AFa&page=0")
    assert (
        page.status == 200
        and b'<script src="/static/shopee.js"' in page.body
        and b"item_basic" not in page.body
    )
    script = fetch(mirror.url + "/static/shopee.js")
    assert b"af-ac-enc-dat" in script.body and b"/api/v4/pdp/get_pc" in script.body


def test_search_items_shape_paging_and_terminator(mirror: MirrorHandle) -> None:
    first = signed(mirror, search_path("sữa")).json()
    assert (len(first["items"]), first["nomore"], first["total_count"]) == (60, False, 62)
    basic = first["items"][0]["item_basic"]
    assert basic["price"] % 100_000 == 0 and basic["currency"] == "VND"
    assert len(basic["item_rating"]["rating_count"]) == 6 and {"is_official_shop", "shopee_verified"} <= set(
        basic
    )
    second = signed(mirror, search_path("sữa", 60)).json()
    assert (len(second["items"]), second["nomore"]) == (2, True)
    assert signed(mirror, search_path("sữa", 120)).json()["items"] is None
    everything = signed(mirror, search_path("")).json()["items"]
    locations = {i["item_basic"]["shop_location"] for i in everything}
    assert {"", "Nước ngoài", "Hà Nội"} <= locations


def test_detail_shape(mirror: MirrorHandle) -> None:
    item = signed(mirror, search_path("thuốc lá")).json()["items"][0]
    path = f"/api/v4/pdp/get_pc?item_id={item['itemid']}&shop_id={item['shopid']}&tz_offset_minutes=420&detail_level=0"
    data = signed(mirror, path).json()["data"]
    assert data["item"]["item_id"] == item["itemid"] and data["shop_detailed"]["shopid"] == item["shopid"]
    assert data["product_price"]["price"]["single_value"] == item["item_basic"]["price"]
    assert any(a["is_timestamp"] for a in data["item"]["attributes"])
    gone = signed(mirror, path.replace(str(item["itemid"]), "1")).json()
    assert gone["error"] and gone["data"] is None


@pytest.mark.parametrize(
    ("fault", "path", "status", "check"),
    [
        ("anti_bot", "api", 200, lambda r: r.json()["error"] == 90309999),
        ("forbidden", "api", 403, lambda r: True),
        (
            "traffic_error",
            "page",
            302,
            lambda r: r.headers["Location"].startswith("/verify/traffic/error?next=https%3A"),
        ),
        (
            "captcha",
            "page",
            302,
            lambda r: r.headers["Location"].startswith("/verify/captcha?anti_bot_tracking_id="),
        ),
        ("fail_429", "page", 429, lambda r: r.headers["Retry-After"] == "1"),
        ("fail_500", "api", 500, lambda r: True),
    ],
)
def test_faults(fault: str, path: str, status: int, check) -> None:  # type: ignore[no-untyped-def]
    with start_mirror(source="shopee") as mirror:
        mirror.control(**{fault: 1})
        api = search_path("sữa")
        if path == "api":
            got = signed(mirror, api)
        else:
            code, headers, body = fetch_no_redirect(mirror.url + "/search?keyword=x&page=0")
            got = Response(code, headers, body)
        assert got.status == status and check(got)
        assert signed(mirror, api).json()["items"]  # one request each
        assert mirror.stats()["injected"] == {fault: 1}


def test_verify_pages_and_unknown_block_names() -> None:
    with start_mirror(source="shopee") as mirror:
        page = fetch(mirror.url + "/verify/traffic/error?next=x")
        assert page.status == 200 and b"Traffic error" in page.body
        with pytest.raises(Exception, match="silent_empty"):
            mirror.control(silent_empty=1)


def test_subprocess_serves_shopee() -> None:
    proc, url = spawn_mirror_subprocess("--source", "shopee", "--anti-bot", "1")
    try:
        assert fetch(url + search_path("sữa")).json()["error"] == 90309999  # unsigned
        assert fetch(url + "/search?keyword=a").status == 200
    finally:
        stop_mirror_subprocess(proc)
