"""Reports (all readers) and exports of the report tables and of the filtered queue (inspectors, admins).

Analysts see reports but do not export: an export carries listing and seller data out of the audited
application, and the analyst role is read-only. Exports are POSTs (CSRF) and each writes an audit row.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from review.accounts import Current
from review.exports import MEDIA_TYPES, export_bytes
from review.formatting import VIETNAM, parse_local_date
from review.reports import TABLES, build_report, parse_range
from review.routes.queue import QueueQuery
from review.security import client_ip, get_db, get_read_db, require
from review.templating import language, render, shared_fragment, with_csrf
from storage import review_repo

router = APIRouter()
READERS = ("inspector", "analyst", "admin")
EXPORTERS = ("inspector", "admin")
QUEUE_EXPORT_LIMIT = 10_000
QUEUE_HEADERS = (
    "flag_id", "listing_id", "source", "title", "shop", "price_vnd", "province", "province_legacy",
    "category", "severity", "rule", "score", "status", "risk_score", "created_at",
)  # fmt: skip

Db = Annotated[Session, Depends(get_db)]
ReadDb = Annotated[Session, Depends(get_read_db)]
Format = Annotated[Literal["csv", "xlsx"], Form()]


def _today() -> date:
    return datetime.now(VIETNAM).date()


def _range(date_from: str, date_to: str) -> tuple[date, date]:
    return parse_range(parse_local_date(date_from), parse_local_date(date_to), _today())


def _download(content: bytes, fmt: str, stem: str) -> Response:
    return Response(
        content,
        media_type=MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{stem}.{fmt}"'},
    )


@router.get("/reports")
def reports_page(
    request: Request,
    db: ReadDb,
    current: Annotated[Current, Depends(require(*READERS))],
    date_from: Annotated[str, Query(max_length=10)] = "",
    date_to: Annotated[str, Query(max_length=10)] = "",
) -> Response:
    start, end = _range(date_from, date_to)
    cache = request.app.state.report_cache
    version = cache.version(db)
    lang, can_export = language(request), current.user.role in EXPORTERS
    # The report's tables and charts are the same for everyone with the same language and export right:
    # rendered once per report (same key as the figures, plus those two), the CSRF token put in per request.
    body = cache.memo(
        ("report_html", start, end, version, lang, can_export),
        lambda: shared_fragment(
            "_reports_body.html",
            {"r": cache.get(db, start, end, version), "can_export": can_export, "tables": TABLES},
            lang,
        ),
    )
    return render(request, "reports.html", {"body": with_csrf(request, body)})


@router.post("/reports/export")
def export_report(
    request: Request,
    db: Db,
    current: Annotated[Current, Depends(require(*EXPORTERS))],
    table: Annotated[Literal[TABLES], Form()],  # type: ignore[valid-type]
    fmt: Format,
    date_from: Annotated[str, Form(max_length=10)] = "",
    date_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    start, end = _range(date_from, date_to)
    data = build_report(db, start, end).table(table)
    content = export_bytes(fmt, data.name, data.headers, data.rows)
    review_repo.audit(
        db, "export", user=current.user, object_type="report", object_id=table,
        after={"format": fmt, "from": start.isoformat(), "to": end.isoformat(), "rows": len(data.rows)},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    return _download(content, fmt, f"ecomwatch-{table}-{start.isoformat()}-{end.isoformat()}")


@router.post("/queue/export")
async def export_queue(
    request: Request,
    db: Db,
    current: Annotated[Current, Depends(require(*EXPORTERS))],
) -> Response:
    form = await request.form()
    fmt = form.get("fmt")
    if fmt not in MEDIA_TYPES:
        return render(request, "error.html", {"message_key": "bad_form", "detail": "fmt"}, status_code=422)
    try:
        params = QueueQuery.model_validate(
            {k: v for k, v in form.items() if isinstance(v, str) and k != "after"}
        )
    except ValidationError as error:
        detail = "; ".join(str(e["loc"][0]) for e in error.errors()[:5])
        return render(request, "error.html", {"message_key": "bad_form", "detail": detail}, status_code=422)
    page = review_repo.review_queue(db, params.filters(), limit=QUEUE_EXPORT_LIMIT)
    rows = [
        (r.flag_id, r.listing_id, r.source, r.title, r.shop_name, r.price, r.province, r.province_legacy,
         r.category, r.severity, r.rule_id, r.score, r.status, r.risk_score, r.created_at)
        for r in page.rows
    ]  # fmt: skip
    content = export_bytes(str(fmt), "queue", QUEUE_HEADERS, rows)
    review_repo.audit(
        db, "export", user=current.user, object_type="queue", object_id=None,
        after={"format": fmt, "filters": params.query_string(), "rows": len(rows),
               "truncated": page.next_cursor is not None},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    return _download(content, str(fmt), "ecomwatch-queue")
