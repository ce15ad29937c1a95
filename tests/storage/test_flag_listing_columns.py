"""The listing columns copied onto flags (risk score, source, seller, provinces) stay equal to the
listing's on every write path: the crawl's upserts, a rescan, decisions; and the migration backfills them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from crawler import items
from review.decisions import Decision, decide
from rules.rescan import rescan
from storage import repositories as repo
from storage.db import alembic_config, make_engine, upgrade
from storage.models import FLAG_LISTING_COLUMNS, Flag, Listing
from storage.models_review import AppUser

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
BEFORE = "77290b1772f3"  # the revision before the copied columns
COPIED = "9d2e7f3a4b02"


def make_listing(external_id: str, **fields: Any) -> items.Listing:
    values: dict[str, Any] = {
        "source": "shopee",
        "external_id": external_id,
        "url": f"https://shopee.vn/p/{external_id}",
        "title": f"Sữa bột số {external_id}",
        "price": 459_000,
        "province": "TP. Hồ Chí Minh",
        "province_legacy": "Bình Dương",
        "crawled_at": T0,
        "seller": items.Seller(source="shopee", external_id="s1", name="Shop Mẹ Bắp"),
    }
    values.update(fields)
    return items.Listing(**values)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    upgrade(engine, COPIED)  # not "head": another branch may be waiting to be chained
    yield engine
    engine.dispose()


def assert_in_sync(session: Session) -> int:
    """Every flag's copies equal its listing's columns; returns the number of flags checked."""
    session.expire_all()
    rows = session.execute(select(Flag, Listing).join(Listing, Listing.id == Flag.listing_id)).all()
    for flag, listing in rows:
        for name in FLAG_LISTING_COLUMNS:
            assert getattr(flag, name) == getattr(listing, name), (flag.id, name)
    return len(rows)


def write(session: Session, listings: list[items.Listing], risks: dict[str, float]) -> dict[str, int]:
    sellers = repo.upsert_sellers(session, [i.seller for i in listings if i.seller], seen_at=T0)
    result = repo.upsert_listings(
        session, listings, seller_ids=sellers, risk_scores={i.key: risks[i.external_id] for i in listings}
    )
    session.commit()
    return {key[1]: listing_id for key, listing_id in result.ids.items()}


def test_crawl_writes_keep_flags_in_sync(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        ids = write(session, [make_listing("a"), make_listing("b", source="tiki")], {"a": 0.9, "b": 0.4})
        pack = repo.rule_pack_version_id(session, "p" * 64, 2)
        repo.upsert_flags(
            session,
            [repo.FlagRow(ids[x], rule, "smuggled", "high", 0.8, []) for x in ids for rule in ("r1", "r2")],
            rule_pack_version_id=pack,
        )
        session.commit()
        assert assert_in_sync(session) == 4
        flag = session.scalars(select(Flag).where(Flag.listing_id == ids["a"])).first()
        assert flag is not None and (flag.risk_score, flag.province_legacy) == (0.9, "Bình Dương")
        assert flag.seller_id is not None and flag.source_id is not None

        # A recrawl moves the risk score and the province; no flag in this batch.
        write(session, [make_listing("a", province="Hà Nội", province_legacy="Hà Nội")], {"a": 0.2})
        assert assert_in_sync(session) == 4
        # A rescan: flags refreshed first, then the new risk scores.
        repo.upsert_flags(
            session, [repo.FlagRow(ids["b"], "r3", "expired", "low", 0.3, [])], rule_pack_version_id=pack
        )
        repo.set_risk_scores(session, {ids["a"]: 0.55, ids["b"]: 0.95})
        session.commit()
        assert assert_in_sync(session) == 5
        assert repo.sync_flag_listing_columns(session, ids.values()) == 0  # nothing left to copy


@dataclass
class _Hit:
    rule_id: str
    category: str = "smuggled"
    severity: str = "high"
    score: float = 0.8

    def evidence_json(self) -> list[dict[str, Any]]:
        return []


@dataclass
class _Assessment:
    risk_score: float
    hits: list[_Hit] = field(default_factory=list)

    @property
    def categories(self) -> set[str]:
        return {h.category for h in self.hits}

    @property
    def flagged(self) -> bool:
        return bool(self.hits)


class _Engine:
    """A rule engine that flags every listing with one rule and a risk score from its title."""

    pack_hash = "q" * 64
    rule_count = 1

    def assess(self, item: items.Listing) -> _Assessment:
        return _Assessment(0.5 + len(item.title) / 1000, [_Hit("rescan.rule")])


def test_rescan_and_decisions_keep_flags_in_sync(engine: Engine) -> None:
    with Session(engine, expire_on_commit=False) as session:
        ids = write(session, [make_listing(x) for x in "abc"], {"a": 0.1, "b": 0.2, "c": 0.3})
    result = rescan(sessionmaker(engine, expire_on_commit=False), _Engine(), batch_size=2)
    assert result.new_flags == 3
    with Session(engine, expire_on_commit=False) as session:
        assert assert_in_sync(session) == 3
        assert {f.risk_score for f in session.scalars(select(Flag))} == {0.5 + len("Sữa bột số a") / 1000}
        user = AppUser(username="insp", password_hash="x", role="inspector", active=True, failed_logins=0)
        session.add(user)
        session.flush()
        flag_id = session.scalars(select(Flag.id).where(Flag.listing_id == ids["a"])).one()
        decide(session, flag_id, user, Decision("confirm", category="smuggled", legal_basis="NĐ 98"), ip=None)
        session.commit()
        assert assert_in_sync(session) == 3
        assert session.get_one(Flag, flag_id).status == "confirmed"


def test_migration_backfills_existing_flags(db_url: str) -> None:
    engine = make_engine(db_url)
    upgrade(engine, BEFORE)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO source (id, name, created_at) VALUES (7, 'tiki', CURRENT_TIMESTAMP)"))
        conn.execute(
            text(
                "INSERT INTO seller (id, source_id, external_id, first_seen_at, last_seen_at)"
                " VALUES (3, 7, 's1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO listing (id, source_id, external_id, url, title, description, currency,"
                " category_path, seller_id, province, province_legacy, is_abroad, images, attributes, contacts,"
                " content_hash, risk_score, crawled_at, first_seen_at, last_seen_at) VALUES"
                " (11, 7, 'x', 'https://tiki.vn/p/x', 't', '', 'VND', '', 3, 'TP. Hồ Chí Minh', 'Bình Dương',"
                " false, '[]', '{}', '{}', 'h', 0.75, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
                " (12, 7, 'y', 'https://tiki.vn/p/y', 't', '', 'VND', '', NULL, NULL, NULL,"
                " false, '[]', '{}', '{}', 'h', 0.25, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO rule_pack_version (id, content_hash, rule_count, created_at) VALUES (1, 'p', 1, CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO flag (listing_id, rule_id, category, severity, score, evidence, rule_pack_version_id,"
                " status, created_at, updated_at) VALUES"
                " (11, 'r1', 'smuggled', 'high', 0.5, '[]', 1, 'new', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
                " (11, 'r2', 'smuggled', 'low', 0.5, '[]', 1, 'confirmed', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
                " (12, 'r1', 'smuggled', 'high', 0.5, '[]', 1, 'new', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    upgrade(engine, COPIED)
    with Session(engine) as session:
        assert assert_in_sync(session) == 3
        copied = session.execute(
            select(Flag.listing_id, Flag.risk_score, Flag.source_id, Flag.seller_id, Flag.province).order_by(
                Flag.id
            )
        ).all()
    assert [tuple(r) for r in copied] == [
        (11, 0.75, 7, 3, "TP. Hồ Chí Minh"),
        (11, 0.75, 7, 3, "TP. Hồ Chí Minh"),
        (12, 0.25, 7, None, None),
    ]
    command.downgrade(alembic_config(engine), BEFORE)
    with engine.connect() as conn:
        assert "risk_score" not in {c["name"] for c in inspect(conn).get_columns("flag")}
    engine.dispose()
