"""Crawl the Tiki mirror end to end, into SQLite and PostgreSQL, including its misbehaviour."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from crawler.mirror import start_mirror
from storage.db import make_engine, make_session_factory
from storage.models import Flag, Listing
from tests.spiders.crawl_helpers import control, crawl, db_counts, mirror_ids

QUERY = "nước hoa"


@pytest.fixture
def mirror() -> Iterator[str]:
    with start_mirror() as handle:
        yield handle.url


def test_crawl_stores_listings_observations_and_flags(mirror: str, db_url: str) -> None:
    expected = mirror_ids(mirror, query=QUERY, max_pages=2)
    assert len(expected) > 40, "the demo catalogue should give this query more than one page"
    [stats] = crawl(
        db_url, "tiki", "--base-url", mirror, "--query", QUERY, "--query", "thuốc lá", "--max-pages", "2"
    )
    counts = db_counts(db_url)
    assert expected <= counts["ids"]
    assert counts["observations"] == counts["listings"] == stats["item_scraped_count"]
    assert stats["ecomwatch/listings/new"] == counts["listings"]
    assert counts["flags"] > 0 and stats["ecomwatch/flags/new"] == counts["flags"]
    assert counts["runs"] == [("finished", counts["listings"])]
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        flagged = session.execute(
            select(Listing.title, Listing.description, Flag.category, Flag.evidence).join(Flag)
        ).all()
        cigarettes = session.scalars(select(Listing).where(Listing.title.ilike("%jet%"))).all()
    engine.dispose()
    # Evidence spans point into the stored, original text.
    for title, description, _category, evidence in flagged:
        for span in evidence:
            text = {"title": title, "description": description}.get(span["field"])
            if text is not None:
                assert text[span["start"] : span["end"]] == span["text"]
    assert any(category == "smuggled" for *_, category, _ in flagged) or not cigarettes


def test_recrawl_updates_without_duplicates(mirror: str, db_url: str) -> None:
    args = ("tiki", "--base-url", mirror, "--query", QUERY, "--max-pages", "1")
    crawl(db_url, *args)
    first = db_counts(db_url)
    [stats] = crawl(db_url, *args)
    second = db_counts(db_url)
    assert second["listings"] == first["listings"]
    assert second["flags"] == first["flags"]
    assert second["observations"] == 2 * first["observations"]
    assert stats.get("ecomwatch/listings/new", 0) == 0
    assert stats.get("ecomwatch/flags/new", 0) == 0
    assert len(second["runs"]) == 2


@pytest.mark.parametrize(
    ("faults", "stat"),
    [
        ({"fail_429": 2}, "ecomwatch/http/429"),
        ({"fail_500": 3}, "ecomwatch/http/500"),
        ({"truncate": 2}, "ecomwatch/pages/malformed"),
    ],
)
def test_crawl_survives_faults(mirror: str, sqlite_url: str, faults: dict, stat: str) -> None:
    expected = mirror_ids(mirror, query=QUERY, max_pages=1)
    control(mirror, **faults)
    [stats] = crawl(sqlite_url, "tiki", "--base-url", mirror, "--query", QUERY, "--max-pages", "1")
    assert stats.get(stat, 0) >= 1, stats
    assert expected <= db_counts(sqlite_url)["ids"]


def test_bad_items_are_counted_and_good_ones_kept(mirror: str, sqlite_url: str) -> None:
    control(mirror, bad_items=True)
    [stats] = crawl(
        sqlite_url, "tiki", "--base-url", mirror, "--query", QUERY, "--max-pages", "1", "--no-details"
    )
    assert stats["ecomwatch/items/invalid"] == 2
    counts = db_counts(sqlite_url)
    assert counts["listings"] == stats["item_scraped_count"] > 0
    assert counts["runs"][0][0] == "degraded"
