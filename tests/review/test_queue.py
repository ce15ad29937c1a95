"""The queue: filters, keyset pagination, HTMX partials; and the repository under it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from storage import queue_repo, review_repo
from storage.review_repo import QueueCursor, QueueFilters
from tests.review.conftest import Env
from tests.review.seed import add_queue_listings, set_created

_ROW = re.compile(r'data-flag-id="(\d+)"')


@pytest.fixture(scope="module")
def analyst(shared_env: Env) -> TestClient:
    return shared_env.login("ana")[0]


def _flags(client: TestClient, query: str = "", **headers: str) -> list[int]:
    response = client.get(f"/queue?{query}", headers=headers)
    assert response.status_code == 200, response.text
    return [int(x) for x in _ROW.findall(response.text)]


def test_riskiest_listing_first_and_vietnamese_formats(env: Env) -> None:
    client, _ = env.login("ana")
    f = env.seeded.flags
    assert _flags(client) == [f["milk"], f["bag"], f["xss"], f["cream"]]
    html = client.get("/queue").text
    assert "1.200.000 ₫" in html and "350.000 ₫" in html and "0,91" in html
    assert re.search(r"<td>\d\d/\d\d/\d{4}</td>", html)
    assert 'lang="vi"' in html and "Cờ vi phạm chờ xử lý" in html
    english = client.get("/queue?lang=en")
    assert "Flags awaiting review" in english.text and 'lang="en"' in english.text
    assert "Flags awaiting review" in client.get("/queue").text  # the choice is remembered in a cookie


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("category=counterfeit", ["bag", "xss"]),
        ("severity=critical", ["bag"]),
        ("source=shopee", ["bag"]),
        ("province=H%C3%A0+N%E1%BB%99i", ["bag"]),  # Hà Nội
        ("province=B%C3%ACnh+D%C6%B0%C6%A1ng", ["milk", "xss", "cream"]),  # Bình Dương, the pre-2025 name
        ("province=TP.+H%E1%BB%93+Ch%C3%AD+Minh", ["milk", "xss", "cream"]),  # its current province
        ("rule=prohibited.mercury", ["cream"]),
        ("q=super+fake", ["bag"]),
        ("q=SỮA", []),  # SQLite's LIKE folds ASCII only; PostgreSQL ILIKE folds more: not asserted either way
        ("q=100%25", []),  # a literal %, not a wildcard
        ("status=confirmed", []),
        ("category=counterfeit&severity=high", ["xss"]),
    ],
)
def test_filters(shared_env: Env, analyst: TestClient, query: str, expected: list[str]) -> None:
    env = shared_env
    got = _flags(analyst, query)
    if query == "q=SỮA":
        assert set(got) <= {env.seeded.flags["milk"]}
        return
    assert got == [env.seeded.flags[name] for name in expected]


def test_date_range_is_in_vietnam_time(env: Env) -> None:
    # 17:30 UTC on 1 Dec is 00:30 on 2 Dec in Vietnam
    set_created(env.engine, env.seeded.flags["bag"], datetime(2026, 12, 1, 17, 30, tzinfo=UTC))
    client, _ = env.login("insp")
    assert _flags(client, "date_from=2026-12-02&date_to=2026-12-02") == [env.seeded.flags["bag"]]
    assert _flags(client, "date_from=02/12/2026&date_to=02/12/2026") == [env.seeded.flags["bag"]]
    assert env.seeded.flags["bag"] not in _flags(client, "date_to=2026-12-01")


def test_status_filter_and_invalid_values(env: Env) -> None:
    client, token = env.login("insp")
    client.post(
        f"/flags/{env.seeded.flags['cream']}/dismiss", data={"csrf_token": token, "reason": "duplicate"}
    )
    assert _flags(client, "status=dismissed") == [env.seeded.flags["cream"]]
    assert env.seeded.flags["cream"] in _flags(client, "status=all")
    assert client.get("/queue?category=<script>").status_code == 422
    assert client.get("/queue?status=deleted").status_code == 422


def test_keyset_pagination_walks_every_flag_once(env: Env) -> None:
    add_queue_listings(env.engine, 120)
    client, _ = env.login("insp")
    html = client.get("/queue").text
    seen = [int(x) for x in _ROW.findall(html)]
    assert len(seen) == 50
    pages = 1
    while (more := re.search(r'hx-get="(/queue\?[^"]+)"', html)) is not None:
        url = more.group(1).replace("&amp;", "&")
        assert "offset" not in url and "after=" in url
        html = client.get(url, headers={"HX-Request": "true"}).text  # rows only, appended by HTMX
        assert "<table" not in html and "<html" not in html
        seen += [int(x) for x in _ROW.findall(html)]
        pages += 1
    assert pages == 3 and len(seen) == len(set(seen)) == 124


def test_filter_change_over_htmx_returns_the_results_block(env: Env) -> None:
    client, _ = env.login("insp")
    html = client.get("/queue?category=smuggled", headers={"HX-Request": "true"}).text
    assert "<html" not in html and "<table" in html and _ROW.findall(html) == [str(env.seeded.flags["milk"])]


def test_cursor_ties_on_the_same_listing(env: Env) -> None:
    """Several flags on one listing share its risk score: the flag id breaks the tie."""
    with Session(env.engine) as s:
        from storage import repositories as repo

        version = repo.rule_pack_version_id(s, "seed", 4)
        listing = env.seeded.listings["milk"]
        rows = [repo.FlagRow(listing, f"extra.{i}", "smuggled", "low", 0.2, []) for i in range(5)]
        repo.upsert_flags(s, rows, rule_pack_version_id=version)
        s.commit()
        everything = review_repo.review_queue(s, QueueFilters(), limit=100).rows
        walked, cursor = [], None
        while True:
            page = review_repo.review_queue(s, QueueFilters(), after=cursor, limit=2)
            walked += page.rows
            if page.next_cursor is None:
                break
            cursor = QueueCursor.decode(page.next_cursor.encode())
    assert [r.flag_id for r in walked] == [r.flag_id for r in everything]
    assert len(everything) == 9


def test_bad_cursor_is_ignored() -> None:
    assert QueueCursor.decode("garbage") is None
    assert QueueCursor.decode("0.5_1") is None
    assert QueueCursor.decode(QueueCursor(0.1 + 0.2, 7, 9).encode()) == QueueCursor(0.1 + 0.2, 7, 9)


def test_rare_filters_start_from_the_flags_and_give_the_same_pages(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_queue_listings(env.engine, 30)
    filters = [
        QueueFilters(category="expired"),
        QueueFilters(category="smuggled"),
        QueueFilters(severity="low"),
    ]
    with Session(env.engine) as session:

        def pages(f: QueueFilters) -> list[list[int]]:
            out, cursor = [], None
            while True:
                page = review_repo.review_queue(session, f, after=cursor, limit=7)
                out.append([r.flag_id for r in page.rows])
                if page.next_cursor is None:
                    return out
                cursor = page.next_cursor

        walked = [pages(f) for f in filters]
        monkeypatch.setattr(queue_repo, "RARE_FLAGS", 100)
        assert review_repo._rare_flag_ids(session, filters[0]) is not None
        assert review_repo._rare_flag_ids(session, QueueFilters()) is None
        assert [pages(f) for f in filters] == walked
        assert review_repo.review_queue(session, QueueFilters(category="misleading")).rows == []
        monkeypatch.setattr(queue_repo, "RARE_FLAGS", 5)
        assert review_repo._rare_flag_ids(session, filters[0]) is None
        assert [pages(f) for f in filters] == walked


def test_one_category_and_severity_walks_its_index_without_a_probe(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open flags of one category and severity are in queue order in their own index: no rare-flag probe
    (a wasted round trip), and the pages are the unfiltered queue's flags of that kind, in the same order."""
    add_queue_listings(env.engine, 30)
    monkeypatch.setattr(queue_repo, "RARE_FLAGS", 10_000)
    with Session(env.engine) as session:
        everything = review_repo.review_queue(session, QueueFilters(), limit=1000).rows
        kinds = {(r.category, r.severity) for r in everything}
        assert len(kinds) > 1
        for category, severity in sorted(kinds):
            f = QueueFilters(category=category, severity=severity)
            assert review_repo._rare_flag_ids(session, f) is None
            # With another flag-side filter, or decided statuses, the probe still runs.
            assert review_repo._rare_flag_ids(session, replace(f, rule_id="x")) == []
            assert review_repo._rare_flag_ids(session, replace(f, statuses=("confirmed",))) is not None
            walked, cursor = [], None
            while True:
                page = review_repo.review_queue(session, f, after=cursor, limit=3)
                walked += [r.flag_id for r in page.rows]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            expected = [r.flag_id for r in everything if (r.category, r.severity) == (category, severity)]
            assert walked == expected


def test_a_recrawl_moves_flags_in_the_queue(env: Env) -> None:
    """The queue reads the listing's risk score and provinces from its flags: a recrawl updates them."""
    from tests.review.seed import listing

    client, _ = env.login("ana")
    f = env.seeded.flags
    with Session(env.engine) as session:
        from storage import repositories as repo

        cream = listing("cream", "Kem trộn trắng da cấp tốc", province="Hà Nội", province_legacy="Hà Tây")
        sellers = repo.upsert_sellers(session, [cream.seller], seen_at=cream.crawled_at)  # type: ignore[list-item]
        repo.upsert_listings(session, [cream], seller_ids=sellers, risk_scores={cream.key: 0.99})
        session.commit()
    assert _flags(client) == [f["cream"], f["milk"], f["bag"], f["xss"]]
    assert _flags(client, "province=H%C3%A0+T%C3%A2y") == [f["cream"]]  # Hà Tây
    assert f["cream"] not in _flags(client, "province=B%C3%ACnh+D%C6%B0%C6%A1ng")
