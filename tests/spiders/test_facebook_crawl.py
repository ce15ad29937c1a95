"""Crawl the Facebook mirror through Debian's Chromium: Marketplace by scrolling (GraphQL), group posts, login wall."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mirror import MirrorHandle, start_mirror
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
