"""Facebook Marketplace item page object on saved pages (marketplaces.md §6), crawl time pinned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.items import Listing
from crawler.pages import Blocked, PageError
from crawler.pages import facebook_item as item

RESPONSES = Path(__file__).parent / "responses"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
URL = "https://www.facebook.com/marketplace/item/1187345502261990/?ref=search"


def read(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def test_item_page_in_listing_terms() -> None:
    """Price 0 ("Miễn phí") with the price in the description; pending; two photos; text kept as written."""
    listing = item.parse_item_page(read("facebook_item_page.html"), url=URL, crawled_at=CRAWLED_AT)
    got = Listing.model_validate(listing)
    assert got.model_dump(mode="json", exclude={"raw"}) == {
        "source": "facebook", "external_id": "1187345502261990",
        "url": "https://www.facebook.com/marketplace/item/1187345502261990/",
        "title": "Sữa bột Aptamil Đức nội địa xách tay <date mới>",
        "description": "Hàng xách tay Đức, date 2027.\nGiá: 1tr2/hộp, lấy 3 hộp giảm 50k.\n"
                       "Liên hệ Zalo 0912 345 678 hoặc inbox </script> page.",
        "price": 1_200_000, "original_price": None, "currency": "VND", "category_path": "", "brand": None,
        "seller": {"source": "facebook", "external_id": "100089912345678", "name": "Mẹ Bống Shop",
                   "url": "https://www.facebook.com/profile.php?id=100089912345678", "location": None,
                   "is_official": None},
        "shop_name": "Mẹ Bống Shop", "shop_location": "Kiên Giang", "province": None, "province_legacy": None,
        "is_abroad": False, "is_official_shop": None, "sold_count": None, "rating": None,
        "images": ["https://scontent.fsgn2-1.fna.fbcdn.net/v/t45.5328-4/1.jpg",
                   "https://scontent.fsgn2-1.fna.fbcdn.net/v/t45.5328-4/2.jpg"],
        "attributes": {"availability": "pending", "location": "Rạch Giá, Kiên Giang", "condition": "new"},
        "contacts": {}, "crawled_at": "2026-11-27T08:00:00Z", "raw_ref": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("price", "description", "expected"),
    [
        ({"formatted_amount": "1.200.000 ₫", "amount": "1200000.00"}, "Giá 2tr", 1_200_000),  # amount wins
        ({"formatted_amount": "350.000 ₫", "amount": None}, "", 350_000),  # no amount: the formatted text
        ({"formatted_amount": "Miễn phí", "amount": "0.00"}, "Giá: 350k. Zalo 0912345678", 350_000),
        ({"formatted_amount": "Miễn phí", "amount": "0.00"}, "Giá ib, inbox để biết giá.", None),
        ({"formatted_amount": "Miễn phí", "amount": "0"}, "", None),
        ({"amount": "abc"}, "99.000đ", 99_000),
    ],
)
def test_price_from_amount_or_the_free_text(price: dict, description: str, expected: int | None) -> None:
    assert item.item_price(price, description) == expected


@pytest.mark.parametrize("name", ["facebook_item_removed.html", "facebook_item_notice_only.html"])
def test_a_removed_listing_is_gone_not_malformed(name: str) -> None:
    with pytest.raises(item.ListingGone, match="1187345502261990 was removed"):
        item.parse_item_page(read(name), url=URL)


def test_login_wall_is_a_block() -> None:
    with pytest.raises(Blocked) as caught:
        item.parse_item_page(read("facebook_login_wall.html"), url=URL)
    assert caught.value.kind == "login_wall"


def test_a_page_without_the_listing_json_is_malformed() -> None:
    page = read("facebook_item_page.html")
    cut = page[: len(page) // 2]  # truncated inside the listing's JSON
    with pytest.raises(PageError) as caught:
        item.parse_item_page(cut, url=URL)
    assert not isinstance(caught.value, (Blocked, item.ListingGone))
    with pytest.raises(PageError, match="no embedded"):
        item.parse_item_page(b"<html><body>Marketplace</body></html>", url=URL)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.facebook.com/marketplace/item/392128523205558/", "392128523205558"),
        ("https://m.facebook.com/marketplace/item/392128523205558?ref=share", "392128523205558"),
        ("https://facebook.com/marketplace/item/1/", "1"),
        ("https://www.facebook.com/marketplace/hanoi/search/?query=x", None),
        ("https://evil-facebook.com/marketplace/item/1/", None),
        ("https://www.facebook.com/marketplace/item/abc/", None),
    ],
)
def test_item_ids_from_urls(url: str, expected: str | None) -> None:
    assert item.item_id(url) == expected
