"""Crawl the Sendo mirror end to end, into SQLite and PostgreSQL, including its misbehaviour."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from crawler.mirror import start_mirror
from storage.db import make_engine, make_session_factory
from storage.models import Listing, Seller
from tests.spiders.crawl_helpers import control, crawl, db_counts

QUERY = "sữa"  # 62 listings: a full page of 60, a page of 2, then the empty page that ends the list


@pytest.fixture
def mirror() -> Iterator[str]:
    with start_mirror(source="sendo") as handle:
        yield handle.url


def sendo_ids(mirror_url: str, *, query: str, max_pages: int) -> set[str]:
    """What the mirror lists for a query over the first pages: the expected crawl result."""
    ids: set[str] = set()
    for page in range(1, max_pages + 1):
        params = urllib.parse.urlencode({"q": query, "page": page, "size": 60, "platform": "web"})
        with urllib.request.urlopen(f"{mirror_url}/web/products?{params}", timeout=5) as response:
            data = json.load(response)["data"]
        if not data:
            break
        ids.update(str(item["id"]) for item in data)
    return ids


def stored_listings(db_url: str) -> list[tuple[str, str | None, str | None, str | None, str]]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(
                Listing.external_id, Listing.shop_location, Listing.province, Seller.location, Listing.url
            ).join(Seller, Listing.seller_id == Seller.id)
        ).all()
    engine.dispose()
    return [tuple(row) for row in rows]


def test_crawl_then_recrawl_without_duplicates(mirror: str, db_url: str) -> None:
    expected = sendo_ids(mirror, query=QUERY, max_pages=5)
    assert len(expected) > 60, "the demo catalogue should give this query more than one page"
    args = ("sendo", "--base-url", mirror, "--query", QUERY, "--query", "thuốc lá", "--max-pages", "5")
    [stats] = crawl(db_url, *args)
    first = db_counts(db_url)
    assert expected <= first["ids"]
    assert first["observations"] == first["listings"] == stats["item_scraped_count"]
    assert stats["ecomwatch/pages/detail"] == first["listings"]
    assert stats["ecomwatch/pages/search"] >= 3  # two pages of "sữa" and the empty page that ends them
    assert first["flags"] > 0 and stats["ecomwatch/flags/new"] == first["flags"]
    assert first["runs"] == [("finished", first["listings"])]
    rows = stored_listings(db_url)
    assert all(shop == seller for _id, shop, _province, seller, _url in rows)  # warehouse province as written
    assert {"TP.HCM", "Hà Nội"} <= {shop for _id, shop, *_ in rows}
    assert {province for _id, shop, province, *_ in rows if shop == "TP.HCM"} == {"TP. Hồ Chí Minh"}
    assert all(url.startswith(f"{mirror}/") and url.endswith(f"-{ext_id}.html") for ext_id, *_, url in rows)

    [again] = crawl(db_url, *args)
    second = db_counts(db_url)
    assert (second["listings"], second["flags"]) == (first["listings"], first["flags"])
    assert second["observations"] == 2 * first["observations"]
    assert again.get("ecomwatch/listings/new", 0) == 0 and again.get("ecomwatch/flags/new", 0) == 0


@pytest.mark.parametrize(
    ("faults", "stats_wanted"),
    [
        # consumed in turn by the first request: 429, 500, then two truncated bodies, then the real page
        (
            {"fail_429": 1, "fail_500": 1, "truncate": 2, "retry_after": 0},
            {"ecomwatch/http/429": 1, "ecomwatch/http/500": 1, "ecomwatch/pages/malformed": 2},
        ),
        ({"drift": "async_data"}, {"ecomwatch/pages/malformed": 0}),  # items moved to async_data.products
    ],
)
def test_crawl_survives_faults(mirror: str, sqlite_url: str, faults: dict, stats_wanted: dict) -> None:
    expected = sendo_ids(mirror, query=QUERY, max_pages=5)
    control(mirror, **faults)
    # without details: these faults are about the search pages (detail pages share the same handling)
    args = ("--base-url", mirror, "--query", QUERY, "--max-pages", "5", "--no-details")
    [stats] = crawl(sqlite_url, "sendo", *args)
    for key, value in stats_wanted.items():
        assert stats.get(key, 0) == value, (key, stats)
    counts = db_counts(sqlite_url)
    assert counts["ids"] == expected
    assert counts["observations"] == counts["listings"]
    assert stats.get("ecomwatch/pages/lost", 0) == 0


def test_bad_items_are_counted_and_good_ones_kept(mirror: str, sqlite_url: str) -> None:
    control(mirror, bad_items=True)
    [stats] = crawl(sqlite_url, "sendo", "--base-url", mirror, "--query", QUERY, "--max-pages", "5")
    assert stats["ecomwatch/items/invalid"] == 2
    assert (
        stats["ecomwatch/detail/not_found"] == 2
    )  # the bad items have no detail: their search item is judged
    counts = db_counts(sqlite_url)
    assert counts["ids"] == sendo_ids(mirror, query=QUERY, max_pages=5) - {"999000001", "999000002"}
    assert counts["listings"] == stats["item_scraped_count"] > 0
    assert counts["runs"][0][0] == "degraded"


def test_separate_api_host_and_no_details(mirror: str, sqlite_url: str) -> None:
    """``api_base_url`` for searchlist-api, ``base_url`` for www: here both the mirror, named apart."""
    [stats] = crawl(
        sqlite_url, "sendo", "--base-url", mirror.replace("127.0.0.1", "localhost"), "--arg", f"api_base_url={mirror}",
        "--query", "nước hoa", "--max-pages", "1", "--no-details",
    )  # fmt: skip
    assert stats.get("ecomwatch/pages/detail", 0) == 0 and stats["item_scraped_count"] > 40
    assert all(
        url.startswith(mirror.replace("127.0.0.1", "localhost")) for *_, url in stored_listings(sqlite_url)
    )


@pytest.mark.parametrize(
    ("args", "site", "api"),
    [
        ({}, "https://www.sendo.vn", "https://searchlist-api.sendo.vn"),
        ({"base_url": "https://www.sendo.vn/"}, "https://www.sendo.vn", "https://searchlist-api.sendo.vn"),
        ({"base_url": "http://127.0.0.1:8765"}, "http://127.0.0.1:8765", "http://127.0.0.1:8765"),
        ({"base_url": "http://a:1", "api_base_url": "http://b:2/"}, "http://a:1", "http://b:2"),
    ],
)
def test_the_two_hosts(args: dict, site: str, api: str) -> None:
    from spiders.sendo import SendoSpider

    spider = SendoSpider(query="nước hoa|sữa", **args)
    assert (spider.base_url, spider.api_base_url, spider.query) == (site, api, ["nước hoa", "sữa"])
    assert spider.search_url("nước hoa", 2).startswith(
        f"{api}/web/products?q=n%C6%B0%E1%BB%9Bc+hoa&redirect=1"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [({}, "at least one query"), ({"query": "x", "category": "1"}, "category"), ({"query": "x", "sort": "hot"}, "sort"),
     ({"query": "x", "api_base_url": "ftp://x"}, "api_base_url")],
)  # fmt: skip
def test_bad_arguments_are_refused(args: dict, message: str) -> None:
    from spiders.sendo import SendoSpider

    with pytest.raises(ValueError, match=message):
        SendoSpider(**args)
