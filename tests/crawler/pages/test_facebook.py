"""Facebook page object on saved pages (shapes from marketplaces.md §6), crawl time pinned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.items import Listing
from crawler.pages import Blocked, PageError, facebook

RESPONSES = Path(__file__).parent / "responses"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
URL = "https://www.facebook.com/marketplace/hanoi/search/?query=s%E1%BB%AFa"


def read(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def test_embedded_feed_units_in_listing_terms() -> None:
    feed = facebook.parse_search_page(read("facebook_marketplace_search.html"), url=URL)
    assert (len(feed.edges), feed.has_next_page, feed.end_cursor) == (
        2,
        True,
        "AbpW8Z3kLq",
    )  # no-listing unit skipped
    got = Listing.model_validate(facebook.listing_from_edge(feed.edges[0], crawled_at=CRAWLED_AT))
    assert got.model_dump(mode="json", exclude={"raw"}) == {
        "source": "facebook", "external_id": "392128523205558",
        "url": "https://www.facebook.com/marketplace/item/392128523205558/",
        "title": "Sữa bột Aptamil Đức nội địa xách tay", "description": "", "price": 1200000,
        "original_price": None, "currency": "VND", "category_path": "", "brand": None,
        "seller": {"source": "facebook", "external_id": "100089912345678", "name": "Mẹ Bống Shop",
                   "url": "https://www.facebook.com/profile.php?id=100089912345678", "location": None,
                   "is_official": None},
        "shop_name": "Mẹ Bống Shop", "shop_location": "Kiên Giang", "province": None, "province_legacy": None,
        "is_abroad": False, "is_official_shop": None, "sold_count": None, "rating": None,
        "images": ["https://scontent.fsgn2-1.fna.fbcdn.net/v/t45.5328-4/1.jpg"],
        "attributes": {"location": "Rạch Giá, Kiên Giang"}, "contacts": {},
        "crawled_at": "2026-11-27T08:00:00Z", "raw_ref": None,
    }  # fmt: skip
    second = facebook.listing_from_edge(feed.edges[1], crawled_at=CRAWLED_AT)
    assert (second["price"], second["shop_location"], "seller" in second) == (350000, "Hà Nội", False)


def test_graphql_pages_end_and_login() -> None:
    last = facebook.parse_graphql(read("facebook_graphql_last.json"))  # two JSON objects, one per line
    assert (last.edges, last.has_next_page, last.end_cursor) == ([], False, None)
    with pytest.raises(Blocked):
        facebook.parse_graphql(read("facebook_graphql_login.json"))
    with pytest.raises(PageError):
        facebook.parse_graphql(b'{"errors": [{"message": "PersistedQueryNotFound"}]}')


@pytest.mark.parametrize("parse", [facebook.parse_search_page, facebook.parse_posts])
def test_login_wall_is_a_block(parse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Blocked) as caught:
        parse(read("facebook_login_wall.html"), url=URL)
    assert caught.value.kind == "login_wall"


def test_group_posts_with_free_text_prices() -> None:
    posts = facebook.parse_posts(
        read("facebook_group_posts.html"), url="https://www.facebook.com/groups/999/"
    )
    assert [(p["external_id"], p["price"], p["shop_name"]) for p in posts] == [
        ("post:1111", 1_200_000, "Lan Anh"),  # "1tr2", after "giá rẻ" earlier in the text
        ("post:2222", 350_000, "Shop Nước Hoa"),  # "350k", no "Giá:"
        ("post:3333", None, "Thuốc Xách Tay"),  # "giá ib": ask in the inbox
        ("post:4444", 1_200_000, "Đồng hồ Hải"),  # "1.200.000đ"
    ]
    assert posts[0]["url"] == "https://www.facebook.com/groups/999/posts/1111/"
    assert posts[2]["description"] == "Thuốc giảm cân Thái Lan & Lào, giá ib"
    for post in posts:
        Listing.model_validate(post)


def test_page_without_the_feed() -> None:
    with pytest.raises(PageError):
        facebook.parse_search_page(b"<html><body></body></html>", url=URL)


def test_graphql_stream_every_object_read_a_malformed_one_counted() -> None:
    """``for (;;);`` then newline-separated objects: the feed of each is kept, the broken one counted."""
    feed = facebook.parse_graphql(read("facebook_graphql_stream.txt"))
    assert [e["node"]["listing"]["id"] for e in feed.edges] == ["7001", "7002"]
    assert (feed.has_next_page, feed.end_cursor, feed.malformed) == (True, "c2", 1)


@pytest.mark.parametrize(
    ("body", "objects", "malformed"),
    [
        (b'{"a": 1}', [{"a": 1}], 0),
        (b'for (;;);{"a": 1}\n{"b": 2}\n', [{"a": 1}, {"b": 2}], 0),
        (b'{"a": 1}{"b": 2}\n{"c": \n{"d": 4}', [{"a": 1}, {"b": 2}, {"d": 4}], 1),
    ],
)
def test_graphql_objects(body: bytes, objects: list, malformed: int) -> None:
    assert facebook.graphql_objects(body) == (objects, malformed)


@pytest.mark.parametrize("body", [b"", b"for (;;);", b'{"data": {"marketplace_search"'])
def test_graphql_with_no_readable_object(body: bytes) -> None:
    with pytest.raises(PageError):
        facebook.parse_graphql(body)


def test_page_posts_rendered_with_free_text_prices_and_contacts() -> None:
    from crawler.contacts import extract_contacts

    body = read("facebook_page_posts.html")
    posts = facebook.parse_posts(body, url="https://www.facebook.com/mebongshop/", crawled_at=CRAWLED_AT)
    assert [(p["external_id"], p["price"], p["shop_name"], p["url"]) for p in posts] == [
        ("post:6001", 1_200_000, "Mẹ Bống Shop", "https://www.facebook.com/mebongshop/posts/6001/"),
        ("post:6002", None, "Mẹ Bống Shop", "https://www.facebook.com/mebongshop/posts/6002/"),  # "giá ib"
    ]
    assert extract_contacts(posts[0]["description"]).zalo == ["+84912345678"]
    assert facebook.has_more_posts(body) is True
    assert facebook.has_more_posts(read("facebook_group_posts.html")) is False
    for post in posts:
        Listing.model_validate(post)


def test_page_timeline_stream() -> None:
    timeline = facebook.parse_timeline(read("facebook_page_timeline.txt"), crawled_at=CRAWLED_AT)
    assert [(p["external_id"], p["price"]) for p in timeline.posts] == [
        ("post:5001", 1_200_000),  # in the first object
        ("post:5002", None),  # streamed; "giá ib"
        ("post:5004", 1_200_000),  # streamed after the malformed 5003
    ]
    assert (timeline.has_next_page, timeline.end_cursor, timeline.malformed) == (True, "AQHRx3", 1)
    got = Listing.model_validate(timeline.posts[1])
    assert got.model_dump(mode="json", include={"url", "title", "shop_name", "images", "description"}) == {
        "url": "https://www.facebook.com/mebongshop/posts/5002/", "title": "Kem trộn Thái trắng da, giá ib",
        "shop_name": "Mẹ Bống Shop", "images": ["https://scontent.xx.fbcdn.net/v/5002.jpg"],
        "description": "Kem trộn Thái trắng da, giá ib. Hotline/Zalo: 0987.654.321.",
    }  # fmt: skip
    with pytest.raises(Blocked):
        facebook.parse_timeline(read("facebook_graphql_login.json"))
    with pytest.raises(PageError, match="timeline_feed_units"):
        facebook.parse_timeline(b'for (;;);{"data": {}}')
