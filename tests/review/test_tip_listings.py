"""Tips → listings: the repository functions the tips spider calls, and the queue's "from a tip" marker."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import review_repo
from storage.models_review import AuditLog, Tip
from tests.review.conftest import Env


def _tips(env: Env, count: int) -> list[int]:
    with Session(env.engine) as session:
        ids = [
            review_repo.add_tip(
                session, url=f"https://shopee.vn/p/{i}", description="Hàng giả", contact=None, ip_hash="h"
            ).id
            for i in range(count)
        ]
        session.commit()
    return ids


def test_the_spider_takes_queued_tips_and_marks_them(env: Env) -> None:
    first, second, third = _tips(env, 3)
    listing = env.seeded.listings["cream"]
    with Session(env.engine) as session:
        assert [t.id for t in review_repo.queued_tips(session, 2)] == [first, second]
        assert review_repo.mark_tip_crawled(session, first, listing)
        assert review_repo.mark_tip_failed(session, second, "404 from shopee.vn")
        assert not review_repo.mark_tip_crawled(session, first, env.seeded.listings["milk"])  # already done
        assert not review_repo.mark_tip_failed(session, 999999, "no such tip")
        session.commit()
        assert [t.id for t in review_repo.queued_tips(session, 10)] == [third]
        tips = {t.id: t for t in session.scalars(select(Tip))}
        assert (tips[first].status, tips[first].listing_id) == ("crawled", listing)
        assert (tips[second].status, tips[second].listing_id) == ("failed", None)
        audits = list(
            session.scalars(select(AuditLog).where(AuditLog.object_type == "tip").order_by(AuditLog.id))
        )
        assert [(a.action, a.object_id) for a in audits] == [
            ("tip_crawled", str(first)),
            ("tip_failed", str(second)),
        ]
        assert audits[1].after == {"status": "failed", "reason": "404 from shopee.vn"}


def test_the_queue_marks_and_filters_flags_from_tips(env: Env) -> None:
    (tip,) = _tips(env, 1)
    with Session(env.engine) as session:
        review_repo.mark_tip_crawled(session, tip, env.seeded.listings["cream"])
        session.commit()
    client, _ = env.login("insp")
    page = client.get("/queue").text
    assert page.count('class="badge from-tip"') == 1
    filtered = client.get("/queue?tip=1").text
    assert filtered.count("data-flag-id=") == 1 and f'data-flag-id="{env.seeded.flags["cream"]}"' in filtered
    assert 'name="tip" value="1" checked' in filtered
    assert client.get("/queue?tip=yes").status_code == 422
    inbox = client.get("/tips").text
    assert f'href="/listings/{env.seeded.listings["cream"]}"' in inbox and "Đã thu thập" in inbox
