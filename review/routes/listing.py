"""A listing's dossier: highlighted evidence, price history, the seller's record, the rules that fired."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review import accounts
from review.accounts import Current
from review.security import get_read_db, require
from review.templating import render
from storage import review_repo

router = APIRouter()
READERS = ("inspector", "analyst", "admin")
MESSAGES = ("decided", "conflict", "bad_transition")


@router.get("/listings/{listing_id}")
def listing_page(
    request: Request,
    listing_id: int,
    db: Annotated[Session, Depends(get_read_db)],
    current: Annotated[Current, Depends(require(*READERS))],
    msg: str = "",
) -> Response:
    dossier = review_repo.listing_dossier(db, listing_id)
    if dossier is None:
        raise HTTPException(status_code=404)
    evidence: list[dict[str, Any]] = [item for flag in dossier.flags for item in (flag.evidence or [])]
    return render(
        request,
        "listing.html",
        {
            "d": dossier,
            "l": dossier.listing,
            "evidence": evidence,
            "assignees": dossier.assignees,
            # Whom to assign to: a minute old at most (the assign route checks the choice afresh).
            "colleagues": request.app.state.report_cache.memo(
                ("colleagues",), lambda: accounts.colleagues(db)
            )
            if current.user.role == "inspector"
            else [],
            "message": msg if msg in MESSAGES else None,
        },
    )
