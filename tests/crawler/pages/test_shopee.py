"""Shopee page object on saved API responses (shapes from marketplaces.md §1), crawl time pinned."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler.items import Listing
from crawler.pages import Blocked, PageError, shopee

RESPONSES = Path(__file__).parent / "responses"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def read(name: str) -> bytes:
    return (RESPONSES / name).read_bytes()


def items() -> list[dict]:
    return shopee.parse_search(read("shopee_search_p1.json")).items


def test_search_page_and_its_end() -> None:
    page = shopee.parse_search(read("shopee_search_p1.json"))
    assert (len(page.items), page.nomore, page.total) == (3, False, 123)  # the null item_basic is skipped
    end = shopee.parse_search(read("shopee_search_end.json"))
    assert (end.items, end.nomore) == ([], True)


def test_search_item_in_listing_terms() -> None:
    got = Listing.model_validate(shopee.listing_from_item(items()[0], crawled_at=CRAWLED_AT))
    assert got.model_dump(mode="json", exclude={"raw"}) == {
        "source": "shopee", "external_id": "17599062482",
        "url": "https://shopee.vn/" + quote("Mũ-bảo-hiểm-Napoli-nửa-đầu-Đủ-màu-[FREESHIP]") + "-i.298458622.17599062482",
        "title": "Mũ bảo hiểm Napoli nửa đầu - Đủ màu - [FREESHIP]", "description": "",
        "price": 157000, "original_price": 169000, "currency": "VND", "category_path": "", "brand": "Napoli",
        "seller": {"source": "shopee", "external_id": "298458622", "name": "Mũ Bảo Hiểm Vân Á",
                   "url": "https://shopee.vn/shop/298458622", "location": "Bạc Liêu", "is_official": False},
        "shop_name": "Mũ Bảo Hiểm Vân Á", "shop_location": "Bạc Liêu", "province": None, "province_legacy": None,
        "is_abroad": False, "is_official_shop": False, "sold_count": 15544, "rating": 4.894,
        "images": ["https://down-vn.img.susercontent.com/file/vn-11134207-7r98o-lmeam5slgxjzd1",
                   "https://down-vn.img.susercontent.com/file/bc5bb8d451dd2cf1e9c14c473aff25f2"],
        "attributes": {"shopee_verified": "true", "rating_count": "3198"}, "contacts": {},
        "crawled_at": "2026-11-27T08:00:00Z", "raw_ref": None,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("index", "price", "original", "location", "official"),
    [
        (1, 4000, None, "Nước ngoài", False),  # cross-border seller, 4,000 ₫ helmet, no discount
        (2, 890000, 890000, None, True),  # shop_location "" → unknown
    ],
)
def test_search_item_quirks(
    index: int, price: int, original: int | None, location: str | None, official: bool
) -> None:
    listing = shopee.listing_from_item(items()[index], crawled_at=CRAWLED_AT)
    assert (listing["price"], listing["original_price"]) == (price, original)
    assert (listing["shop_location"], listing["is_official_shop"]) == (location, official)
    Listing.model_validate(listing)


def test_price_as_text_is_left_for_the_validator() -> None:
    item = items()[0]
    item["item_basic"]["price"] = "Liên hệ"
    assert shopee.listing_from_item(item)["price"] == "Liên hệ"


def test_detail_merged_into_the_search_item() -> None:
    listing = shopee.listing_from_item(items()[0], crawled_at=CRAWLED_AT)
    data = shopee.parse_detail(read("shopee_detail_17599062482.json"))
    assert data is not None
    merged = Listing.model_validate(shopee.merge_detail(listing, data))
    assert (merged.price, merged.original_price, merged.sold_count) == (155000, 169000, 15600)
    assert merged.category_path == "Mô Tô, Xe Máy > Mũ bảo hiểm"
    assert merged.attributes == {"shopee_verified": "true", "rating_count": "3198", "Xuất xứ": "Trung Quốc",
                                 "Ngày sản xuất": "2023-10-03"}  # fmt: skip
    assert merged.description.startswith("Mũ bảo hiểm nửa đầu.")
    assert merged.seller is not None and merged.seller.location == "Phường 3, Bạc Liêu"


def test_detail_of_a_gone_item() -> None:
    assert shopee.parse_detail(read("shopee_detail_gone.json")) is None


@pytest.mark.parametrize("parse", [shopee.parse_search, shopee.parse_detail])
def test_anti_bot_json_is_a_block(parse) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Blocked) as caught:
        parse(read("shopee_block_90309999.json"))
    assert caught.value.kind == "anti_bot"


@pytest.mark.parametrize(
    ("status", "url", "kind"),
    [
        (
            200,
            "https://shopee.vn/verify/traffic/error?next=https%3A%2F%2Fshopee.vn%2Fsearch",
            "traffic_error",
        ),
        (200, "https://shopee.vn/verify/captcha?anti_bot_tracking_id=abc", "captcha"),
        (403, "https://shopee.vn/search?keyword=x", "forbidden"),
        (200, "https://shopee.vn/search?keyword=verify", None),
    ],
)
def test_blocks_seen_from_the_page_load(status: int, url: str, kind: str | None) -> None:
    block = shopee.block_for(status, url)
    assert (block.kind if block else None) == kind


@pytest.mark.parametrize("body", [b'{"items": [', b"[]", b'{"error": null}', b'{"error": 2, "items": null}'])
def test_unreadable_search_pages(body: bytes) -> None:
    with pytest.raises(PageError):
        shopee.parse_search(body)


def test_truncated_detail() -> None:
    with pytest.raises(PageError):
        shopee.parse_detail(read("shopee_detail_17599062482.json")[:300])
