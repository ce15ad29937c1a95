"""Crawl the Lazada mirror end to end, into SQLite and PostgreSQL, including its blocks and misbehaviour."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from crawler.mirror import MirrorHandle, start_mirror
from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.spiders.crawl_helpers import control, crawl, db_counts

QUERY = "nước hoa"  # 52 listings: 40 + 12, noMorePages on page 2
CATEGORY = "nuoc-hoa"  # 47 listings, most of them also found by QUERY


@pytest.fixture
def mirror() -> Iterator[str]:
    with start_mirror(source="lazada") as handle:
        yield handle.url


def lazada_ids(mirror_url: str, path: str = "/catalog/", max_pages: int = 5, **params: str) -> set[str]:
    """What the mirror lists over the first pages (until noMorePages): the expected crawl result."""
    ids: set[str] = set()
    for page in range(1, max_pages + 1):
        query = urllib.parse.urlencode({"ajax": "true", "page": page} | params)
        with urllib.request.urlopen(f"{mirror_url}{path}?{query}", timeout=5) as response:
            data = json.load(response)
        ids.update(item["itemId"] for item in data["mods"]["listItems"])
        if data["mainInfo"]["noMorePages"]:
            break
    return ids


def crawl_query(db_url: str, mirror: str, *extra: str) -> dict:
    [stats] = crawl(db_url, "lazada", "--base-url", mirror, "--query", QUERY, "--max-pages", "5", *extra)
    return stats


def test_crawl_then_recrawl_without_duplicates(mirror: str, sqlite_url: str) -> None:
    db_url = sqlite_url  # SQLite only, to keep the suite fast: Sendo's crawl covers PostgreSQL
    expected = lazada_ids(mirror, q=QUERY) | lazada_ids(mirror, f"/{CATEGORY}/")
    args = ("--category", CATEGORY, "--query", "khongcosanphamnay")
    stats = crawl_query(db_url, mirror, *args)
    first = db_counts(db_url)
    assert first["ids"] == expected
    assert first["observations"] == first["listings"] == stats["item_scraped_count"]
    assert stats["ecomwatch/items/duplicate"] > 0  # the category repeats the query's listings: stored once
    assert stats["ecomwatch/pages/detail"] == first["listings"]
    assert stats["ecomwatch/search/no_results"] == 1 and stats["ecomwatch/search/empty_rechecked"] == 1
    assert stats.get("ecomwatch/blocks", 0) == 0
    assert first["flags"] > 0 and first["runs"] == [("finished", first["listings"])]
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(Listing.url, Listing.category_path, Listing.attributes, Listing.price)
        ).all()
    engine.dispose()
    assert all(url.startswith("https://www.lazada.vn/products/") for url, *_ in rows)
    assert all(" > " in category for _url, category, *_ in rows)  # from the JSON-LD Product
    assert all("Brand" in attributes and isinstance(price, int) for *_, attributes, price in rows)

    again = crawl_query(db_url, mirror, *args)
    second = db_counts(db_url)
    assert (second["listings"], second["flags"]) == (first["listings"], first["flags"])
    assert second["observations"] == 2 * first["observations"]
    assert again.get("ecomwatch/listings/new", 0) == 0 and again.get("ecomwatch/flags/new", 0) == 0


@pytest.mark.parametrize(
    ("faults", "stats_wanted", "status", "details"),
    [
        (  # consumed in turn by the first request: 429, 500, two truncated bodies, then the real page
            {"fail_429": 1, "fail_500": 1, "truncate": 2, "retry_after": 0},
            {"ecomwatch/http/429": 1, "ecomwatch/http/500": 1, "ecomwatch/pages/malformed": 2},
            "degraded",
            "--no-details",
        ),
        (  # page 1's XHR gets the RGV587 JSON three times (retried after 0.25, 0.5, 1 s)
            {"captcha": 3},
            {"ecomwatch/blocks": 3, "ecomwatch/blocks/captcha": 3, "ecomwatch/pages/lost": 0},
            "degraded",
            "--details",
        ),
        (  # page 1 answered with "Tìm kiếm không có kết quả"
            {"silent_empty": 1},
            {"ecomwatch/blocks": 1, "ecomwatch/blocks/silent_empty": 1},
            "degraded",
            "--no-details",
        ),
        (  # no mainInfo: the crawl stops on the first empty page
            {"drift": "drop_paging"},
            {"ecomwatch/pages/search": 3},
            "finished",
            "--no-details",
        ),
    ],
)
def test_crawl_survives_faults(
    mirror: str, sqlite_url: str, faults: dict, stats_wanted: dict, status: str, details: str
) -> None:
    expected = lazada_ids(mirror, q=QUERY)
    control(mirror, **faults)
    stats = crawl_query(sqlite_url, mirror, details)
    for key, value in stats_wanted.items():
        assert stats.get(key, 0) == value, (key, stats)
    counts = db_counts(sqlite_url)
    assert counts["ids"] == expected  # every listing, and nothing read from a block page
    assert counts["observations"] == counts["listings"]
    assert stats.get("ecomwatch/detail/blocked", 0) == 0
    assert counts["runs"] == [(status, counts["listings"])]


def arm_after_first(handle: MirrorHandle, kind: str, **faults: object) -> threading.Thread:
    """Set faults as soon as the mirror has served one request of ``kind`` (the crawl runs meanwhile)."""

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not handle.stats()["requests"].get(kind):
            time.sleep(0.002)
        handle.control(**faults)

    thread = threading.Thread(target=watch, name="arm-faults", daemon=True)
    thread.start()
    return thread


def test_captcha_on_product_pages(sqlite_url: str) -> None:
    """Product pages redirected to the punish page: counted, retried, and the products still read."""
    with start_mirror(source="lazada") as handle:
        expected = lazada_ids(handle.url, q="thuốc lá")  # one page: after it only product pages are asked for
        handle.control(reset=True)  # forget the requests just made
        arm_after_first(handle, "search", captcha=2)
        [stats] = crawl(sqlite_url, "lazada", "--base-url", handle.url, "--query", "thuốc lá")
        assert handle.stats()["requests"]["punish"] == 2  # the redirects were followed to the slider page
    assert stats["ecomwatch/blocks/captcha"] == 2 and stats.get("ecomwatch/detail/blocked", 0) == 0
    assert stats["ecomwatch/pages/detail"] == len(expected)
    counts = db_counts(sqlite_url)
    assert counts["ids"] == expected and counts["observations"] == counts["listings"]


def test_bad_items_are_counted_and_good_ones_kept(mirror: str, sqlite_url: str) -> None:
    control(mirror, bad_items=True)
    stats = crawl_query(sqlite_url, mirror)
    assert stats["ecomwatch/items/invalid"] == 2
    assert stats["ecomwatch/detail/not_found"] == 2
    counts = db_counts(sqlite_url)
    assert counts["ids"] == lazada_ids(mirror, q=QUERY) - {"999000001", "999000002"}
    assert counts["runs"][0][0] == "degraded"


def test_blocked_for_good_opens_the_circuit(mirror: str, sqlite_url: str) -> None:
    control(mirror, captcha=1000)
    stats = crawl_query(sqlite_url, mirror, "--arg", "max_blocks=3")
    assert stats["ecomwatch/blocks/captcha"] == 3 and stats["ecomwatch/blocks/circuit_open"] == 1
    assert stats["finish_reason"].startswith("blocked")
    counts = db_counts(sqlite_url)
    assert counts["listings"] == 0 and counts["runs"] == [("failed", 0)]


def test_catalog_urls() -> None:
    from spiders.lazada import LazadaSpider

    spider = LazadaSpider(base_url="http://m:1", query="nước hoa", category="/nuoc-hoa/", sort="priceasc")
    assert spider.catalog_url(1, query="nước hoa") == (
        "http://m:1/catalog/?ajax=true&isFirstRequest=true&page=1&q=n%C6%B0%E1%BB%9Bc+hoa&from=input&sort=priceasc"
    )
    assert spider.catalog_url(3, category="nuoc-hoa") == "http://m:1/nuoc-hoa/?ajax=true&page=3"
    with pytest.raises(ValueError, match="query"):
        LazadaSpider()
