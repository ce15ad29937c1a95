"""Crawl the Shopee mirror end to end through Debian's Chromium (scrapy-playwright), with each block kind."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from sqlalchemy import select

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.shopee import token_for
from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.mirror.client import fetch
from tests.spiders.browser import need_chromium
from tests.spiders.crawl_helpers import crawl, db_counts

need_chromium()

DETAIL_QUERY = "thuốc lá"  # 7 listings, one search page
PAGED_QUERY = "sữa"  # 62 listings: 60 + 2, nomore on page 2


@pytest.fixture
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="shopee") as handle:
        yield handle


def shopee_ids(mirror: MirrorHandle, keyword: str) -> set[str]:
    """What the mirror's API lists for a query (signed like the page's JS): the expected crawl result."""
    ids: set[str] = set()
    for offset in range(0, 600, 60):
        path = "/api/v4/search/search_items?" + urlencode(
            {"by": "relevancy", "keyword": keyword, "limit": 60, "newest": offset}, quote_via=quote
        )
        headers = {"x-api-source": "pc", "x-shopee-language": "vi", "af-ac-enc-dat": token_for(path)}
        data = fetch(mirror.url + path, headers=headers).json()
        ids.update(str(i["itemid"]) for i in data["items"] or [])
        if data["nomore"]:
            break
    mirror.control(reset=True)
    return ids


def run(db_url: str, mirror: MirrorHandle, query: str, *extra: str) -> dict:
    [stats] = crawl(db_url, "shopee", "--base-url", mirror.url, "--query", query, *extra, timeout=120)
    return stats


def test_search_and_detail_through_chromium(mirror: MirrorHandle, db_url: str) -> None:
    expected = shopee_ids(mirror, DETAIL_QUERY)
    stats = run(db_url, mirror, DETAIL_QUERY)
    counts = db_counts(db_url)
    assert counts["ids"] == expected and counts["observations"] == counts["listings"] == len(expected)
    assert (stats["ecomwatch/pages/search"], stats["ecomwatch/pages/detail"]) == (1, len(expected))
    assert stats["playwright/page_count"] == 1 + len(expected)  # every page was a browser page …
    assert stats["playwright/request_count/aborted"] > 0  # … whose images and fonts were never fetched
    assert stats.get("ecomwatch/blocks", 0) == 0 and counts["runs"] == [("finished", len(expected))]
    served = mirror.stats()["requests"]
    assert served.get("unsigned", 0) == 0 and served["detail"] == len(
        expected
    )  # the page's JS signed each call
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(select(Listing.url, Listing.price, Listing.attributes)).all()
    engine.dispose()
    assert all(url.startswith("https://shopee.vn/") and "-i." in url for url, *_ in rows)
    assert all(isinstance(price, int) and price < 10_000_000 for _, price, _ in rows)  # ÷ 100000 applied
    assert all("Xuất xứ" in attributes for *_, attributes in rows)  # from pdp/get_pc


def test_paging_until_nomore(mirror: MirrorHandle, sqlite_url: str) -> None:
    expected = shopee_ids(mirror, PAGED_QUERY)
    stats = run(sqlite_url, mirror, PAGED_QUERY, "--no-details", "--max-pages", "5")
    assert stats["ecomwatch/pages/search"] == 2 and db_counts(sqlite_url)["ids"] == expected


@pytest.mark.parametrize(
    ("faults", "stats_wanted"),
    [
        ({"anti_bot": 1}, {"ecomwatch/blocks": 1, "ecomwatch/blocks/anti_bot": 1}),
        ({"forbidden": 1}, {"ecomwatch/blocks": 1, "ecomwatch/blocks/forbidden": 1}),
        ({"traffic_error": 1}, {"ecomwatch/blocks": 1, "ecomwatch/blocks/traffic_error": 1}),
        ({"captcha": 2}, {"ecomwatch/blocks": 2, "ecomwatch/blocks/captcha": 2}),
        (
            {"fail_429": 1, "fail_500": 1, "retry_after": 0},
            {"ecomwatch/http/429": 1, "ecomwatch/http/500": 1},
        ),
        ({"slow_ms": 1500, "slow_count": 1}, {"ecomwatch/blocks": 0}),
    ],
)
def test_blocks_and_errors_are_counted_and_nothing_is_lost(
    mirror: MirrorHandle, sqlite_url: str, faults: dict, stats_wanted: dict
) -> None:
    expected = shopee_ids(mirror, PAGED_QUERY)
    mirror.control(**faults)
    stats = run(sqlite_url, mirror, PAGED_QUERY, "--no-details", "--max-pages", "2")
    for key, value in stats_wanted.items():
        assert stats.get(key, 0) == value, (key, stats)
    counts = db_counts(sqlite_url)
    assert counts["ids"] == expected and counts["observations"] == counts["listings"]  # nothing from a block
    assert stats.get("ecomwatch/pages/lost", 0) == 0
    # a block marks the run degraded; a 429/500 that a retry got past does not
    assert counts["runs"] == [("degraded" if stats.get("ecomwatch/blocks") else "finished", len(expected))]


def test_blocked_for_good_opens_the_circuit(mirror: MirrorHandle, sqlite_url: str) -> None:
    mirror.control(anti_bot=1000)
    stats = run(sqlite_url, mirror, PAGED_QUERY, "--no-details", "--arg", "max_blocks=3")
    assert stats["ecomwatch/blocks/anti_bot"] == 3 and stats["ecomwatch/blocks/circuit_open"] == 1
    assert stats["finish_reason"].startswith("blocked")
    counts = db_counts(sqlite_url)
    assert counts["listings"] == 0 and counts["runs"] == [("failed", 0)]


def test_storage_state_is_loaded(mirror: MirrorHandle, sqlite_url: str, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    cookie = {"name": "SPC_EC", "value": "abc", "domain": "127.0.0.1", "path": "/", "expires": -1,
              "httpOnly": True, "secure": False, "sameSite": "Lax"}  # fmt: skip
    state.write_text(json.dumps({"cookies": [cookie], "origins": []}))
    stats = run(sqlite_url, mirror, DETAIL_QUERY, "--no-details", "--arg", f"storage_state={state}")
    assert stats["item_scraped_count"] == len(shopee_ids(mirror, DETAIL_QUERY))


def test_spider_arguments(tmp_path: Path) -> None:
    from crawler.browser import StorageStateError
    from spiders.shopee import ShopeeSpider

    spider = ShopeeSpider(base_url="http://m:1", query="nước hoa")
    assert spider.search_url("nước hoa", 1) == "http://m:1/search?keyword=n%C6%B0%E1%BB%9Bc+hoa&page=1"
    with pytest.raises(ValueError, match="query"):
        ShopeeSpider()
    (tmp_path / "bad.json").write_text("[]")
    with pytest.raises(StorageStateError, match="bad.json"):
        ShopeeSpider(query="x", storage_state=str(tmp_path / "bad.json"))
    with pytest.raises(StorageStateError, match="cannot read"):
        ShopeeSpider(query="x", storage_state=str(tmp_path / "missing.json"))


def test_prices_as_strings_and_ranges_are_read(mirror: MirrorHandle, sqlite_url: str) -> None:
    """§1.2/§10: get_pc's types are "string" placeholders in the schema, and a range listing may have
    ``price`` null with ``price_min`` set: every listing keeps its price, none is refused."""
    expected = shopee_ids(mirror, DETAIL_QUERY)
    mirror.control(drift="price_strings")
    stats = run(sqlite_url, mirror, DETAIL_QUERY)
    assert stats.get("ecomwatch/items/invalid", 0) == 0, stats
    assert db_counts(sqlite_url)["ids"] == expected
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as session:
        prices = session.scalars(select(Listing.price)).all()
    engine.dispose()
    assert len(prices) == len(expected) and all(isinstance(p, int) and 0 < p < 10_000_000 for p in prices)


def test_bad_items_are_counted_and_good_ones_kept(mirror: MirrorHandle, sqlite_url: str) -> None:
    """A blank name and a price "Liên hệ" are refused by the validator; an element of ``items`` whose
    ``item_basic`` is null (§1.2: ads and cards carry other keys) is counted, never silently dropped."""
    expected = shopee_ids(mirror, PAGED_QUERY)
    mirror.control(bad_items=True)
    stats = run(sqlite_url, mirror, PAGED_QUERY, "--no-details", "--max-pages", "2")
    assert stats["ecomwatch/items/unreadable"] == 1, stats
    assert stats["ecomwatch/items/invalid"] == 2
    assert db_counts(sqlite_url)["ids"] == expected


def test_retry_after_of_the_api_call_is_waited_for(mirror: MirrorHandle, sqlite_url: str) -> None:
    """A 429 the page's own API call got (§1.4's rate limits) is waited on for its Retry-After, as the
    plain-HTTP spiders do, not for our much shorter backoff."""
    expected = shopee_ids(mirror, DETAIL_QUERY)
    mirror.control(fail_429=1, retry_after=2)
    stats = run(sqlite_url, mirror, DETAIL_QUERY, "--no-details")
    assert stats["ecomwatch/http/429"] == 1
    assert stats["ecomwatch/backoff/seconds"] >= 2, stats
    assert db_counts(sqlite_url)["ids"] == expected


def test_sold_count_where_the_version_puts_it(mirror: MirrorHandle, sqlite_url: str) -> None:
    """§1.3: the sold count's location is version-dependent (``historical_sold`` null in search items,
    under ``data.item`` in get_pc): every listing still gets its sold count."""
    expected = shopee_ids(mirror, DETAIL_QUERY)
    for details in ("--no-details", "--details"):
        db = sqlite_url.replace(".db", details.strip("-") + ".db")
        mirror.control(drift="sold_elsewhere")
        run(db, mirror, DETAIL_QUERY, details)
        engine = make_engine(db)
        with make_session_factory(engine)() as session:
            sold = session.scalars(select(Listing.sold_count)).all()
        engine.dispose()
        assert len(sold) == len(expected) and all(isinstance(n, int) for n in sold), (details, sold)
