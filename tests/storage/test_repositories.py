"""Repositories against real SQLite files and real PostgreSQL schemas (``db_url`` runs both)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from crawler import items
from storage import repositories as repo
from storage.models import CrawlRun, Flag, Listing, ListingObservation, RulePackVersion, Seller, Source

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=6)


def make_listing(external_id: str = "1", source: str = "shopee", **fields: Any) -> items.Listing:
    values: dict[str, Any] = {
        "source": source,
        "external_id": external_id,
        "url": f"https://{source}.vn/p/{external_id}",
        "title": f"Sữa bột Meiji số {external_id}",
        "description": "Hàng xách tay Nhật Bản",
        "price": 459_000,
        "original_price": 520_000,
        "category_path": "Mẹ & Bé > Sữa bột",
        "brand": "Meiji",
        "shop_name": "Shop Mẹ Bắp",
        "shop_location": "TP. Hồ Chí Minh",
        "province": "Hồ Chí Minh",
        "sold_count": 120,
        "rating": 4.8,
        "images": [f"https://cf.{source}.vn/file/{external_id}.jpg"],
        "attributes": {"Xuất xứ": "Nhật Bản", "Hạn sử dụng": "12/2027"},
        "raw": {"itemid": external_id, "stock": 3},
        "crawled_at": T0,
    }
    values.update(fields)
    return items.Listing(**values)


@pytest.fixture
def session(migrated_engine: Engine) -> Iterator[Session]:
    with Session(migrated_engine, expire_on_commit=False) as s:
        yield s


def upsert(session: Session, listings: list[items.Listing], **kwargs: Any) -> repo.UpsertResult:
    result = repo.upsert_listings(session, listings, **kwargs)
    session.commit()
    return result


def listing_row(session: Session, key: tuple[str, str]) -> Listing:
    session.expire_all()
    return session.execute(
        select(Listing).join(Source).where(Source.name == key[0], Listing.external_id == key[1])
    ).scalar_one()


# --- sources and sellers --------------------------------------------------------------------------


def test_source_ids_creates_once_and_is_idempotent(session: Session) -> None:
    first = repo.source_ids(session, ["shopee", "tiki", "shopee"])
    session.commit()
    again = repo.source_ids(session, ["tiki", "shopee", "lazada"])
    session.commit()

    assert set(first) == {"shopee", "tiki"}
    assert again["shopee"] == first["shopee"] and again["tiki"] == first["tiki"]
    assert len(set(again.values())) == 3
    assert session.execute(select(func.count(Source.id))).scalar_one() == 3
    assert repo.source_ids(session, []) == {}


def test_upsert_sellers_inserts_then_refreshes_keeping_known_values(session: Session) -> None:
    seller = items.Seller(
        source="shopee", external_id="88", name="Shop Mẹ Bắp", url="https://shopee.vn/mebap",
        location="Hà Nội", is_official=True,
    )  # fmt: skip
    ids = repo.upsert_sellers(session, [seller], seen_at=T0)
    session.commit()
    # A later page only knows the id and a new location: known values must not be wiped.
    thin = items.Seller(source="shopee", external_id="88", location="Đà Nẵng")
    again = repo.upsert_sellers(session, [thin, items.Seller(source="tiki", external_id="88")], seen_at=T1)
    session.commit()

    assert again[("shopee", "88")] == ids[("shopee", "88")]
    assert again[("tiki", "88")] != ids[("shopee", "88")]
    row = session.get(Seller, ids[("shopee", "88")], populate_existing=True)
    assert row is not None
    assert (row.name, row.url, row.location, row.is_official) == (
        "Shop Mẹ Bắp", "https://shopee.vn/mebap", "Đà Nẵng", True,
    )  # fmt: skip
    assert (row.first_seen_at, row.last_seen_at) == (T0, T1)
    assert session.execute(select(func.count(Seller.id))).scalar_one() == 2
    assert repo.upsert_sellers(session, [], seen_at=T1) == {}


# --- listings -------------------------------------------------------------------------------------


def test_first_batch_is_all_new_and_reupsert_changes_nothing(session: Session) -> None:
    batch = [make_listing(str(i)) for i in range(20)]
    first = upsert(session, batch)

    assert first.new == {item.key for item in batch}
    assert first.changed == set()
    assert set(first.ids) == first.new and len(set(first.ids.values())) == 20

    second = upsert(session, batch)
    assert second.new == set() and second.changed == set()
    assert second.ids == first.ids
    assert repo.count_listings(session) == 20


def test_empty_batch(session: Session) -> None:
    assert repo.upsert_listings(session, []) == repo.UpsertResult()


@pytest.mark.parametrize(
    ("edit", "is_changed"),
    [
        ({"title": "Sữa bột Meiji Nhật nội địa"}, True),
        ({"price": 399_000}, True),
        ({"price": None}, True),
        ({"original_price": 600_000}, True),
        ({"description": "Date mới, còn hạn dài"}, True),
        ({"brand": "Meiji Japan"}, True),
        ({"category_path": "Mẹ & Bé > Sữa công thức"}, True),
        ({"shop_name": "Shop Mẹ Bắp 2"}, True),
        ({"sold_count": 121}, True),
        ({"attributes": {"Xuất xứ": "Việt Nam", "Hạn sử dụng": "12/2027"}}, True),
        # Not part of the content hash: the row is refreshed but the listing is not "changed".
        ({"rating": 4.9}, False),
        ({"images": ["https://cf.shopee.vn/file/other.jpg"]}, False),
        ({"url": "https://shopee.vn/p/1?sp_atk=x"}, False),
        ({"attributes": {"Hạn sử dụng": "12/2027", "Xuất xứ": "Nhật Bản"}}, False),  # order only
    ],
    ids=lambda v: "-".join(v) if isinstance(v, dict) else str(v),
)
def test_changed_listing_is_reported_and_refreshed(session: Session, edit: dict, is_changed: bool) -> None:
    other = make_listing("2")
    first = upsert(session, [make_listing("1"), other])

    edited = make_listing("1", crawled_at=T1, **edit)
    second = upsert(session, [edited, other.model_copy(update={"crawled_at": T1})])

    assert second.changed == ({("shopee", "1")} if is_changed else set())
    assert second.new == set()
    assert second.ids == first.ids
    row = listing_row(session, ("shopee", "1"))
    for name, value in edit.items():
        assert getattr(row, name) == value
    assert row.content_hash == repo.content_hash(edited)
    assert (row.first_seen_at, row.last_seen_at, row.crawled_at) == (T0, T1, T1)
    assert repo.count_listings(session) == 2


def test_seller_and_risk_score_are_written(session: Session) -> None:
    seller = items.Seller(source="shopee", external_id="s1", name="Shop Mẹ Bắp")
    seller_ids = repo.upsert_sellers(session, [seller], seen_at=T0)
    item = make_listing("1", seller=seller)
    upsert(session, [item, make_listing("2")], seller_ids=seller_ids, risk_scores={item.key: 0.75})

    row = listing_row(session, item.key)
    assert (row.seller_id, row.risk_score) == (seller_ids[("shopee", "s1")], 0.75)
    plain = listing_row(session, ("shopee", "2"))
    assert (plain.seller_id, plain.risk_score) == (None, 0.0)


def test_duplicates_within_a_batch_keep_the_last(session: Session) -> None:
    result = upsert(
        session,
        [make_listing("1", price=100_000), make_listing("2"), make_listing("1", price=90_000)],
    )
    assert result.new == {("shopee", "1"), ("shopee", "2")}
    assert len(result.ids) == 2
    assert listing_row(session, ("shopee", "1")).price == 90_000
    assert repo.count_listings(session) == 2


def test_same_external_id_on_two_sources_in_one_batch(session: Session) -> None:
    result = upsert(session, [make_listing("42", "shopee"), make_listing("42", "tiki", price=1_000)])

    assert result.new == {("shopee", "42"), ("tiki", "42")}
    assert result.ids[("shopee", "42")] != result.ids[("tiki", "42")]
    assert (repo.count_listings(session), repo.count_listings(session, "tiki")) == (2, 1)
    assert repo.count_listings(session, "lazada") == 0
    assert listing_row(session, ("tiki", "42")).price == 1_000


def test_batch_larger_than_the_in_chunk(session: Session) -> None:
    n = 1_234
    assert n > 2 * repo._IN_CHUNK
    known = [make_listing(str(i)) for i in range(0, n, 3)]  # a third are already stored
    stored = upsert(session, known)

    batch = [make_listing(str(i), price=1_000 + i if i % 2 else 459_000) for i in range(n)]
    result = upsert(session, batch)

    known_keys = {item.key for item in known}
    assert result.new == {item.key for item in batch} - known_keys
    assert result.changed == {item.key for item in known if int(item.external_id) % 2}
    assert len(result.ids) == n and len(set(result.ids.values())) == n
    assert all(result.ids[key] == stored.ids[key] for key in known_keys)
    assert repo.count_listings(session) == n
    id_to_price = {i: p for i, p in session.execute(select(Listing.id, Listing.price))}
    assert all(id_to_price[result.ids[item.key]] == item.price for item in batch)


VIETNAMESE = [
    "Nồi cơm điện Sharp 1.8L chính hãng – bảo hành 12 tháng",
    "Đồng hồ Rolex Day-Date fake 1:1 giá rẻ đ",
    "Thuốc giảm cân cấp tốc 🔥🔥 giảm 10kg/tháng 💊",
    "Kem trộn trắng da (hàng nội địa Trung) ✨ ưu đãi",
    "Tiếng Việt: ả ã ạ ằ ẳ ẵ ặ ầ ẩ ẫ ậ ề ể ễ ệ ỉ ĩ ị ồ ổ ỗ ộ ờ ở ỡ ợ ừ ử ữ ự ỳ ỷ ỹ ỵ Đ đ",
]


@pytest.mark.parametrize("text", VIETNAMESE)
def test_vietnamese_text_round_trips_nfc(session: Session, text: str) -> None:
    nfc = unicodedata.normalize("NFC", text)
    item = make_listing(
        "1", title=nfc, description=nfc, shop_name=nfc[:100],
        attributes={"Mô tả": nfc}, raw={"name": nfc},
    )  # fmt: skip
    upsert(session, [item])

    row = listing_row(session, item.key)
    assert row.title == nfc and row.description == nfc and row.shop_name == nfc[:100]
    assert unicodedata.is_normalized("NFC", row.title)
    assert row.attributes == {"Mô tả": nfc} and row.raw == {"name": nfc}
    assert row.content_hash == repo.content_hash(item)


@pytest.mark.parametrize(
    ("images", "attributes", "raw"),
    [
        ([], {}, None),
        (["https://a.vn/1.jpg", "https://a.vn/2.jpg"], {"Màu": "Đỏ"}, {"nested": {"list": [1, 2.5, None]}}),
        (["x"], {"k": ""}, {"bool": True, "null": None, "unicode": "đ 🔥"}),
    ],
)
def test_json_columns_round_trip(session: Session, images: list, attributes: dict, raw: dict | None) -> None:
    upsert(session, [make_listing("1", images=images, attributes=attributes, raw=raw)])
    row = listing_row(session, ("shopee", "1"))
    assert (row.images, row.attributes, row.raw) == (images, attributes, raw)


def test_timestamps_come_back_aware_utc(session: Session) -> None:
    hanoi = timezone(timedelta(hours=7))
    crawled = datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=hanoi)
    upsert(session, [make_listing("1", crawled_at=crawled)])

    row = listing_row(session, ("shopee", "1"))
    for value in (row.crawled_at, row.first_seen_at, row.last_seen_at):
        assert value.tzinfo is not None and value.utcoffset() == timedelta(0)
        assert value == crawled
    assert row.crawled_at.hour == 1


def test_naive_timestamp_is_refused(session: Session) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        repo.upsert_listings(session, [make_listing("1", crawled_at=datetime(2026, 11, 29, 1, 0))])
    session.rollback()


# --- observations ---------------------------------------------------------------------------------


def observations(session: Session) -> list[tuple[int, int, int | None, int | None]]:
    stmt = select(
        ListingObservation.listing_id,
        ListingObservation.crawl_run_id,
        ListingObservation.price,
        ListingObservation.sold_count,
    ).order_by(ListingObservation.crawl_run_id, ListingObservation.listing_id)
    return [tuple(row) for row in session.execute(stmt)]


def test_observations_one_per_listing_and_crawl_run(session: Session) -> None:
    run1 = repo.start_crawl_run(session, "shopee", {})
    batch = [make_listing("1"), make_listing("2"), make_listing("1")]  # seen twice in the run
    ids = repo.upsert_listings(session, batch).ids
    repo.add_observations(session, batch, ids, crawl_run_id=run1)
    session.commit()
    id1, id2 = ids[("shopee", "1")], ids[("shopee", "2")]
    assert observations(session) == [(id1, run1, 459_000, 120), (id2, run1, 459_000, 120)]

    # The same run sees listing 1 again with a new price: updated, not duplicated.
    cheaper = make_listing("1", price=399_000, sold_count=130, crawled_at=T1)
    repo.add_observations(session, [cheaper], ids, crawl_run_id=run1)
    session.commit()
    assert observations(session) == [(id1, run1, 399_000, 130), (id2, run1, 459_000, 120)]
    observed = session.execute(
        select(ListingObservation.observed_at, ListingObservation.content_hash).where(
            ListingObservation.listing_id == id1
        )
    ).one()
    assert tuple(observed) == (T1, repo.content_hash(cheaper))

    # A second run adds a second observation.
    run2 = repo.start_crawl_run(session, "shopee", {})
    repo.add_observations(session, [make_listing("1", price=350_000)], ids, crawl_run_id=run2)
    session.commit()
    assert observations(session) == [
        (id1, run1, 399_000, 130), (id2, run1, 459_000, 120), (id1, run2, 350_000, 120),
    ]  # fmt: skip


def test_observations_skip_listings_without_an_id(session: Session) -> None:
    run = repo.start_crawl_run(session, "shopee", {})
    repo.add_observations(session, [make_listing("1")], {}, crawl_run_id=run)
    session.commit()
    assert observations(session) == []


# --- rule packs and flags -------------------------------------------------------------------------


def test_rule_pack_version_id_is_idempotent(session: Session) -> None:
    first = repo.rule_pack_version_id(session, "a" * 64, 12)
    session.commit()
    assert repo.rule_pack_version_id(session, "a" * 64, 12) == first
    other = repo.rule_pack_version_id(session, "b" * 64, 13)
    session.commit()
    assert other != first
    assert session.execute(select(func.count(RulePackVersion.id))).scalar_one() == 2


def flag(listing_id: int, rule_id: str, category: str = "counterfeit", score: float = 0.5) -> repo.FlagRow:
    return repo.FlagRow(
        listing_id=listing_id, rule_id=rule_id, category=category, severity="high", score=score,
        evidence=[{"field": "title", "text": "fake 1:1 đ"}],
    )  # fmt: skip


@pytest.fixture
def two_listings(session: Session) -> tuple[int, int]:
    ids = upsert(session, [make_listing("1"), make_listing("2")]).ids
    return ids[("shopee", "1")], ids[("shopee", "2")]


def test_upsert_flags_counts_new_and_never_duplicates(
    session: Session, two_listings: tuple[int, int]
) -> None:
    a, b = two_listings
    pack = repo.rule_pack_version_id(session, "a" * 64, 3)
    batch = [flag(a, "cf.fake"), flag(a, "cf.replica"), flag(b, "cf.fake"), flag(b, "cf.fake")]
    assert repo.upsert_flags(session, batch, rule_pack_version_id=pack) == 3
    session.commit()
    assert repo.upsert_flags(session, batch, rule_pack_version_id=pack) == 0
    pack2 = repo.rule_pack_version_id(session, "b" * 64, 3)
    assert (
        repo.upsert_flags(
            session, [flag(a, "cf.fake", score=0.9), flag(b, "x.new")], rule_pack_version_id=pack2
        )
        == 1
    )
    session.commit()
    assert repo.upsert_flags(session, [], rule_pack_version_id=pack2) == 0

    assert session.execute(select(func.count(Flag.id))).scalar_one() == 4
    refreshed = session.execute(
        select(Flag).where(Flag.listing_id == a, Flag.rule_id == "cf.fake")
    ).scalar_one()
    assert (refreshed.score, refreshed.rule_pack_version_id) == (0.9, pack2)
    assert refreshed.evidence == [{"field": "title", "text": "fake 1:1 đ"}]
    assert refreshed.updated_at >= refreshed.created_at
    assert refreshed.created_at.tzinfo is not None


@pytest.mark.parametrize(
    ("status", "after_rescan"),
    [
        ("new", "new"),
        ("in_review", "in_review"),
        ("confirmed", "confirmed"),
        ("dismissed", "dismissed"),
        ("escalated", "escalated"),
        ("superseded", "new"),
    ],
)
def test_upsert_flags_keeps_reviewer_status(
    session: Session, two_listings: tuple[int, int], status: str, after_rescan: str
) -> None:
    a, _ = two_listings
    pack = repo.rule_pack_version_id(session, "a" * 64, 1)
    repo.upsert_flags(session, [flag(a, "cf.fake")], rule_pack_version_id=pack)
    session.commit()
    session.execute(Flag.__table__.update().values(status=status))
    session.commit()

    assert repo.upsert_flags(session, [flag(a, "cf.fake", score=0.7)], rule_pack_version_id=pack) == 0
    session.commit()
    row = session.execute(select(Flag.status, Flag.score)).one()
    assert tuple(row) == (after_rescan, 0.7)


# --- crawl runs -----------------------------------------------------------------------------------


def test_crawl_runs_and_previous_run(session: Session) -> None:
    first = repo.start_crawl_run(session, "shopee", {"keyword": "sữa bột"})
    session.commit()
    assert repo.previous_run(session, "shopee", first) is None

    repo.finish_crawl_run(session, first, status="finished", stats={"ecomwatch/items/scraped": 10})
    other = repo.start_crawl_run(session, "tiki", {})
    repo.finish_crawl_run(session, other, status="finished", stats={})
    unfinished = repo.start_crawl_run(session, "shopee", {})
    current = repo.start_crawl_run(session, "shopee", {})
    session.commit()

    assert first < other < unfinished < current
    prev = repo.previous_run(session, "shopee", current)
    assert prev is not None and prev.id == first
    assert (prev.status, prev.stats, prev.args) == (
        "finished",
        {"ecomwatch/items/scraped": 10},
        {"keyword": "sữa bột"},
    )
    assert prev.finished_at is not None and prev.finished_at.tzinfo is not None
    assert prev.finished_at >= prev.started_at
    assert repo.previous_run(session, "shopee", first) is None
    assert repo.previous_run(session, "lazada", current) is None

    running = session.get(CrawlRun, current)
    assert running is not None and (running.status, running.finished_at) == ("running", None)


# --- reading flags --------------------------------------------------------------------------------


@pytest.fixture
def flagged(session: Session) -> dict[str, int]:
    """Three listings with different risk; flags in two categories and several statuses."""
    listings = [make_listing("low"), make_listing("mid", "tiki"), make_listing("high")]
    risks = {("shopee", "low"): 0.2, ("tiki", "mid"): 0.5, ("shopee", "high"): 0.9}
    ids = upsert(session, listings, risk_scores=risks).ids
    low, mid, high = ids[("shopee", "low")], ids[("tiki", "mid")], ids[("shopee", "high")]
    pack = repo.rule_pack_version_id(session, "a" * 64, 5)
    repo.upsert_flags(
        session,
        [
            flag(low, "cf.fake", score=0.9),
            flag(mid, "cf.fake", score=0.4),
            flag(high, "cf.fake", score=0.3),
            flag(high, "cf.replica", score=0.8),
            flag(high, "px.drug", category="prohibited", score=0.6),
            flag(mid, "px.drug", category="prohibited", score=0.6),
            flag(low, "px.drug", category="prohibited", score=0.6),
        ],
        rule_pack_version_id=pack,
    )
    session.execute(
        Flag.__table__.update()
        .where(Flag.listing_id == mid, Flag.rule_id == "px.drug")
        .values(status="in_review")
    )
    session.execute(
        Flag.__table__.update()
        .where(Flag.listing_id == low, Flag.rule_id == "px.drug")
        .values(status="dismissed")
    )
    session.commit()
    return {"low": low, "mid": mid, "high": high}


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        (
            {},
            [("high", "cf.replica"), ("high", "px.drug"), ("high", "cf.fake"), ("mid", "px.drug"),
             ("mid", "cf.fake"), ("low", "cf.fake")],
        ),
        ({"category": "prohibited"}, [("high", "px.drug"), ("mid", "px.drug")]),
        ({"statuses": ["in_review"]}, [("mid", "px.drug")]),
        ({"statuses": ["dismissed"], "category": "prohibited"}, [("low", "px.drug")]),
        ({"statuses": ["dismissed"], "category": "counterfeit"}, []),
        ({"statuses": None, "category": "prohibited"}, [("high", "px.drug"), ("mid", "px.drug"), ("low", "px.drug")]),
        ({"limit": 2}, [("high", "cf.replica"), ("high", "px.drug")]),
    ],
    ids=["default", "category", "status", "both", "none", "all-statuses", "limit"],
)  # fmt: skip
def test_list_flags_orders_riskiest_first_and_filters(
    session: Session, flagged: dict[str, int], kwargs: dict, expected: list[tuple[str, str]]
) -> None:
    views = repo.list_flags(session, **kwargs)
    assert [(v.external_id, v.rule_id) for v in views] == expected


def test_flag_view_carries_listing_fields(session: Session, flagged: dict[str, int]) -> None:
    view = repo.list_flags(session, category="prohibited", statuses=["in_review"])[0]
    assert view.to_dict() == {
        "flag_id": view.flag_id, "source": "tiki", "external_id": "mid", "url": "https://tiki.vn/p/mid",
        "title": "Sữa bột Meiji số mid", "category": "prohibited", "rule_id": "px.drug", "severity": "high",
        "score": 0.6, "status": "in_review", "risk_score": 0.5,
        "evidence": [{"field": "title", "text": "fake 1:1 đ"}],
    }  # fmt: skip


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (("new", "in_review"), {"counterfeit": 3, "prohibited": 2}),  # distinct listings, not flags
        (["dismissed"], {"prohibited": 1}),
        (None, {"counterfeit": 3, "prohibited": 3}),
        (["confirmed"], {}),
    ],
)
def test_flag_counts_by_category(
    session: Session, flagged: dict[str, int], statuses: Any, expected: dict[str, int]
) -> None:
    assert repo.flag_counts_by_category(session, statuses=statuses) == expected


def test_count_listings_by_source(session: Session) -> None:
    assert repo.count_listings(session) == 0
    upsert(session, [make_listing("1"), make_listing("2"), make_listing("1", "tiki")])
    assert (repo.count_listings(session), repo.count_listings(session, "shopee")) == (3, 2)
    assert repo.count_listings(session, "tiki") == 1
