"""Analysts' rule pages: precision from decisions, each rule's examples, and an eval on an uploaded file."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review.accounts import Current
from review.rules_eval import MAX_UPLOAD, UploadError, engine, evaluate_upload, example_text, rule_info
from review.security import client_ip, get_db, require
from review.templating import render
from rules.hits import CATEGORIES
from storage import review_repo

router = APIRouter()
ANALYSTS = ("analyst", "admin")
Db = Annotated[Session, Depends(get_db)]
Analyst = Annotated[Current, Depends(require(*ANALYSTS))]


@router.get("/rules")
def rules_page(request: Request, db: Db, current: Analyst) -> Response:
    decisions = review_repo.rule_decisions(db)
    rows = [(info, decisions.get(info.id)) for info in engine().rules]
    return render(request, "rules.html", {"rows": rows})


@router.get("/rules/eval")
def eval_form(request: Request, current: Analyst) -> Response:
    return render(request, "rules_eval.html", {"summary": None, "error": None, "max_mb": MAX_UPLOAD // 2**20})


@router.post("/rules/eval")
async def eval_run(
    request: Request, db: Db, current: Analyst, file: Annotated[UploadFile, File()]
) -> Response:
    data = await file.read(MAX_UPLOAD + 1)
    context: dict[str, Any] = {
        "summary": None,
        "error": None,
        "max_mb": MAX_UPLOAD // 2**20,
        "categories": CATEGORIES,
    }
    try:
        context["summary"] = evaluate_upload(data)
    except UploadError as error:
        context["error"] = str(error)
        return render(request, "rules_eval.html", context, status_code=422)
    summary = context["summary"]
    review_repo.audit(
        db, "rules_eval", user=current.user, object_type="rules", object_id=engine().pack_hash[:12],
        after={"file": (file.filename or "")[:200], "listings": summary["listings"],
               "macro_f1": summary["macro_f1"]},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    return render(request, "rules_eval.html", context)


@router.get("/rules/{rule_id}")
def rule_page(request: Request, rule_id: str, db: Db, current: Analyst) -> Response:
    info = rule_info(rule_id)
    if info is None:
        raise HTTPException(status_code=404)
    decisions = review_repo.rule_decisions(db, rule_id).get(rule_id)
    return render(
        request,
        "rule.html",
        {
            "r": info,
            "d": decisions,
            "flag_examples": [example_text(e) for e in info.flag_examples],
            "pass_examples": [example_text(e) for e in info.pass_examples],
        },
    )
