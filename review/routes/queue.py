"""The queue: flags awaiting review, riskiest listing first, filtered, keyset-paginated."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from crawler.normalize import MERGED_PROVINCES
from review.accounts import Current
from review.formatting import parse_local_date, start_of_local_day
from review.i18n import translator
from review.security import get_read_db, require, settings_of
from review.templating import STATUSES, language, render
from rules.hits import CATEGORIES, SEVERITIES
from storage import review_repo
from storage.review_repo import OPEN_STATUSES, QueueCursor, QueueFilters

router = APIRouter()
READERS = ("inspector", "analyst", "admin")

CURRENT_PROVINCES = sorted(MERGED_PROVINCES)
LEGACY_PROVINCES = sorted({old for olds in MERGED_PROVINCES.values() for old in olds} - set(MERGED_PROVINCES))

Category = Literal[CATEGORIES]  # type: ignore[valid-type]
Severity = Literal[SEVERITIES]  # type: ignore[valid-type]
StatusChoice = Literal["open", "new", "in_review", "confirmed", "dismissed", "escalated", "superseded", "all"]


@cache
def filter_choices(lang: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """The (value, label) pairs of the queue's fixed filter lists in one language (see templating.options)."""
    t = translator(lang)
    return {
        "status": (("open", t("open")), *((s, t(f"st_{s}")) for s in STATUSES), ("all", t("all"))),
        "category": (("", t("all")), *((c, t(f"cat_{c}")) for c in CATEGORIES)),
        "severity": (("", t("all")), *((s, t(f"sev_{s}")) for s in SEVERITIES)),
        "province_current": tuple((p, p) for p in CURRENT_PROVINCES),
        "province_legacy": tuple((p, p) for p in LEGACY_PROVINCES),
    }


class QueueQuery(BaseModel):
    """The queue's filters as they arrive in the query string (empty fields mean 'any')."""

    model_config = ConfigDict(extra="ignore")

    category: Category | Literal[""] = ""
    severity: Severity | Literal[""] = ""
    source: str = Field("", max_length=32)
    province: str = Field("", max_length=64)
    rule: str = Field("", max_length=128)
    status: StatusChoice = "open"
    date_from: str = Field("", max_length=10)
    date_to: str = Field("", max_length=10)
    q: str = Field("", max_length=200)
    tip: Literal["", "1"] = ""
    after: str = Field("", max_length=80)

    def filters(self) -> QueueFilters:
        if self.status == "open":
            statuses: tuple[str, ...] = OPEN_STATUSES
        elif self.status == "all":
            statuses = ("new", "in_review", "confirmed", "dismissed", "escalated", "superseded")
        else:
            statuses = (self.status,)
        start, end = parse_local_date(self.date_from), parse_local_date(self.date_to)
        return QueueFilters(
            statuses=statuses,
            category=self.category or None,
            severity=self.severity or None,
            source=self.source.strip() or None,
            province=self.province.strip() or None,
            rule_id=self.rule.strip() or None,
            created_from=start_of_local_day(start) if start else None,
            created_before=start_of_local_day(end) + timedelta(days=1) if end else None,
            text=self.q.strip() or None,
            from_tip=self.tip == "1",
        )

    def export_fields(self) -> dict[str, str]:
        """The filters as hidden fields of the export form (the page position is not a filter)."""
        return {k: v for k, v in self.model_dump().items() if k != "after"}

    def query_string(self, **changes: str) -> str:
        values = self.model_dump() | changes
        return urlencode({k: v for k, v in values.items() if v and not (k == "status" and v == "open")})


@router.get("/queue")
def queue_page(
    request: Request,
    params: Annotated[QueueQuery, Query()],
    db: Annotated[Session, Depends(get_read_db)],
    current: Annotated[Current, Depends(require(*READERS))],
) -> Response:
    page = review_repo.review_queue(
        db,
        params.filters(),
        after=QueueCursor.decode(params.after),
        limit=settings_of(request).queue_page_size,
    )
    context = {
        "params": params,
        "page": page,
        "more_url": f"/queue?{params.query_string(after=page.next_cursor.encode())}"
        if page.next_cursor
        else None,
    }
    if request.headers.get("hx-request") == "true":
        # "More" appends rows; a filter change replaces the whole result block.
        template = "queue_rows.html" if params.after else "queue_results.html"
        return render(request, template, context)
    context |= {
        # The filter's choice of sources: a new source shows there within the cache's time to live.
        "sources": request.app.state.report_cache.memo(("sources",), lambda: review_repo.source_names(db)),
        "choices": filter_choices(language(request)),
    }
    return render(request, "queue.html", context)
