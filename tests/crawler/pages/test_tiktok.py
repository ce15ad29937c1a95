"""TikTok Shop page object on saved pages (shapes from marketplaces.md §5), crawl time pinned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.items import Listing
from crawler.pages import Blocked, PageError, tiktok

RESPONSES = Path(__file__).parent / "responses"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
PRODUCT = "tiktok_product_1729389012345678901.html"


def read(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def test_product_page_in_listing_terms() -> None:
    info = tiktok.parse_product(read(PRODUCT), url="https://www.tiktok.com/view/product/1729389012345678901")
    listing = tiktok.listing_from_product(info, url="https://x/view/product/1", crawled_at=CRAWLED_AT)
    got = Listing.model_validate(listing)
    assert got.model_dump(mode="json", exclude={"raw"}) == {
        "source": "tiktok", "external_id": "1729389012345678901",
        "url": "https://www.tiktok.com/view/product/1729389012345678901",
        "title": "Son kem lì Romand Juicy Lasting Tint chính hãng",
        "description": "Son kem lì Hàn Quốc, hàng xách tay.\nLiên hệ Zalo 0987 654 321",  # desc_detail: JSON in JSON
        "price": 129000, "original_price": 259000, "currency": "VND", "category_path": "", "brand": None,
        "seller": {"source": "tiktok", "external_id": "7494123456789012345", "name": "Mỹ phẩm Hàn Xách Tay",
                   "url": "https://www.tiktok.com/shop/store/my-pham-han/7494123456789012345",
                   "location": "Nước ngoài", "is_official": None},
        "shop_name": "Mỹ phẩm Hàn Xách Tay", "shop_location": "Nước ngoài", "province": None,
        "province_legacy": None, "is_abroad": False, "is_official_shop": None, "sold_count": 1234, "rating": None,
        "images": ["https://p16-oec-va.ibyteimg.com/1.jpeg"],
        "attributes": {"Thương hiệu": "Romand", "Xuất xứ": "Hàn Quốc"}, "contacts": {},
        "crawled_at": "2026-11-27T08:00:00Z", "raw_ref": None,
    }  # fmt: skip


def test_captcha_page_is_a_block() -> None:
    for parse in (tiktok.parse_product, tiktok.parse_seller):
        with pytest.raises(Blocked) as caught:
            parse(read("tiktok_captcha.html"), url="https://www.tiktok.com/view/product/1")
        assert caught.value.kind == "captcha"


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body>nothing here</body></html>",
        read(PRODUCT)[: len(read(PRODUCT)) // 2],  # truncated inside the script
        b'<script id="__MODERN_ROUTER_DATA__" type="application/json">{"loaderData": {}}</script>',
    ],
)
def test_unreadable_product_pages(body: bytes) -> None:
    with pytest.raises(PageError):
        tiktok.parse_product(body, url="https://www.tiktok.com/view/product/1")


def test_seller_page_links_and_next() -> None:
    page = tiktok.parse_seller(read("tiktok_seller_page1.html"), url="https://www.tiktok.com/shop/store/a/1")
    assert page.product_urls == [
        "https://www.tiktok.com/view/product/1729389012345678901?source=store",
        "https://www.tiktok.com/view/product/1729389012345678902",
    ]
    assert page.next_url == "https://www.tiktok.com/shop/store/my-pham-han/7494123456789012345?page=2"


@pytest.mark.parametrize(("text", "vnd"), [("129.000", 129000), ("₫1.200.000", 1200000), ("", None)])
def test_price_strings(text: str, vnd: int | None) -> None:
    assert tiktok._price(text) == vnd


def test_seller_page_cards_in_listing_terms() -> None:
    """Cards in the search-result product shape of marketplaces.md §5, embedded in the seller page."""
    page = tiktok.parse_seller(read("tiktok_seller_cards.html"), url="https://www.tiktok.com/shop/store/a/1")
    assert [c["product_id"] for c in page.cards] == ["1729389012345678901", "1729389012345678902"]
    assert len(page.product_urls) == 2 and page.next_url is not None
    got = Listing.model_validate(tiktok.listing_from_card(page.cards[0], crawled_at=CRAWLED_AT))
    assert got.model_dump(mode="json", exclude={"raw"}) == {
        "source": "tiktok", "external_id": "1729389012345678901",
        "url": "https://www.tiktok.com/view/product/1729389012345678901",
        "title": "Son kem lì Romand Juicy Lasting Tint chính hãng", "description": "",
        "price": 129000, "original_price": None, "currency": "VND", "category_path": "", "brand": None,
        "seller": {"source": "tiktok", "external_id": "7494123456789012345", "name": "Mỹ phẩm Hàn Xách Tay",
                   "url": None, "location": None, "is_official": None},
        "shop_name": "Mỹ phẩm Hàn Xách Tay", "shop_location": None, "province": None,
        "province_legacy": None, "is_abroad": False, "is_official_shop": None, "sold_count": 1234, "rating": 4.8,
        "images": ["https://p16-oec-va.ibyteimg.com/tos-alisg-i-aphluv4xwc-sg/a1~tplv.jpeg"],
        "attributes": {}, "contacts": {}, "crawled_at": "2026-11-27T08:00:00Z", "raw_ref": None,
    }  # fmt: skip
    second = tiktok.listing_from_card(page.cards[1], crawled_at=CRAWLED_AT)
    assert (second["price"], second["images"]) == (89000, [])  # "89000.00" is a decimal, not 8.900.000
    assert tiktok.parse_seller(read("tiktok_seller_page1.html"), url="https://www.tiktok.com/").cards == []
