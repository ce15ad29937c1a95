"""Tiki page object on saved responses (shapes from marketplaces.md §3), crawl time pinned."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.items import Listing
from crawler.pages import PageError, tiki

RESPONSES = Path(__file__).parent / "responses"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def test_search_page_items_and_paging() -> None:
    page = tiki.parse_search((RESPONSES / "tiki_search_p1.json").read_bytes())
    assert (page.current_page, page.last_page, page.total) == (1, 50, 2000)
    listing = Listing.model_validate(
        tiki.listing_from_search_item(page.items[0], site_url="https://tiki.vn/", crawled_at=CRAWLED_AT)
    )
    assert listing.external_id == "276048484"
    assert listing.url == "https://tiki.vn/mu-bao-hiem-luoi-trai-napoli-p276048484.html?spid=276048496"
    assert (listing.price, listing.original_price, listing.sold_count) == (133900, 195000, 6)
    assert listing.attributes == {"origin": "Việt Nam"}
    assert listing.seller is not None and listing.seller.external_id == "357299"
    assert listing.shop_name == "Nón Bảo Hiểm Napoli"


def test_search_item_without_quantity_sold() -> None:
    page = tiki.parse_search((RESPONSES / "tiki_search_p1.json").read_bytes())
    fields = tiki.listing_from_search_item(page.items[1], site_url="https://tiki.vn/", crawled_at=CRAWLED_AT)
    assert fields["sold_count"] is None
    assert fields["images"] == []


def test_detail_merge_reads_description_seller_and_specifications() -> None:
    page = tiki.parse_search((RESPONSES / "tiki_search_p1.json").read_bytes())
    base = tiki.listing_from_search_item(page.items[1], site_url="https://tiki.vn/", crawled_at=CRAWLED_AT)
    detail = tiki.parse_detail((RESPONSES / "tiki_detail_1001.json").read_bytes())
    listing = Listing.model_validate(tiki.merge_detail(base, detail, site_url="https://tiki.vn/"))
    assert listing.description == "Hàng rep 1:1 như auth & check thoải mái\nXuất xứ: Quảng Châu"
    assert listing.attributes["origin"] == "Trung Quốc"
    assert listing.attributes["brand_country"] == "Pháp"
    assert listing.original_price == 900000
    assert listing.category_path == "Thời trang > Túi xách"
    assert listing.seller is not None and listing.seller.url == "https://tiki.vn/cua-hang/kho-tui-hieu"
    assert listing.sold_count == 12
    assert listing.images == ["https://salt.tikicdn.com/l/a.jpg"]
    assert listing.raw is not None and listing.raw["detail"]["id"] == 1001


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"data": [{"id": 1, "na', "malformed JSON"),
        (b'{"error": "x"}', "no 'data' list"),
        (b"<html>", "malformed"),
    ],
)
def test_unreadable_search_page(body: bytes, message: str) -> None:
    with pytest.raises(PageError, match=message):
        tiki.parse_search(body)


def test_detail_without_id_is_an_error() -> None:
    with pytest.raises(PageError):
        tiki.parse_detail(json.dumps({"error": {"code": 404}}))
