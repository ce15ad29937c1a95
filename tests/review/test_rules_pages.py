"""Analysts' rule pages: precision and dismissal reasons from decisions, examples, eval on an upload."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from review.decisions import Decision, decide
from review.rules_eval import MAX_UPLOAD, engine
from storage import review_repo
from storage.models import Flag
from storage.models_review import AppUser, AuditLog
from tests.review.conftest import Env
from tests.review.inert import assert_inert


def _decide(env: Env, rule_id: str) -> None:
    """Three flags of one rule: one confirmed, two dismissed (for different reasons)."""
    with Session(env.engine) as session:
        flags = env.seeded.flags
        for name in ("milk", "bag", "xss"):
            session.get_one(Flag, flags[name]).rule_id = rule_id
        session.commit()
        insp = session.get_one(AppUser, env.seeded.users["insp"])
        decide(
            session,
            flags["milk"],
            insp,
            Decision("confirm", category="smuggled", legal_basis="NĐ 98"),
            ip=None,
        )
        decide(session, flags["bag"], insp, Decision("dismiss", reason="licensed"), ip=None)
        decide(session, flags["xss"], insp, Decision("dismiss", reason="duplicate"), ip=None)
        session.commit()


def test_precision_and_dismissal_reasons_per_rule(env: Env) -> None:
    rule = engine().rules[0]
    _decide(env, rule.id)
    with Session(env.engine) as session:
        record = review_repo.rule_decisions(session)[rule.id]
    assert (record.confirmed, record.dismissed, record.reasons) == (1, 2, {"licensed": 1, "duplicate": 1})
    assert record.precision == 1 / 3
    client, _ = env.login("ana")
    page = client.get("/rules").text
    assert f'data-rule-id="{rule.id}"' in page and "33%" in page and "Hàng hợp pháp" in page
    assert_inert(page)
    detail = client.get(f"/rules/{rule.id}").text
    assert "33% (1/3)" in detail
    if rule.flag_examples and isinstance(rule.flag_examples[0], str):
        assert str(rule.flag_examples[0]).replace("&", "&amp;") in detail
    assert client.get("/rules/no.such-rule").status_code == 404


def _labelled() -> bytes:
    lines = []
    for n, rule in enumerate(r for r in engine().rules if r.status == "stable"):
        for example in rule.flag_examples[:1]:
            if isinstance(example, str):
                lines.append({"id": f"f{n}", "title": example, "labels": [rule.category]})
        for example in rule.pass_examples[:1]:
            if isinstance(example, str):
                lines.append({"id": f"p{n}", "title": example, "labels": []})
    return "\n".join(json.dumps(x, ensure_ascii=False) for x in lines).encode()


def test_eval_on_an_uploaded_file(env: Env) -> None:
    client, token = env.login("ana")
    assert 'enctype="multipart/form-data"' in client.get("/rules/eval").text
    files = {"file": ("labelled.jsonl", _labelled(), "application/x-ndjson")}
    response = client.post("/rules/eval", data={"csrf_token": token}, files=files)
    assert response.status_code == 200, response.text
    assert 'id="eval-result"' in response.text and 'data-category="counterfeit"' in response.text
    assert_inert(response.text)
    with Session(env.engine) as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "rules_eval")).one()
    assert audit.username == "ana" and audit.after["file"] == "labelled.jsonl"  # type: ignore[index]


def test_eval_refuses_bad_files(env: Env) -> None:
    client, token = env.login("adm")
    cases = {
        b"": "no records",
        b'{"id": 1, "title": "x", "labels": []}\nnot json': "line 2",
        b'{"id": 1, "title": "x", "labels": ["<script>alert(1)</script>"]}': "unknown label",
        b"[1, 2]": "JSON object",
        b"\xff\xfe": "UTF-8",
        b" " * (MAX_UPLOAD + 1): "larger than",
    }
    for data, message in cases.items():
        response = client.post("/rules/eval", data={"csrf_token": token}, files={"file": ("x.jsonl", data)})
        assert response.status_code == 422 and message in response.text, message
        assert_inert(response.text)
