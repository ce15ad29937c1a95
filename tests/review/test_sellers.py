"""Sellers: repeat offenders ranked by confirmed violations; a seller's listings, contacts and look-alikes."""

from __future__ import annotations

from sqlalchemy.orm import Session

from review.decisions import Decision, decide
from storage import review_repo
from storage.models_review import AppUser
from tests.review.conftest import Env
from tests.review.inert import assert_inert


def _confirm(env: Env, *names: str) -> None:
    with Session(env.engine) as session:
        insp = session.get_one(AppUser, env.seeded.users["insp"])
        for name in names:
            decision = Decision("confirm", category="counterfeit", legal_basis="NĐ 98/2020")
            decide(session, env.seeded.flags[name], insp, decision, ip=None)
        session.commit()


def test_repeat_offenders_are_ranked_by_confirmed_violations(env: Env) -> None:
    _confirm(env, "bag")
    with Session(env.engine) as session:
        ranked = review_repo.top_sellers(session)
    assert [(s.seller_id, s.confirmed) for s in ranked] == [(env.seeded.sellers["s1@shopee"], 1)]
    _confirm(env, "milk", "xss")
    with Session(env.engine) as session:
        ranked = review_repo.top_sellers(session)
    assert [(s.name, s.source, s.confirmed, s.flags) for s in ranked] == [
        ("Shop Mẹ Bắp", "tiki", 2, 3),
        ("Shop Mẹ Bắp", "shopee", 1, 1),
    ]
    client, _ = env.login("ana")
    page = client.get("/sellers").text
    assert page.index(f'data-seller-id="{env.seeded.sellers["s1"]}"') < page.index(
        f'data-seller-id="{env.seeded.sellers["s1@shopee"]}"'
    )


def test_seller_page_lists_listings_contacts_and_shared_numbers(env: Env) -> None:
    _confirm(env, "milk")
    seller = env.seeded.sellers["s1"]
    with Session(env.engine) as session:
        profile = review_repo.seller_profile(session, seller)
    assert profile is not None
    assert {r.listing_id for r in profile.listings} == {
        env.seeded.listings[n] for n in ("milk", "xss", "cream")
    }
    assert "0912345678" in profile.contacts["phones"]
    assert [r.listing_id for r in profile.related] == [env.seeded.listings["bag"]]  # same phone, on shopee
    assert [d.to_status for d in profile.decisions] == ["confirmed"]
    client, _ = env.login("insp")
    page = client.get(f"/sellers/{seller}").text
    assert "0912345678" in page and f'href="/listings/{env.seeded.listings["bag"]}"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # a Zalo "number" carrying a payload
    assert_inert(page)
    assert client.get("/sellers/999999").status_code == 404
    listing = client.get(f"/listings/{env.seeded.listings['milk']}").text
    assert f'href="/sellers/{seller}"' in listing and "0912345678" in listing
