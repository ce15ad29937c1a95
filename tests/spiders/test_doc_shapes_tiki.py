"""Tiki shapes marketplaces.md §3 documents that the bundled mirror does not serve, over real HTTP.

Another mirror built from the doc may send them; each test is one gap that once lost or delayed listings.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from sqlalchemy import select

from storage.db import make_engine, make_session_factory
from storage.models import Listing
from tests.spiders.crawl_helpers import crawl, db_counts
from tests.spiders.doc_server import Answer, Asked, answer_json, serve


def tiki_item(product_id: int, price: int = 133900) -> dict:
    """A search item with the fields §3.2 shows."""
    return {
        "id": product_id, "sku": str(product_id), "name": f"Mũ bảo hiểm Napoli {product_id}",
        "url_key": f"mu-bao-hiem-napoli-p{product_id}", "url_path": f"mu-bao-hiem-napoli-p{product_id}.html?spid={product_id + 1}",
        "seller_id": 357299, "seller_name": "Nón Bảo Hiểm Napoli", "brand_name": "Napoli",
        "price": price, "original_price": 195000, "discount_rate": 31, "rating_average": 5, "review_count": 1,
        "primary_category_name": "Mũ 1/2", "thumbnail_url": "https://salt.tikicdn.com/x.jpg",
        "seller_product_id": product_id + 1, "quantity_sold": {"text": "Đã bán 6", "value": 6},
        "origin": "Việt Nam", "is_from_official_store": False,
    }  # fmt: skip


def search_page(page_no: int, ids: list[int], paging: dict | None) -> dict:
    body: dict = {"data": [tiki_item(i) for i in ids], "sort_options": [], "widgets": []}
    if paging is not None:
        body["paging"] = paging
    return body


def test_retry_after_as_an_http_date_is_waited_for(sqlite_url: str) -> None:
    """§3.4: Tiki's limit is HTTP 429; Retry-After may be an HTTP-date rather than seconds."""

    def products(asked: Asked) -> Answer:
        if asked.n == 1:
            when = format_datetime(datetime.now(UTC) + timedelta(seconds=3), usegmt=True)
            return answer_json(
                {"error": {"code": 429, "message": "Too Many Requests"}}, 429, **{"Retry-After": when}
            )
        paging = {"total": 2, "per_page": 40, "current_page": 1, "last_page": 1, "from": 1, "to": 2}
        return answer_json(search_page(1, [101, 102], paging))

    with serve({"/api/v2/products": products}) as server:
        started = datetime.now(UTC)
        [stats] = crawl(
            sqlite_url, "tiki", "--base-url", server.url, "--query", "mũ bảo hiểm", "--no-details"
        )
        elapsed = (datetime.now(UTC) - started).total_seconds()
    assert stats["ecomwatch/http/429"] == 1
    assert stats["ecomwatch/backoff/seconds"] >= 1.5, stats  # the date's wait, not our 0.05 s base
    assert elapsed >= 1.5
    assert db_counts(sqlite_url)["ids"] == {"101", "102"}


def paged(paging_of):  # type: ignore[no-untyped-def]
    """Three pages of two items, then empty pages; ``paging_of(page_no)`` is the page's ``paging``."""

    def products(asked: Asked) -> Answer:
        page_no = int(asked.params.get("page", "1"))
        ids = [page_no * 100 + 1, page_no * 100 + 2] if page_no <= 3 else []
        return answer_json(search_page(page_no, ids, paging_of(page_no)))

    return products


def test_paging_without_last_page_reads_every_page(sqlite_url: str) -> None:
    """§3.1: paging carries total and per_page; a mirror that leaves out last_page (or paging altogether)
    must not stop the crawl after page 1."""
    shapes = {
        "total_and_per_page": lambda p: {"total": 6, "per_page": 2, "current_page": p},
        "no_paging": lambda p: None,
    }
    for name, paging_of in shapes.items():
        db = sqlite_url.replace(".db", f"_{name}.db")
        with serve({"/api/v2/products": paged(paging_of)}) as server:
            [stats] = crawl(db, "tiki", "--base-url", server.url, "--query", "mũ", "--no-details",
                            "--max-pages", "10")  # fmt: skip
            asked = [p for p in server.requests if p.startswith("/api/v2/products")]
        assert db_counts(db)["ids"] == {"101", "102", "201", "202", "301", "302"}, name
        assert stats["ecomwatch/pages/search"] <= 4, (name, stats)  # stops at the end, not at max_pages
        assert len(asked) <= 4, (name, asked)


def test_url_key_alone_gives_the_product_page(sqlite_url: str) -> None:
    """§3.2: ``url_key`` is the page's name without ".html" (``url_path`` has it); an item with only
    ``url_key`` is stored with the product page's URL, not a path that does not exist."""
    item = tiki_item(276048484)
    del item["url_path"]
    paging = {"total": 1, "per_page": 40, "current_page": 1, "last_page": 1}
    body = {"data": [item], "paging": paging}
    with serve({"/api/v2/products": answer_json(body)}) as server:
        crawl(sqlite_url, "tiki", "--base-url", server.url, "--query", "mũ", "--no-details")
    engine = make_engine(sqlite_url)
    with make_session_factory(engine)() as session:
        urls = session.scalars(select(Listing.url)).all()
    engine.dispose()
    assert urls == [f"{server.url}/mu-bao-hiem-napoli-p276048484.html"]  # the site crawled: here the mirror
