"""Reports and exports: the numbers, the charts, formula-safe CSV/XLSX with Vietnamese intact, audit rows."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from review import templating
from review.decisions import Decision, decide
from review.exports import BOM, safe_cell, to_csv
from review.reports import ReportCache, build_report, iso_week, percentile
from storage.models import Flag, Listing
from storage.models_review import AppUser, AuditLog
from tests.review.conftest import Env
from tests.review.seed import set_created


def local_today() -> date:
    """Today in Vietnam (UTC+7), from the clock when asked: a test module imported before local midnight
    may run its tests after it."""
    return (datetime.now(UTC) + timedelta(hours=7)).date()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+84 912 345 678", "'+84 912 345 678"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Sữa bột Meiji", "Sữa bột Meiji"),
        (-5, -5),
        (1.5, 1.5),
        (None, ""),
    ],
)
def test_cells_never_start_a_formula(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


def test_csv_has_a_bom_and_keeps_vietnamese() -> None:
    data = to_csv(["tiêu đề"], [["=1+1"], ["Đồng hồ"]])
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    assert list(csv.reader(io.StringIO(text[1:]))) == [["tiêu đề"], ["'=1+1"], ["Đồng hồ"]]


def test_percentiles_and_iso_weeks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert percentile(list(range(1, 11)), 0.9) == 9
    assert iso_week(date(2026, 1, 1)) == "2026-W01" and iso_week("2024-12-30") == "2025-W01"


def _decide_some(env: Env) -> None:
    flags = env.seeded.flags
    now = datetime.now(UTC)  # the decisions below are stamped with the real clock
    set_created(env.engine, flags["milk"], now - timedelta(hours=10))
    set_created(env.engine, flags["bag"], now - timedelta(hours=2))
    with Session(env.engine) as session:
        insp = session.get_one(AppUser, env.seeded.users["insp"])
        decide(
            session,
            flags["milk"],
            insp,
            Decision("confirm", category="smuggled", legal_basis="NĐ 98/2020"),
            ip=None,
        )
        decide(session, flags["bag"], insp, Decision("dismiss", reason="licensed"), ip=None)
        session.commit()


def test_report_numbers(env: Env) -> None:
    _decide_some(env)
    with Session(env.engine) as session:
        today = local_today()
        report = build_report(session, today - timedelta(days=30), today)
    assert sum(row[-1] for row in report.weekly.rows) == 4
    bag = next(row for row in report.weekly.rows if row[1] == "counterfeit" and row[2] == "shopee")
    assert bag[3:] == ("Hà Nội", "Hà Nội", 1)
    milk = next(row for row in report.weekly.rows if row[1] == "smuggled")
    assert milk[0] == iso_week(today) or milk[0] == iso_week(today - timedelta(days=1))
    assert milk[3:5] == ("TP. Hồ Chí Minh", "Bình Dương")
    assert sorted(report.decisions.rows) == [("confirmed", "smuggled", 1), ("dismissed", "counterfeit", 1)]
    assert report.decided == 2
    assert report.median_hours == pytest.approx(2, abs=0.1)
    assert report.p90_hours == pytest.approx(10, abs=0.1)
    assert report.sellers.rows[0][1:] == ("Shop Mẹ Bắp", "tiki", 1, 3, 3)
    rules = {row[0]: row for row in report.rules.rows}
    assert rules["smuggled.hand_carried"][2:] == (1, 0, 1, 0, 0)
    assert rules["counterfeit.fake_words"][2:] == (1, 0, 0, 1, 0)
    assert {b.label: b.value for b in report.by_decision} == {"confirmed": 1, "dismissed": 1}
    assert max(b.width for b in report.by_category) == 100


def test_reports_page_for_every_reader(env: Env) -> None:
    _decide_some(env)
    client, _ = env.login("ana")
    page = client.get("/reports").text
    assert "Shop Mẹ Bắp" in page and "smuggled.hand_carried" in page
    assert '<rect x="0" y="0" width="100.0" height="10">' in page  # a server-drawn bar
    assert 'action="/reports/export"' not in page  # analysts do not export
    inspector, _ = env.login("insp")
    page = inspector.get("/reports?date_from=01/11/2026&date_to=30/11/2026").text
    assert page.count('action="/reports/export"') == 4
    assert 'value="01/11/2026"' in page
    assert inspector.get("/reports?date_from=" + "9" * 11).status_code == 422


def _audits(env: Env) -> list[AuditLog]:
    with Session(env.engine) as session:
        return list(
            session.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id))
        )


def test_report_exports_are_formula_safe_and_audited(env: Env) -> None:
    _decide_some(env)
    with Session(env.engine) as session:
        session.execute(
            Listing.__table__.update().values(shop_name="=cmd|' /C calc'!A0")  # type: ignore[attr-defined]
        )
        session.commit()
    client, token = env.login("insp")
    response = client.post("/reports/export", data={"csrf_token": token, "table": "rules", "fmt": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM + "rule,category,flags")
    response = client.post("/reports/export", data={"csrf_token": token, "table": "sellers", "fmt": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert [c.value for c in sheet[1]] == ["seller_id", "seller", "source", "confirmed", "flags", "listings"]
    assert sheet["B2"].value == "Shop Mẹ Bắp" and sheet["D2"].value == 1 and sheet["D2"].data_type == "n"
    audits = _audits(env)
    assert [(a.object_type, a.object_id, a.after["format"]) for a in audits] == [  # type: ignore[index]
        ("report", "rules", "csv"),
        ("report", "sellers", "xlsx"),
    ]
    assert audits[0].username == "insp"
    bad = client.post("/reports/export", data={"csrf_token": token, "table": "users", "fmt": "csv"})
    assert bad.status_code == 422
    assert len(_audits(env)) == 2


def test_queue_export_follows_the_filters(env: Env) -> None:
    with Session(env.engine) as session:
        listing = session.get_one(Listing, env.seeded.listings["bag"])
        listing.title = '=HYPERLINK("http://evil.example","Túi")'
        listing.shop_name = "@SUM(1+1)"
        session.commit()
    client, token = env.login("adm")
    form = {"csrf_token": token, "fmt": "xlsx", "category": "counterfeit", "status": "open"}
    response = client.post("/queue/export", data=form)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 2  # the bag and the Rolex
    bag = next(r for r in rows if r[1] == env.seeded.listings["bag"])
    assert bag[3] == '\'=HYPERLINK("http://evil.example","Túi")' and bag[4] == "'@SUM(1+1)"
    csv_text = client.post("/queue/export", data=form | {"fmt": "csv"}).content.decode("utf-8")
    assert "'=HYPERLINK" in csv_text and "<script>alert(1)</script>" in csv_text  # data, not markup
    (first, second) = _audits(env)
    assert first.object_type == "queue" and first.after == {  # type: ignore[comparison-overlap]
        "format": "xlsx",
        "filters": "category=counterfeit",
        "rows": 2,
        "truncated": False,
    }
    assert client.post("/queue/export", data=form | {"fmt": "pdf"}).status_code == 422
    assert client.post("/queue/export", data=form | {"category": "nope"}).status_code == 422
    assert len(_audits(env)) == 2


def test_the_queue_page_offers_the_export_to_inspectors_only(env: Env) -> None:
    inspector, _ = env.login("insp")
    assert 'action="/queue/export"' in inspector.get("/queue?category=smuggled").text
    analyst, _ = env.login("ana")
    assert 'action="/queue/export"' not in analyst.get("/queue").text


def test_the_reports_page_reuses_recent_figures_until_a_decision(env: Env) -> None:
    client, token = env.login("insp")
    assert "smuggled.hand_carried" in client.get("/reports").text
    with Session(env.engine) as session:  # a crawl's new flag: shown once the cache's minute is over
        session.execute(Flag.__table__.update().values(category="expired"))  # type: ignore[attr-defined]
        session.commit()
    assert "Hàng hết hạn" not in client.get("/reports").text
    _decide_some(env)  # a decision (in any process) makes the next request recompute
    page = client.get("/reports").text
    assert "Xác nhận vi phạm</td><td>Hàng hết hạn" in page
    fresh = client.post("/reports/export", data={"csrf_token": token, "table": "decisions", "fmt": "csv"})
    assert "confirmed,expired,1" in fresh.content.decode("utf-8")
    with Session(env.engine) as session:
        cache = ReportCache(0)  # no reuse: always computed
        today = local_today()
        yesterday = today - timedelta(days=1)  # the decisions may have been made before local midnight
        assert cache.get(session, yesterday, today).decided == 2
        cached = ReportCache(60)
        first = cached.get(session, yesterday, today)
        assert cached.get(session, yesterday, today) is first
        insp = session.get_one(AppUser, env.seeded.users["insp"])
        decide(session, env.seeded.flags["xss"], insp, Decision("escalate", note="khẩn"), ip=None)
        session.commit()
        assert cached.get(session, yesterday, today) is not first


def test_the_sellers_ranking_follows_decisions(env: Env) -> None:
    client, _ = env.login("ana")
    assert "data-seller-id" not in client.get("/sellers").text
    _decide_some(env)
    assert f'data-seller-id="{env.seeded.sellers["s1"]}"' in client.get("/sellers").text


def test_the_shared_report_carries_each_users_own_csrf_token(env: Env) -> None:
    """The report's tables are rendered once and shared; the export forms in them hold the CSRF token of
    the user who asked, never another user's, and an export with it works."""
    _decide_some(env)
    first, first_token = env.login("insp")
    second, second_token = env.login("insp2")
    assert first_token != second_token
    pages = [client.get("/reports").text for client in (first, second, first)]
    for page, token, other in zip(
        pages,
        (first_token, second_token, first_token),
        (second_token, first_token, second_token),
        strict=True,
    ):
        tokens = set(re.findall(r'name="csrf_token" value="([^"]+)"', page))
        assert tokens == {token}, tokens
        assert other not in page
        assert templating.CSRF_PLACEHOLDER not in page
    response = second.post(
        "/reports/export", data={"table": "weekly", "fmt": "csv", "csrf_token": second_token}
    )
    assert response.status_code == 200, response.text
