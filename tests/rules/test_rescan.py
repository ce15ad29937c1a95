"""A rescan with the shipped packs: flags of a retired rule are superseded, flags the packs do not make
(a citizen's tip) stay in the queue, and a listing the packs now catch gains its flag."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler import items
from rules.engine import load_engine
from rules.rescan import rescan
from storage import repositories as repo
from storage.db import make_engine, upgrade
from storage.models import Flag
from storage.models_review import TIP_RULE_ID

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def listing(external_id: str, title: str) -> items.Listing:
    return items.Listing(
        source="tiki", external_id=external_id, url=f"https://tiki.vn/p/{external_id}", title=title,
        price=150_000, crawled_at=T0,
    )  # fmt: skip


def test_rescan_supersedes_retired_rules_and_keeps_tip_flags(db_url: str) -> None:
    db = make_engine(db_url)
    upgrade(db)
    with Session(db) as session:
        result = repo.upsert_listings(
            session,
            [listing("clean", "Bình giữ nhiệt inox 500ml"), listing("vape", "Vape pod Pixo Oneo chính hãng")],
            seller_ids={},
            risk_scores={("tiki", "clean"): 0.0, ("tiki", "vape"): 0.0},
        )
        ids = {key[1]: listing_id for key, listing_id in result.ids.items()}
        pack = repo.rule_pack_version_id(session, "old" * 16, 1)
        repo.upsert_flags(
            session,
            [
                repo.FlagRow(ids["clean"], "retired.rule", "smuggled", "high", 0.9, []),
                repo.FlagRow(ids["clean"], TIP_RULE_ID, "tip", "medium", 0.5, [{"tip": "bán hàng lậu"}]),
            ],
            rule_pack_version_id=pack,
        )
        session.commit()

    outcome = rescan(sessionmaker(db), load_engine())

    with Session(db) as session:
        status = {(f.listing_id, f.rule_id): f.status for f in session.scalars(select(Flag))}
    assert status[(ids["clean"], "retired.rule")] == "superseded"
    assert status[(ids["clean"], TIP_RULE_ID)] == "new"
    vape_rules = {
        rule for (listing_id, rule), st in status.items() if listing_id == ids["vape"] and st == "new"
    }
    assert vape_rules, "the shipped packs flag an e-cigarette listing"
    assert outcome.superseded == 1 and outcome.new_flags == len(vape_rules)
    db.dispose()
