"""Bulk actions: several flags claimed, dismissed or escalated at once, each with its review and audit row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from review.decisions import Decision, decide
from storage.models import Flag
from storage.models_review import AppUser, AuditLog, Review
from tests.review.conftest import Env
from tests.review.inert import assert_inert


def _statuses(env: Env) -> dict[str, str]:
    with Session(env.engine) as s:
        return {name: s.get_one(Flag, fid).status for name, fid in env.seeded.flags.items()}


def _count(env: Env, model: type, *where: object) -> int:
    with Session(env.engine) as s:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("form", "status", "reviews"),
    [
        ({"action": "claim"}, "in_review", 1),
        ({"action": "dismiss", "reason": "licensed"}, "dismissed", 2),
        ({"action": "escalate", "note": "Cần đoàn kiểm tra liên ngành"}, "escalated", 2),
    ],
)
def test_bulk_decides_each_selected_flag(env: Env, form: dict[str, str], status: str, reviews: int) -> None:
    client, token = env.login("insp")
    chosen = [env.seeded.flags["milk"], env.seeded.flags["bag"]]
    response = client.post("/flags/bulk", data={"csrf_token": token, "flag_id": chosen, **form})
    assert response.status_code == 200
    assert "2/2" in response.text
    assert_inert(response.text)
    statuses = _statuses(env)
    assert (statuses["milk"], statuses["bag"], statuses["xss"]) == (status, status, "new")
    for flag_id in chosen:
        assert _count(env, Review, Review.flag_id == flag_id) == reviews
        assert (
            _count(env, AuditLog, AuditLog.object_type == "flag", AuditLog.object_id == str(flag_id))
            == reviews
        )


def test_flags_moved_by_someone_else_are_reported_not_overwritten(env: Env) -> None:
    flags = env.seeded.flags
    with Session(env.engine) as session:
        other = session.scalars(select(AppUser).where(AppUser.username == "insp2")).one()
        decide(
            session,
            flags["bag"],
            other,
            Decision("confirm", category="counterfeit", legal_basis="NĐ 98"),
            ip=None,
        )
        session.commit()
    client, token = env.login("insp")
    form = {
        "csrf_token": token,
        "action": "dismiss",
        "reason": "duplicate",
        "flag_id": [flags["milk"], flags["bag"], 999999],
    }
    page = client.post("/flags/bulk", data=form).text
    assert "1/3" in page
    assert f'data-flag-id="{flags["bag"]}" class="outcome-bad_transition"' in page
    assert 'data-flag-id="999999" class="outcome-not_found"' in page
    assert _statuses(env)["bag"] == "confirmed" and _statuses(env)["milk"] == "dismissed"


INVALID = [
    {"action": "dismiss"},  # no reason
    {"action": "dismiss", "reason": "other"},  # "other" needs a note
    {"action": "escalate"},  # escalation needs a note
    {"action": "delete"},
    {"action": "claim", "flag_id": []},
    {"action": "claim", "flag_id": ["x"]},
    {"action": "claim", "flag_id": list(range(1, 202))},  # too many at once
]


def test_invalid_bulk_forms_change_nothing(env: Env) -> None:
    client, token = env.login("insp")
    for form in INVALID:
        data = {"csrf_token": token, "flag_id": [env.seeded.flags["milk"]]} | form
        assert client.post("/flags/bulk", data=data).status_code == 422, form
    assert _count(env, Review) == 0


def test_the_queue_offers_checkboxes_to_inspectors_only(env: Env) -> None:
    inspector, _ = env.login("insp")
    page = inspector.get("/queue").text
    assert 'form id="bulk-form"' in page and page.count('form="bulk-form"') == 4
    analyst, _ = env.login("ana")
    assert "bulk-form" not in analyst.get("/queue").text
