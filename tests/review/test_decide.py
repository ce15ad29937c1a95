"""Deciding flags: every status change is a review row and an audit row; flags are never deleted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review.decisions import Decision, DecisionError, decide
from storage.models import Flag
from storage.models_review import AppUser, AuditLog, Review
from tests.review.conftest import Env


def _status(env: Env, flag_id: int) -> str:
    with Session(env.engine) as s:
        return s.get_one(Flag, flag_id).status


def _reviews(env: Env, flag_id: int) -> list[tuple[str, str, str]]:
    with Session(env.engine) as s:
        rows = s.execute(
            select(Review.action, Review.from_status, Review.to_status)
            .where(Review.flag_id == flag_id)
            .order_by(Review.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def _audit(env: Env, flag_id: int) -> list[AuditLog]:
    with Session(env.engine) as s:
        return list(
            s.scalars(
                select(AuditLog)
                .where(AuditLog.object_type == "flag", AuditLog.object_id == str(flag_id))
                .order_by(AuditLog.id)
            )
        )


def _queue_ids(client: TestClient) -> str:
    return client.get("/queue").text


def test_claim_then_confirm(env: Env) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["milk"]
    response = client.post(f"/flags/{flag}/claim", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == f"/listings/{env.seeded.listings['milk']}?msg=decided#flag-{flag}"
    assert _status(env, flag) == "in_review"
    assert f'data-flag-id="{flag}"' in _queue_ids(client)  # in review: still in the queue
    form = {
        "csrf_token": token,
        "category": "smuggled",
        "legal_basis": "Nghị định 98/2020/NĐ-CP",
        "note": "đã xác minh",
    }
    assert client.post(f"/flags/{flag}/confirm", data=form).status_code == 303
    assert _status(env, flag) == "confirmed"
    assert _reviews(env, flag) == [("claim", "new", "in_review"), ("confirm", "in_review", "confirmed")]
    entries = _audit(env, flag)
    assert [e.action for e in entries] == ["flag_claim", "flag_confirm"]
    assert entries[-1].username == "insp" and entries[-1].before == {"status": "in_review"}
    assert entries[-1].after == {
        "status": "confirmed",
        "category": "smuggled",
        "legal_basis": "Nghị định 98/2020/NĐ-CP",
        "note": "đã xác minh",
    }
    assert f'data-flag-id="{flag}"' not in _queue_ids(client)  # decided: gone from the queue
    page = client.get(f"/listings/{env.seeded.listings['milk']}?msg=decided").text
    assert "Đã ghi nhận." in page and "Xác nhận vi phạm" in page


def test_confirm_from_new_records_the_claim_too(env: Env) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["bag"]
    form = {"csrf_token": token, "category": "counterfeit", "legal_basis": "Nghị định 99/2013/NĐ-CP"}
    assert client.post(f"/flags/{flag}/confirm", data=form).status_code == 303
    assert _reviews(env, flag) == [("claim", "new", "in_review"), ("confirm", "in_review", "confirmed")]


@pytest.mark.parametrize(
    ("action", "form", "status"),
    [
        ("dismiss", {"reason": "licensed", "note": "có giấy phép"}, "dismissed"),
        ("dismiss", {"reason": "not_violation"}, "dismissed"),
        ("escalate", {"note": "cần đội 3 kiểm tra"}, "escalated"),
    ],
)
def test_dismiss_and_escalate(env: Env, action: str, form: dict[str, str], status: str) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["cream"]
    assert client.post(f"/flags/{flag}/{action}", data={"csrf_token": token, **form}).status_code == 303
    assert _status(env, flag) == status
    assert _reviews(env, flag)[-1] == (action, "in_review", status)
    with Session(env.engine) as s:
        review = s.scalars(select(Review).where(Review.action == action)).one()
        assert (review.reason, review.note) == (form.get("reason"), form.get("note"))


def test_escalated_flag_can_still_be_confirmed(env: Env) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["cream"]
    client.post(f"/flags/{flag}/escalate", data={"csrf_token": token, "note": "xin ý kiến"})
    form = {"csrf_token": token, "category": "prohibited", "legal_basis": "Luật An toàn thực phẩm 2010"}
    assert client.post(f"/flags/{flag}/confirm", data=form).status_code == 303
    assert _reviews(env, flag)[-1] == ("confirm", "escalated", "confirmed")


def test_assign_to_a_colleague(env: Env) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["milk"]
    colleague = env.seeded.users["insp2"]
    assert (
        client.post(
            f"/flags/{flag}/assign", data={"csrf_token": token, "assignee": str(colleague)}
        ).status_code
        == 303
    )
    assert _status(env, flag) == "in_review"
    with Session(env.engine) as s:
        assert s.scalars(select(Review.assignee_id)).one() == colleague
    assert "Người xử lý: insp2" in client.get(f"/listings/{env.seeded.listings['milk']}").text
    analyst = env.seeded.users["ana"]  # only active inspectors can be assigned
    assert (
        client.post(f"/flags/{flag}/assign", data={"csrf_token": token, "assignee": str(analyst)}).status_code
        == 422
    )


@pytest.mark.parametrize(
    ("action", "form"),
    [
        ("confirm", {"category": "not-a-category", "legal_basis": "Nghị định 98/2020"}),
        ("confirm", {"category": "smuggled"}),  # no legal basis
        ("confirm", {"category": "smuggled", "legal_basis": "x" * 501}),
        ("dismiss", {"reason": "because"}),
        ("dismiss", {"reason": "other"}),  # "other" needs a note
        ("escalate", {}),
        ("assign", {"assignee": "not a number"}),
    ],
)
def test_invalid_forms_change_nothing(env: Env, action: str, form: dict[str, str]) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["milk"]
    response = client.post(f"/flags/{flag}/{action}", data={"csrf_token": token, **form})
    assert response.status_code == 422
    assert _status(env, flag) == "new" and _reviews(env, flag) == [] and _audit(env, flag) == []


def test_decided_flags_cannot_be_decided_again(env: Env) -> None:
    client, token = env.login("insp")
    flag = env.seeded.flags["milk"]
    client.post(f"/flags/{flag}/dismiss", data={"csrf_token": token, "reason": "duplicate"})
    for action, form in (
        ("claim", {}),
        ("escalate", {"note": "lại"}),
        ("confirm", {"category": "smuggled", "legal_basis": "abc"}),
    ):
        response = client.post(f"/flags/{flag}/{action}", data={"csrf_token": token, **form})
        assert response.status_code == 409, action
    assert _status(env, flag) == "dismissed" and len(_reviews(env, flag)) == 2
    assert client.post("/flags/999999/claim", data={"csrf_token": token}).status_code == 404


def test_a_concurrent_change_wins_once(env: Env) -> None:
    """Two inspectors read the same new flag; the second write finds it changed and is refused."""
    flag_id = env.seeded.flags["bag"]
    with (
        Session(env.engine, expire_on_commit=False) as first,
        Session(env.engine, expire_on_commit=False) as second,
    ):
        users = {u.username: u for u in first.scalars(select(AppUser))}
        stale = second.get_one(Flag, flag_id)
        assert stale.status == "new"
        decide(first, flag_id, users["insp"], Decision("claim"), ip=None)
        first.commit()
        with pytest.raises(DecisionError) as raised:
            decide(second, flag_id, users["insp2"], Decision("claim"), ip=None)  # reads its stale "new"
        second.rollback()
    assert raised.value.kind == "conflict"
    with Session(env.engine) as s:
        assert s.scalar(select(func.count(Review.id))) == 1
