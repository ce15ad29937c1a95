"""The fast listing write paths store exactly what a plain SQLAlchemy Core INSERT would store.

``upsert_listings`` encodes rows itself (the driver's ``executemany`` on SQLite, one JSON document per
batch on PostgreSQL); these tests compare the stored values, read back without any type processing,
with rows written through ``insert(Listing.__table__)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, text
from sqlalchemy.orm import Session

from crawler import items
from storage import repositories as repo
from storage.models import Listing, Source
from tests.storage.test_repositories import T0, make_listing

COLUMNS = [c.name for c in Listing.__table__.columns if c.name not in ("id", "source_id")]

EDGE_CASES: list[dict[str, Any]] = [
    {},
    {"raw": None, "price": None, "original_price": None, "brand": None, "rating": None, "sold_count": None},
    {"is_abroad": True, "is_official_shop": True, "province": None, "shop_name": None},
    {"is_official_shop": False, "images": [], "attributes": {}, "raw": {}},
    {"images": ["https://a.vn/1.jpg", "https://a.vn/2.jpg"], "attributes": {"Màu": "Đỏ", "Size": "XL"}},
    {"raw": {"nested": {"list": [1, 2.5, None, True]}, "text": 'quote " backslash \\ tab \t đ 🔥'}},
    {"title": "Đồng hồ nam 'chính hãng' \"fake\" 1:1 🔥", "description": "dòng 1\ndòng 2\r\n\u00a0"},
    {"crawled_at": datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=7)))},
    {"crawled_at": datetime(2026, 1, 1, tzinfo=UTC), "rating": 0.0, "price": 0, "sold_count": 0},
    {"price": 9_000_000_000_000, "rating": 4.123456789012345},
    {"currency": "USD", "category_path": "", "raw_ref": "s3://raw/shopee/1.json.gz"},
]


def stored(session: Session, source_id: int) -> list[tuple[Any, ...]]:
    """Every column as the database holds it (PostgreSQL: its text form), in external id order."""
    dialect = session.get_bind().dialect.name
    select_list = ", ".join(f"{c}::text" if dialect == "postgresql" else c for c in COLUMNS)
    sql = f"SELECT {select_list} FROM listing WHERE source_id = :s ORDER BY external_id"  # noqa: S608
    return [tuple(row) for row in session.execute(text(sql), {"s": source_id})]


def core_insert(session: Session, listings: list[items.Listing], source_id: int, **extra: Any) -> None:
    rows = [
        repo._listing_row(
            item, source_id, extra.get("seller_id"), repo.content_hash(item), extra.get("risk", 0.0)
        )
        for item in listings
    ]
    session.execute(insert(Listing.__table__), rows)


@pytest.fixture
def session(migrated_engine: Engine):  # type: ignore[no-untyped-def]
    with Session(migrated_engine) as s:
        yield s


def test_repository_stores_what_core_stores(session: Session) -> None:
    batch = [make_listing(f"{i:02d}", **case) for i, case in enumerate(EDGE_CASES)]
    sources = repo.source_ids(session, ["shopee", "core"])
    seller = items.Seller(source="shopee", external_id="s1")
    seller_ids = repo.upsert_sellers(session, [seller], seen_at=T0)
    with_seller = [item.model_copy(update={"seller": seller}) for item in batch]

    repo.upsert_listings(
        session, with_seller, seller_ids=seller_ids, risk_scores={item.key: 0.625 for item in batch}
    )
    core_insert(
        session,
        [item.model_copy(update={"source": "core"}) for item in batch],
        sources["core"],
        seller_id=seller_ids[("shopee", "s1")],
        risk=0.625,
    )
    session.commit()

    written, expected = stored(session, sources["shopee"]), stored(session, sources["core"])
    assert len(written) == len(EDGE_CASES)
    for case, got, want in zip(EDGE_CASES, written, expected, strict=True):
        assert dict(zip(COLUMNS, got, strict=True)) == dict(zip(COLUMNS, want, strict=True)), case


def test_refreshed_rows_store_what_core_stores(session: Session) -> None:
    """The ON CONFLICT DO UPDATE branch writes the same encodings as the INSERT branch."""
    sources = repo.source_ids(session, ["shopee", "core"])
    repo.upsert_listings(session, [make_listing(f"{i:02d}") for i in range(len(EDGE_CASES))])
    session.commit()
    later = [
        make_listing(f"{i:02d}", **{"crawled_at": T0 + timedelta(days=1), **case})
        for i, case in enumerate(EDGE_CASES)
    ]
    repo.upsert_listings(session, later)
    core_insert(session, [item.model_copy(update={"source": "core"}) for item in later], sources["core"])
    session.commit()

    for got, want in zip(stored(session, sources["shopee"]), stored(session, sources["core"]), strict=True):
        got_row, want_row = dict(zip(COLUMNS, got, strict=True)), dict(zip(COLUMNS, want, strict=True))
        assert got_row.pop("first_seen_at") != want_row.pop("first_seen_at")  # kept from the first sighting
        assert got_row == want_row


def test_two_upserts_in_one_transaction(session: Session) -> None:
    """New and changed stay right when the rows were written earlier in the same transaction."""
    first = repo.upsert_listings(session, [make_listing("1"), make_listing("2")])
    second = repo.upsert_listings(
        session, [make_listing("1", price=1_000), make_listing("2"), make_listing("3")]
    )
    session.commit()

    assert first.new == {("shopee", "1"), ("shopee", "2")}
    assert (second.new, second.changed) == ({("shopee", "3")}, {("shopee", "1")})
    assert second.ids[("shopee", "1")] == first.ids[("shopee", "1")]


# Stored hashes depend on content_hash's exact output: changing it marks every listing "changed".
@pytest.mark.parametrize(
    ("fields", "digest"),
    [
        ({}, "644065798cad8c38e6b3fd895f5a1d6aab4dfb2ed89b82e4c8d82e1145e8f5ff"),
        (
            {"price": None, "brand": None, "attributes": {}, "title": 'Đồng hồ 🔥 "quoted" \\ x'},
            "2c76f9e70bde8a45a26ba69c21296a99b3de5a215e4a468717e43d443de70d00",
        ),
    ],
)
def test_content_hash_is_stable(fields: dict[str, Any], digest: str) -> None:
    assert repo.content_hash(make_listing("1" if not fields else "2", **fields)) == digest


@contextmanager
def statements(session: Session) -> Iterator[list[str]]:
    """The SQL statements sent to the driver inside the block."""
    sent: list[str] = []

    def on_execute(conn, cursor, statement, *args: Any) -> None:  # type: ignore[no-untyped-def]
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


@pytest.mark.parametrize("write", ["sellers", "listings", "flags", "observations"])
def test_a_batch_is_a_few_statements(session: Session, write: str) -> None:
    """A batch of 500 is a handful of statements whatever its None values: no per-row round trips."""
    n = 500
    sellers = [
        items.Seller(
            source="shopee", external_id=str(i), name=None if i % 2 else "x", is_official=i % 3 == 0 or None
        )
        for i in range(n)
    ]
    listings = [make_listing(str(i), price=None if i % 2 else i, raw=None if i % 3 else {}) for i in range(n)]
    ids = repo.upsert_listings(session, listings).ids if write in ("flags", "observations") else {}
    pack = repo.rule_pack_version_id(session, "a" * 64, 1)
    run = repo.start_crawl_run(session, "shopee", {})
    writes = {
        "sellers": lambda: repo.upsert_sellers(session, sellers, seen_at=T0),
        "listings": lambda: repo.upsert_listings(session, listings),
        "flags": lambda: repo.upsert_flags(
            session,
            [repo.FlagRow(i, "r", "c", "high", 0.5, []) for i in ids.values()],
            rule_pack_version_id=pack,
        ),
        "observations": lambda: repo.add_observations(session, listings, ids, crawl_run_id=run),
    }
    with statements(session) as sent:
        writes[write]()
    session.commit()
    assert len(sent) <= 6, sent  # the first batch of a new source: 3 for the source, 3 for the batch


def test_pending_objects_are_flushed_before_a_batch_write(session: Session) -> None:
    session.add(Source(name="pending", created_at=T0))
    ids = repo.source_ids(session, ["pending"])
    session.commit()
    assert list(ids) == ["pending"]
