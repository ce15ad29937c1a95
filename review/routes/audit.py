"""The audit log, newest first, for admins (keyset-paginated by id)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review.accounts import Current
from review.security import get_db, require
from review.templating import render
from storage import review_repo

router = APIRouter()
PAGE = 100


@router.get("/audit")
def audit_page(
    request: Request,
    db: Annotated[Session, Depends(get_db)],
    current: Annotated[Current, Depends(require("admin"))],
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    entries = review_repo.audit_entries(db, before_id=before, limit=PAGE)
    older = entries[-1].id if len(entries) == PAGE else None
    return render(request, "audit.html", {"entries": entries, "older": older})
