from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from crawler.items import Listing
from crawler.pipelines.normalize import NormalizePipeline
from crawler.pipelines.validate import ValidatePipeline

GOOD = {
    "source": "tiki",
    "external_id": 1001,
    "url": "https://tiki.vn/p1001.html",
    "title": "Thuốc lá Jet  nhập khẩu\u200b",
    "price": 25000,
    "shop_location": "Kiên Giang",
    "seller": {"source": "tiki", "external_id": 42, "name": " Kho  Jet "},
    "crawled_at": datetime(2026, 11, 27, tzinfo=UTC),
}


@pytest.fixture
def crawler():  # type: ignore[no-untyped-def]
    crawler = get_crawler()
    crawler.stats.open_spider()
    return crawler


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"price": "Liên hệ"}, "price"),
        ({"price": "1.200.000đ"}, "price"),
        ({"price": -5}, "price"),
        ({"external_id": ""}, "external_id"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_invalid_items_are_dropped_and_counted(crawler, change, field) -> None:  # type: ignore[no-untyped-def]
    pipeline = ValidatePipeline.from_crawler(crawler)
    item = {k: v for k, v in GOOD.items() if change.get(k, ...) is not None or k not in change} | {
        k: v for k, v in change.items() if v is not None
    }
    with pytest.raises(DropItem, match=field):
        pipeline.process_item(item)
    assert crawler.stats.get_value("ecomwatch/items/invalid") == 1
    assert crawler.stats.get_value(f"ecomwatch/items/invalid/{field}") == 1


def test_valid_item_becomes_listing(crawler) -> None:  # type: ignore[no-untyped-def]
    listing = ValidatePipeline.from_crawler(crawler).process_item(dict(GOOD))
    assert isinstance(listing, Listing)
    assert listing.external_id == "1001" and listing.seller is not None and listing.seller.external_id == "42"


def test_normalise_text_location_and_seller(crawler) -> None:  # type: ignore[no-untyped-def]
    listing = Listing.model_validate(GOOD | {"title": unicodedata.normalize("NFD", GOOD["title"])})
    out = NormalizePipeline.from_crawler(crawler).process_item(listing)
    assert out.title == "Thuốc lá Jet nhập khẩu"
    assert unicodedata.is_normalized("NFC", out.title)
    assert (out.shop_location, out.province_legacy, out.province) == ("Kiên Giang", "Kiên Giang", "An Giang")
    assert out.seller is not None and out.seller.name == "Kho Jet"
    assert out.shop_name == "Kho Jet"


def test_abroad_seller(crawler) -> None:  # type: ignore[no-untyped-def]
    listing = Listing.model_validate(GOOD | {"shop_location": "Nước ngoài"})
    out = NormalizePipeline.from_crawler(crawler).process_item(listing)
    assert out.is_abroad and out.province is None


def test_contacts_from_title_description_and_shop_name_are_merged(crawler) -> None:  # type: ignore[no-untyped-def]
    listing = Listing.model_validate(
        GOOD
        | {
            "description": "Inbox zalo 0909.123.456 hoặc t.me/khojet",
            "shop_name": "Kho Jet 0912 345 678",
            "contacts": {"links": ["https://facebook.com/khojet"]},
        }
    )
    out = NormalizePipeline.from_crawler(crawler).process_item(listing)
    assert out.contacts == {
        "links": ["https://facebook.com/khojet", "https://t.me/khojet"],
        "phones": ["+84909123456", "+84912345678"],
        "zalo": ["+84909123456"],
    }
