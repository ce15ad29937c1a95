"""A small review database: accounts of every role, listings (some carrying XSS payloads) and flags.

Written through the real repositories, as the crawl writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler import items
from review.accounts import hash_password
from storage import repositories as repo
from storage.models import Flag
from storage.models_review import AppUser

PASSWORD = "correct horse battery staple"
T0 = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
USERS = {"insp": "inspector", "insp2": "inspector", "ana": "analyst", "adm": "admin"}

XSS_SCRIPT = "<script>alert(1)</script>"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_BREAKOUT = '"><svg onload=alert(1)>'
XSS_LINK = '<a href="javascript:alert(1)">click</a>'
XSS_PAYLOADS = (XSS_SCRIPT, XSS_IMG, XSS_BREAKOUT, XSS_LINK)


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)  # hashed once per run: argon2id is slow on purpose


@dataclass
class Seeded:
    users: dict[str, int] = field(default_factory=dict)
    listings: dict[str, int] = field(default_factory=dict)  # external id -> listing id
    flags: dict[str, int] = field(default_factory=dict)  # external id -> flag id
    sellers: dict[str, int] = field(default_factory=dict)  # "s1" (tiki), "s1@shopee" -> seller id


def listing(external_id: str, title: str, **fields: Any) -> items.Listing:
    values: dict[str, Any] = {
        "source": "tiki",
        "external_id": external_id,
        "url": f"https://tiki.vn/p/{external_id}",
        "title": title,
        "description": "Hàng xách tay Nhật Bản, cam kết chính hãng.",
        "price": 1_200_000,
        "shop_name": "Shop Mẹ Bắp",
        "province": "TP. Hồ Chí Minh",
        "province_legacy": "Bình Dương",
        "images": [f"https://salt.tikicdn.com/{external_id}.jpg"],
        "raw": {"id": external_id},
        "crawled_at": T0,
        "seller": items.Seller(source=fields.get("source", "tiki"), external_id="s1", name="Shop Mẹ Bắp"),
    }
    values.update(fields)
    return items.Listing(**values)


def _evidence(text: str, needle: str, field_name: str = "title") -> list[dict[str, Any]]:
    start = text.index(needle)
    return [
        {"field": field_name, "start": start, "end": start + len(needle), "text": needle, "matched": needle}
    ]


XSS_TITLE = f"{XSS_SCRIPT} Đồng hồ Rolex {XSS_IMG}"
XSS_DESCRIPTION = f"Mua ngay {XSS_BREAKOUT} hàng Rolex super fake {XSS_LINK}"


def catalogue() -> list[tuple[items.Listing, float, list[tuple[str, str, str, float, list[dict[str, Any]]]]]]:
    """(listing, risk score, [(rule id, category, severity, score, evidence)])."""
    milk = "Sữa bột Meiji xách tay Nhật"
    bag = "Túi Gucci super fake loại 1"
    return [
        (listing("milk", milk, contacts={"phones": ["0912345678"], "zalo": [], "links": []}), 0.91, [("smuggled.hand_carried", "smuggled", "high", 0.9, _evidence(milk, "xách tay"))]),
        (
            listing(
                "bag", bag, province="Hà Nội", province_legacy="Hà Nội", price=350_000, source="shopee",
                contacts={"phones": ["0912345678"], "zalo": ["0987654321"], "links": []},
            ),
            0.85,
            [("counterfeit.fake_words", "counterfeit", "critical", 0.95, _evidence(bag, "super fake"))],
        ),
        (
            listing(
                "xss", XSS_TITLE, description=XSS_DESCRIPTION, shop_name=XSS_SCRIPT, url="javascript:alert(1)",
                images=["javascript:alert(1)", "https://img.example.vn/a.jpg"], raw={"html": XSS_SCRIPT},
                attributes={XSS_IMG: XSS_BREAKOUT},
                contacts={"phones": [XSS_BREAKOUT], "zalo": [XSS_SCRIPT], "links": ["javascript:alert(1)"]},
            ),
            0.7,
            [
                (
                    "counterfeit.rolex", "counterfeit", "high", 0.8,
                    _evidence(XSS_TITLE, "Rolex") + _evidence(XSS_DESCRIPTION, "super fake", "description"),
                )
            ],
        ),
        (listing("cream", "Kem trộn trắng da cấp tốc"), 0.4, [("prohibited.mercury", "prohibited", "medium", 0.5, [])]),
    ]  # fmt: skip


def seed(engine: Engine) -> Seeded:
    out = Seeded()
    with Session(engine, expire_on_commit=False) as session:
        for name, role in USERS.items():
            user = AppUser(
                username=name, password_hash=password_hash(), role=role, active=True, failed_logins=0
            )
            session.add(user)
            session.flush()
            out.users[name] = user.id
        rows = catalogue()
        listings = [item for item, _, _ in rows]
        sellers = repo.upsert_sellers(session, [i.seller for i in listings if i.seller], seen_at=T0)
        result = repo.upsert_listings(
            session, listings, seller_ids=sellers, risk_scores={item.key: risk for item, risk, _ in rows}
        )
        run_id = repo.start_crawl_run(session, "tiki", {})
        repo.add_observations(session, listings, result.ids, crawl_run_id=run_id)
        version = repo.rule_pack_version_id(session, "seed", 4)
        flags = [
            repo.FlagRow(result.ids[item.key], rule_id, category, severity, score, evidence)
            for item, _, hits in rows
            for rule_id, category, severity, score, evidence in hits
        ]
        repo.upsert_flags(session, flags, rule_pack_version_id=version)
        out.sellers = {
            ext if source == "tiki" else f"{ext}@{source}": seller_id
            for (source, ext), seller_id in sellers.items()
        }
        for item in listings:
            out.listings[item.external_id] = result.ids[item.key]
            out.flags[item.external_id] = session.scalar(
                select(Flag.id).where(Flag.listing_id == result.ids[item.key])
            )
        session.commit()
    return out


def add_queue_listings(engine: Engine, count: int, *, risk_from: float = 0.3) -> None:
    """Many flagged listings of one seller, for pagination."""
    with Session(engine) as session:
        listings = [listing(f"bulk{i}", f"Hàng số {i}") for i in range(count)]
        risks = {item.key: risk_from - i * 0.0001 for i, item in enumerate(listings)}
        result = repo.upsert_listings(session, listings, risk_scores=risks)
        version = repo.rule_pack_version_id(session, "seed", 4)
        repo.upsert_flags(
            session,
            [repo.FlagRow(result.ids[i.key], "r.bulk", "expired", "low", 0.3, []) for i in listings],
            rule_pack_version_id=version,
        )
        session.commit()


def set_created(engine: Engine, flag_id: int, at: datetime) -> None:
    with Session(engine) as session:
        session.get_one(Flag, flag_id).created_at = at
        session.commit()
