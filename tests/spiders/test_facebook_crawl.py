"""Crawl the Facebook mirror through Debian's Chromium: Marketplace by scrolling (GraphQL), group posts, login wall."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.facebook import PAGE_SIZE, listing_id
from crawler.mirror.facebook_item import price_style, status
from crawler.mirror.facebook_pages import contact
from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.spiders.browser import need_chromium
from tests.spiders.crawl_helpers import crawl, db_counts

need_chromium()


@pytest.fixture
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="facebook") as handle:
        yield handle


@pytest.fixture
def state(tmp_path: Path) -> str:
    """An operator's logged-in storage state (Playwright JSON) for the mirror's host."""
    cookies = [{"name": name, "value": "1", "domain": "127.0.0.1", "path": "/", "expires": -1, "httpOnly": True,
                "secure": False, "sameSite": "Lax"} for name in ("c_user", "xs")]  # fmt: skip
    path = tmp_path / "fb-state.json"
    path.write_text(json.dumps({"cookies": cookies, "origins": []}))
    return str(path)


def test_marketplace_scroll_and_group_posts(mirror: MirrorHandle, sqlite_url: str, state: str) -> None:
    mirror.control(login_wall=1)  # the first page load meets the login wall once
    [stats] = crawl(sqlite_url, "facebook", "--base-url", mirror.url, "--query", "sữa", "--max-pages", "3",
                    "--arg", f"storage_state={state}", "--arg", "group=42")  # fmt: skip
    assert (
        stats["ecomwatch/pages/search"] == 3 and mirror.stats()["requests"]["graphql"] == 2
    )  # scrolled twice
    assert stats["ecomwatch/blocks/login_wall"] == 1 and stats["ecomwatch/pages/group"] == 1
    counts = db_counts(sqlite_url)
    assert counts["listings"] == 62 + 12 == stats["item_scraped_count"]
    assert counts["runs"] == [("degraded", 74)]


def test_login_redirect_is_a_block_not_a_malformed_page(
    mirror: MirrorHandle, sqlite_url: str, state: str
) -> None:
    """§6: logged-out clients are also redirected to the login page, which has none of the wall's
    wording: a block (counted, paused on, retried), never a page given up as malformed."""
    mirror.control(login_redirect=1)
    [stats] = crawl(sqlite_url, "facebook", "--base-url", mirror.url, "--query", "sữa", "--max-pages", "1",
                    "--arg", f"storage_state={state}")  # fmt: skip
    assert stats["ecomwatch/blocks/login_wall"] == 1, stats
    assert stats.get("ecomwatch/pages/malformed", 0) == 0 and stats["ecomwatch/pages/search"] == 1
    assert mirror.stats()["requests"]["login_page"] == 1  # the browser followed the redirect
    assert db_counts(sqlite_url)["listings"] == PAGE_SIZE


def test_without_a_logged_in_state_nothing_is_stored(mirror: MirrorHandle, sqlite_url: str) -> None:
    [stats] = crawl(
        sqlite_url, "facebook", "--base-url", mirror.url, "--query", "sữa", "--arg", "max_blocks=2"
    )
    assert stats["ecomwatch/blocks/login_wall"] == 2 and stats["ecomwatch/blocks/circuit_open"] == 1
    assert db_counts(sqlite_url)["listings"] == 0


def test_page_posts_rendered_then_streamed_on_scroll(
    mirror: MirrorHandle, sqlite_url: str, state: str
) -> None:
    """A shop's Page: 10 posts rendered by JS, then two scrolls whose streamed GraphQL answers each carry
    one malformed object (``bad_items``): counted, the other posts kept."""
    mirror.control(login_wall=1, bad_items=True)
    [stats] = crawl(sqlite_url, "facebook", "--base-url", mirror.url, "--max-pages", "3",
                    "--arg", f"storage_state={state}", "--arg", "page=shopmebong")  # fmt: skip
    assert stats["ecomwatch/blocks/login_wall"] == 1 and stats["ecomwatch/pages/page"] == 3
    assert mirror.stats()["requests"]["page_graphql"] == 2
    assert stats["ecomwatch/pages/malformed_objects"] == 2
    counts = db_counts(sqlite_url)
    assert counts["listings"] == 10 + 9 + 9 == stats["item_scraped_count"]
    assert all(i.startswith("post:") for i in counts["ids"])


def test_arguments() -> None:
    from spiders.facebook import FacebookSpider

    spider = FacebookSpider(page="https://www.facebook.com/shopmebong/|other.page", max_pages="2")
    assert (spider.pages, spider.max_pages) == (["shopmebong", "other.page"], 2)
    with pytest.raises(ValueError, match="a Page"):
        FacebookSpider()
    with pytest.raises(ValueError, match="max_pages must be a whole number"):
        FacebookSpider(page="x", max_pages="abc")


def stored_listings(db_url: str) -> dict[str, dict[str, object]]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(Listing.external_id, Listing.price, Listing.description, Listing.contacts, Listing.attributes,
                   Listing.images)
        ).all()  # fmt: skip
    engine.dispose()
    return {r[0]: {"price": r[1], "description": r[2], "contacts": r[3], "attributes": r[4], "images": r[5]}
            for r in rows}  # fmt: skip


def test_search_results_followed_to_their_item_pages(
    mirror: MirrorHandle, sqlite_url: str, state: str
) -> None:
    """``item_pages=1``: each result's item page is opened in Chromium; the description gives the price when
    the listing says 0 ("Miễn phí") and the phone/Zalo contacts; sold/pending are kept as availability."""
    catalogue = load_catalogue()
    expected = {listing_id(p): p for p in catalogue.query("sữa", None, "default").page(0, PAGE_SIZE)}
    [stats] = crawl(sqlite_url, "facebook", "--base-url", mirror.url, "--query", "sữa", "--max-pages", "1",
                    "--arg", f"storage_state={state}", "--arg", "details=1", timeout=240)  # fmt: skip
    served = mirror.stats()["requests"]
    assert served["item_page"] == stats["ecomwatch/pages/detail"] == len(expected) == PAGE_SIZE
    listings = stored_listings(sqlite_url)
    assert set(listings) == set(expected) and stats["item_scraped_count"] == PAGE_SIZE
    styles = {lid: price_style(p) for lid, p in expected.items()}
    assert set(styles.values()) == {"amount", "in_text", "ib"}  # the mirror's page gives all three
    for lid, product in expected.items():
        got = listings[lid]
        assert product.name in str(got["description"]) or product.description.strip() in str(
            got["description"]
        )
        if styles[lid] == "amount":
            assert got["price"] == product.price
        elif styles[lid] == "in_text":  # "1tr2", "350k", "1.200.000đ": within the writing's rounding
            assert isinstance(got["price"], int) and 0 <= product.price - got["price"] < 100_000
        else:
            assert got["price"] is None  # "giá ib"
        has_number = "Inbox page" not in contact(product)
        assert bool((got["contacts"] or {}).get("phones")) == has_number, (lid, got["contacts"])
        availability = {"sold": "sold", "pending": "pending", "available": "in_stock"}[status(product)]
        assert got["attributes"]["availability"] == availability
        assert len(got["images"]) >= 1  # type: ignore[arg-type]
    assert stats.get("ecomwatch/posts/no_price", 0) == list(styles.values()).count("ib")


def test_item_pages_are_off_by_default_and_the_argument_is_checked() -> None:
    from spiders.facebook import FacebookSpider

    assert FacebookSpider(query="x").item_pages is False  # `ecomwatch crawl facebook` without --details
    assert FacebookSpider(query="x", details=True).item_pages is True  # --details
    assert FacebookSpider(query="x", details=False, item_pages="1").item_pages is False  # --no-details wins
    assert FacebookSpider(query="x", details="1").item_pages is True  # -a details=1
    assert FacebookSpider(query="x", item_pages="yes").item_pages is True
    with pytest.raises(ValueError, match="item_pages must be true or false, got 'sometimes'"):
        FacebookSpider(query="x", item_pages="sometimes")
