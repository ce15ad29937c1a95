"""Misbehaviour on request: POST /__control faults, start-up faults, GET /__stats."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from tests.mirror.client import Response, fetch, get_json


def search(mirror: MirrorHandle, page: int = 1, token: str | None = None) -> Response:
    headers = {"x-guest-token": token} if token else {}
    return fetch(f"{mirror.url}/api/v2/products?q=giay&page={page}&limit=40", headers=headers)


def control(mirror: MirrorHandle, **body: object) -> dict[str, Any]:
    response = fetch(mirror.url + "/__control", data=body)
    assert response.status == 200, response.body
    faults: dict[str, Any] = response.json()["faults"]
    return faults


@pytest.mark.parametrize(("key", "status"), [("fail_429", 429), ("fail_500", 500)])
def test_counted_failures_then_recovery(fresh_mirror: MirrorHandle, key: str, status: int) -> None:
    control(fresh_mirror, **{key: 3, "retry_after": 7})
    failures = [search(fresh_mirror) for _ in range(3)]
    assert [r.status for r in failures] == [status] * 3
    if status == 429:
        assert failures[0].headers["Retry-After"] == "7"
        assert failures[0].json() == {"message": "API rate limit exceeded"}
    else:
        assert failures[0].json()["error"]["code"] == 500
    assert search(fresh_mirror).status == 200


def test_faults_do_not_touch_non_api_paths(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, fail_500=1)
    assert fetch(fresh_mirror.url + "/robots.txt").status == 200
    assert search(fresh_mirror).status == 500


def test_truncated_bodies_are_200_with_broken_json(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, truncate=2)
    for _ in range(2):
        response = search(fresh_mirror)
        assert response.status == 200 and int(response.headers["Content-Length"]) == len(response.body)
        with pytest.raises(json.JSONDecodeError):
            response.json()
    assert search(fresh_mirror).json()["data"]


def test_slow_responses(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, slow_ms=400)  # slow_count defaults to 1
    started = time.monotonic()
    assert search(fresh_mirror).status == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    search(fresh_mirror)
    assert time.monotonic() - started < 0.4


def test_drift_rename_name(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, drift="rename_name")
    item = search(fresh_mirror).json()["data"][0]
    assert "name" not in item and item["product_name"]
    detail = get_json(f"{fresh_mirror.url}/api/v2/products/{item['id']}")
    assert "name" not in detail and detail["product_name"] == item["product_name"]


@pytest.mark.parametrize(
    ("drift", "check"),
    [("price_as_text", lambda body: isinstance(body["data"][0]["price"], str) and body["data"][0]["price"].endswith("₫")),
     ("drop_paging", lambda body: "paging" not in body and body["data"])],
)  # fmt: skip
def test_other_drifts(fresh_mirror: MirrorHandle, drift: str, check) -> None:  # type: ignore[no-untyped-def]
    control(fresh_mirror, drift=drift)
    assert check(search(fresh_mirror).json())
    control(fresh_mirror, drift=None)
    assert isinstance(search(fresh_mirror).json()["data"][0]["price"], int)


def test_bad_items_on_page_one_only(fresh_mirror: MirrorHandle) -> None:
    clean = search(fresh_mirror).json()
    control(fresh_mirror, bad_items=True)
    page1 = search(fresh_mirror).json()
    assert len(page1["data"]) == len(clean["data"]) + 2 and page1["paging"] == clean["paging"]
    assert [i for i in page1["data"] if not i["name"].strip()]
    assert [i for i in page1["data"] if i["price"] == "Liên hệ"]
    page2 = search(fresh_mirror, page=2).json()
    assert all(i["name"].strip() and isinstance(i["price"], int) for i in page2["data"])


def test_guest_token_required(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, require_guest_token=True)
    denied = search(fresh_mirror)
    assert denied.status == 403 and denied.json()["error"]["code"] == 403
    assert search(fresh_mirror, token="Bm1mzKSbMaPFJHQt7rAZOxgwGUVhk0Dd").status == 200


def test_reset_clears_faults_and_stats(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, fail_429=5, drift="rename_name", bad_items=True)
    assert search(fresh_mirror).status == 429
    faults = control(fresh_mirror, reset=True)
    assert faults["fail_429"] == 0 and faults["drift"] is None and faults["bad_items"] is False
    assert "name" in search(fresh_mirror).json()["data"][0]
    stats = get_json(fresh_mirror.url + "/__stats")
    # the reset request itself is counted after the reset; /__stats is counted after its snapshot
    assert stats["requests"] == {"control": 1, "search": 1} and stats["injected"] == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [({"fail_430": 1}, "unknown control key"), ({"fail_429": -1}, "non-negative integer"),
     ({"fail_429": True}, "non-negative integer"), ({"bad_items": "yes"}, "true or false"),
     ({"drift": "sideways"}, "drift"), ([1, 2], "JSON object")],
)  # fmt: skip
def test_control_rejects_bad_bodies(fresh_mirror: MirrorHandle, body: object, message: str) -> None:
    response = fetch(fresh_mirror.url + "/__control", data=body)
    assert response.status == 400 and message in response.json()["error"]["message"]
    assert fetch(fresh_mirror.url + "/__control").status == 405


def test_counted_faults_are_thread_safe(fresh_mirror: MirrorHandle) -> None:
    control(fresh_mirror, fail_429=20)
    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(lambda _: search(fresh_mirror).status, range(50)))
    assert statuses.count(429) == 20 and statuses.count(200) == 30
    assert get_json(fresh_mirror.url + "/__stats")["injected"]["fail_429"] == 20


def test_start_up_faults_and_in_process_control() -> None:
    with start_mirror(fail_500=1, require_guest_token=True) as m:
        assert search(m, token="t").status == 500
        assert search(m).status == 403
        m.control(require_guest_token=False)
        assert search(m).status == 200
        assert m.stats()["statuses"] == {"500": 1, "403": 1, "200": 1}


def test_stats_count_requests_per_kind(fresh_mirror: MirrorHandle) -> None:
    url = fresh_mirror.url
    for path in ["/api/v2/products?q=giay", "/api/v2/products?q=sua", "/api/v2/products?category=8322",
                 "/api/v2/products/1", "/robots.txt", "/", "/api/v9/nothing"]:  # fmt: skip
        fetch(url + path)
    control(fresh_mirror, fail_429=1)
    fetch(url + "/api/v2/products?q=giay")
    stats = get_json(url + "/__stats")
    assert stats["requests"] == {"search": 2, "category": 1, "detail": 1, "robots": 1, "index": 1,
                                 "not_found": 1, "control": 1, "rate_limited": 1}  # fmt: skip
    assert stats["statuses"]["429"] == 1 and stats["statuses"]["404"] == 2
    assert stats["total"] == sum(stats["requests"].values())
