"""Sendo shapes marketplaces.md §4 documents that the bundled mirror does not serve, over real HTTP."""

from __future__ import annotations

from sqlalchemy import select

from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.spiders.crawl_helpers import crawl
from tests.spiders.doc_server import Answer, Asked, answer_json, serve


def sendo_item(product_id: int, **fields: object) -> dict:
    """A search item with §4.2's fields."""
    item = {
        "id": product_id, "name": f"Kem Chống Nắng Sunplay Skin Aqua (nội Địa Nhật) {product_id}",
        "category_path": f"kem-chong-nang-sunplay-{product_id}.html",
        "image": "https://media3.scdn.vn/img4/2021/11_08/a.jpg",
        "default_price_min": 220000, "default_price_max": 220000, "sale_price_min": 168000,
        "sale_price_max": 188000, "sale_percent": 24, "sold": 2, "order_count_text": "2",
        "seller_admin_id": 274582, "sku_user": f"2988_{product_id}", "stock_status": 1,
        "shop": {"id": 274582, "name": "kimora", "ware_house_region_name": "Hà Nội"},
        "rated": {"total": 7, "star": 4.9},
    }  # fmt: skip
    return item | fields


def test_null_sale_price_and_null_data_at_the_end(sqlite_url: str) -> None:
    """§4.1/§4.2: an item without a sale price is sold at its default price; past the last page the
    answer's ``data`` may be null instead of [] — the end of results, not a malformed page."""

    def products(asked: Asked) -> Answer:
        if asked.params.get("page") == "1":
            items = [sendo_item(63797186), sendo_item(63797187, sale_price_min=None, sale_price_max=None)]
            return answer_json({"data": items, "status": {"code": 200}})
        return answer_json({"data": None, "status": {"code": 200}})

    with serve({"/web/products": products}) as server:
        [stats] = crawl(sqlite_url, "sendo", "--base-url", server.url, "--query", "kem chống nắng",
                        "--no-details", "--max-pages", "5")  # fmt: skip
    assert stats["ecomwatch/pages/search"] == 2, stats
    assert stats.get("ecomwatch/pages/malformed", 0) == 0 and stats.get("ecomwatch/pages/lost", 0) == 0
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as session:
        prices = dict(session.execute(select(Listing.external_id, Listing.price)).all())
    engine.dispose()
    assert prices == {"63797186": 168000, "63797187": 220000}


def test_a_page_cap_that_repeats_the_last_page_ends_the_search(sqlite_url: str) -> None:
    """§4.1: runs stop at a page cap; a site that answers every page past its cap with its last page
    again must end the search there, not be read again up to max_pages."""

    def products(asked: Asked) -> Answer:
        page_no = min(int(asked.params.get("page", "1")), 3)  # pages past 3 repeat page 3
        items = [sendo_item(page_no * 100 + 1), sendo_item(page_no * 100 + 2)]
        return answer_json({"data": items, "status": {"code": 200}})

    with serve({"/web/products": products}) as server:
        [stats] = crawl(sqlite_url, "sendo", "--base-url", server.url, "--query", "kem chống nắng",
                        "--no-details", "--max-pages", "20")  # fmt: skip
        asked = [p for p in server.requests if p.startswith("/web/products")]
    assert len(asked) == 4 and stats["ecomwatch/search/repeated_page"] == 1, (asked, stats)
    assert stats["item_scraped_count"] == 6
