"""Sellers: repeat offenders ranked by confirmed violations; one seller's listings, contacts and record."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review.accounts import Current
from review.security import get_read_db, require
from review.templating import render
from storage import review_repo

router = APIRouter()
READERS = ("inspector", "analyst", "admin")
Db = Annotated[Session, Depends(get_read_db)]  # both pages only read
Reader = Annotated[Current, Depends(require(*READERS))]


@router.get("/sellers")
def sellers_page(request: Request, db: Db, current: Reader) -> Response:
    cache = request.app.state.report_cache
    ranked = cache.memo(("sellers", cache.version(db)), lambda: review_repo.top_sellers(db, limit=100))
    return render(request, "sellers.html", {"sellers": ranked})


@router.get("/sellers/{seller_id}")
def seller_page(request: Request, seller_id: int, db: Db, current: Reader) -> Response:
    profile = review_repo.seller_profile(db, seller_id)
    if profile is None:
        raise HTTPException(status_code=404)
    return render(request, "seller.html", {"p": profile})
