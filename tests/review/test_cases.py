"""Cases: created from a listing, filled from the queue, moved open → submitted → closed, exported as XLSX
and as a ZIP case file (formula-safe, escaped, raw data intact), every change audited."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
from typing import Any

import openpyxl
import pytest
from alembic import command
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from review.case_export import snippet
from review.decisions import Decision, decide
from review.formatting import Segment
from storage.db import alembic_config, make_engine, upgrade
from storage.models import Listing
from storage.models_review import AppUser, AuditLog, Case, CaseItem
from tests.review.conftest import Env
from tests.review.inert import assert_inert
from tests.review.seed import XSS_SCRIPT

CASES = "5b1c0ca5e001"
XSS_CASE = f'{XSS_SCRIPT} Vụ "Rolex" <img src=x onerror=alert(1)>'


def _audit(env: Env, case_id: int) -> list[AuditLog]:
    with Session(env.engine) as s:
        return list(
            s.scalars(
                select(AuditLog)
                .where(AuditLog.object_type == "case", AuditLog.object_id == str(case_id))
                .order_by(AuditLog.id)
            )
        )


def _items(env: Env, case_id: int) -> list[int]:
    with Session(env.engine) as s:
        return sorted(s.scalars(select(CaseItem.listing_id).where(CaseItem.case_id == case_id)))


def _new_case(client: TestClient, token: str, **form: Any) -> int:
    response = client.post("/cases", data={"csrf_token": token, "title": "Vụ Meiji", **form})
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/cases/(\d+)\?msg=created", response.headers["location"])
    assert match
    return int(match.group(1))


def _confirm(env: Env, key: str) -> None:
    with Session(env.engine) as s:
        insp = s.get_one(AppUser, env.seeded.users["insp2"])
        decision = Decision(
            "confirm", category="smuggled", legal_basis="Nghị định 98/2020/NĐ-CP", note="đã xác minh"
        )
        decide(s, env.seeded.flags[key], insp, decision, ip=None)
        s.commit()


def test_a_case_from_a_listing_then_flags_from_the_queue(env: Env) -> None:
    listings, flags = env.seeded.listings, env.seeded.flags
    _confirm(env, "milk")
    client, token = env.login("insp")
    fragment = client.get(f"/listings/{listings['milk']}/cases").text
    assert 'action="/cases"' in fragment and f'value="{flags["milk"]}"' in fragment
    case_id = _new_case(
        client, token, listing_id=listings["milk"], flag_id=flags["milk"], with_seller="1",
        legal_basis="Nghị định 98/2020/NĐ-CP", note="Kiểm tra đợt 1",
    )  # fmt: skip
    with Session(env.engine) as s:
        case = s.get_one(Case, case_id)
        assert (case.status, case.seller_id, case.created_by) == (
            "open",
            env.seeded.sellers["s1"],
            env.seeded.users["insp"],
        )
    # the queue's bulk form sends the selected flags here; the listing already in the case is skipped
    response = client.post(
        "/cases/items",
        data={"csrf_token": token, "case_id": case_id, "flag_id": [flags["bag"], flags["milk"]]},
    )
    assert response.headers["location"] == f"/cases/{case_id}?msg=added"
    again = client.post(
        "/cases/items", data={"csrf_token": token, "case_id": case_id, "listing_id": listings["bag"]}
    )
    assert again.headers["location"] == f"/cases/{case_id}?msg=nothing_added"
    assert _items(env, case_id) == sorted([listings["milk"], listings["bag"]])

    page = client.get(f"/cases/{case_id}?msg=added").text
    assert_inert(page)
    assert page.count('class="card case-item"') == 2
    assert "Sữa bột Meiji <mark>xách tay</mark> Nhật" in page  # the title, highlighted as on the listing page
    assert "“Túi Gucci <mark>super fake</mark> loại 1”" in page  # an evidence snippet
    assert "Nghị định 98/2020/NĐ-CP" in page and "insp2" in page  # the decision and who made it
    assert "0987654321" in page and "Hà Nội" in page and "Bình Dương" in page  # contacts, old/new province
    assert "Đã thêm vào hồ sơ." in page
    assert f'href="/cases/{case_id}"' in client.get(f"/listings/{listings['milk']}/cases").text

    removed = client.post(f"/cases/{case_id}/items/{listings['bag']}/remove", data={"csrf_token": token})
    assert removed.status_code == 303 and _items(env, case_id) == [listings["milk"]]
    assert (
        client.post(
            f"/cases/{case_id}/items/{listings['bag']}/remove", data={"csrf_token": token}
        ).status_code
        == 404
    )

    log = [(e.action, e.username, e.before, e.after) for e in _audit(env, case_id)]
    assert [a for a, *_ in log] == ["case_create", "case_item_add", "case_item_add", "case_item_remove"]
    assert all(who == "insp" for _, who, _, _ in log)
    assert log[0][3]["title"] == "Vụ Meiji" and log[0][3]["status"] == "open"
    assert log[2][2] == {"listings": [listings["milk"]]}
    assert log[2][3]["listings"] == [listings["milk"], listings["bag"]]
    assert log[3][3] == {"listings": [listings["milk"]]}


def test_status_workflow_and_what_each_status_allows(env: Env) -> None:
    client, token = env.login("insp")
    case_id = _new_case(client, token)

    def post(path: str, **form: Any) -> int:
        return client.post(f"/cases/{case_id}{path}", data={"csrf_token": token, **form}).status_code

    assert post("/status", to="closed") == 409  # open cases are submitted first
    assert post("/edit", title="Vụ Meiji (sửa)", legal_basis="NĐ 98", note="") == 303
    assert post("/status", to="submitted") == 303
    # the listing page's form, without a particular flag
    add = {"csrf_token": token, "case_id": case_id, "listing_id": env.seeded.listings["milk"], "flag_id": ""}
    assert client.post("/cases/items", data=add).status_code == 409  # only open cases take listings
    assert post("/status", to="open") == 303
    assert client.post("/cases/items", data=add).status_code == 303
    assert post("/status", to="submitted") == 303
    assert post("/status", to="closed") == 303
    assert post("/status", to="open") == 409  # closed is final
    assert post("/edit", title="x") == 409
    assert post(f"/items/{env.seeded.listings['milk']}/remove") == 409
    assert post("/export", fmt="xlsx") == 200  # a closed case can still be exported
    log = _audit(env, case_id)
    assert [(e.before, e.after) for e in log if e.action == "case_status"] == [
        ({"status": "open"}, {"status": "submitted"}),
        ({"status": "submitted"}, {"status": "open"}),
        ({"status": "open"}, {"status": "submitted"}),
        ({"status": "submitted"}, {"status": "closed"}),
    ]
    update = next(e for e in log if e.action == "case_update")
    assert update.before == {"title": "Vụ Meiji", "legal_basis": None}
    assert update.after == {"title": "Vụ Meiji (sửa)", "legal_basis": "NĐ 98"}
    page = client.get(f"/cases/{case_id}").text
    assert "/edit" not in page and "/remove" not in page and 'value="xlsx"' in page


def test_invalid_forms_change_nothing(env: Env) -> None:
    client, token = env.login("insp")
    listings, flags = env.seeded.listings, env.seeded.flags
    case_id = _new_case(client, token)
    bad_creates = [
        {"title": "  "},
        {"title": "x" * 301},
        {"title": "Vụ", "listing_id": 999999},
        {"title": "Vụ", "listing_id": listings["milk"], "flag_id": flags["bag"]},  # another listing's flag
    ]
    for form in bad_creates:
        assert client.post("/cases", data={"csrf_token": token, **form}).status_code == 422, form
    bad_adds: list[tuple[dict[str, Any], int]] = [
        ({"case_id": 999999, "listing_id": listings["milk"]}, 422),
        ({"case_id": case_id}, 422),
        ({"case_id": case_id, "flag_id": 999999}, 404),
        ({"case_id": case_id, "listing_id": 999999}, 404),
        ({"case_id": case_id, "listing_id": listings["milk"], "flag_id": flags["bag"]}, 422),
        ({"case_id": case_id, "flag_id": list(range(1, 202))}, 422),
        ({"case_id": case_id, "flag_id": "x"}, 422),
        ({"case_id": case_id, "listing_id": "1e3"}, 422),
    ]
    for form, status in bad_adds:
        assert client.post("/cases/items", data={"csrf_token": token, **form}).status_code == status, form
    assert (
        client.post(f"/cases/{case_id}/export", data={"csrf_token": token, "fmt": "pdf"}).status_code == 422
    )
    assert (
        client.post(f"/cases/{case_id}/status", data={"csrf_token": token, "to": "lost"}).status_code == 422
    )
    edit = {"csrf_token": token, "title": "Vụ", "seller_id": str(env.seeded.sellers["s1@shopee"])}
    assert client.post(f"/cases/{case_id}/edit", data=edit).status_code == 422  # not a seller of the case
    assert client.get("/cases/999999").status_code == 404
    assert client.post("/cases/999999/export", data={"csrf_token": token, "fmt": "zip"}).status_code == 404
    with Session(env.engine) as s:
        assert s.scalar(select(Case.id).where(Case.id != case_id)) is None
    assert _items(env, case_id) == []
    assert [e.action for e in _audit(env, case_id)] == ["case_create"]


def test_analysts_read_cases_without_controls(env: Env) -> None:
    client, token = env.login("insp")
    case_id = _new_case(client, token, listing_id=env.seeded.listings["milk"])
    analyst, analyst_token = env.login("ana")
    page = analyst.get(f"/cases/{case_id}")
    assert page.status_code == 200 and "Sữa bột Meiji" in page.text
    assert '<form method="post" action="/cases' not in page.text
    fragment = analyst.get(f"/listings/{env.seeded.listings['milk']}/cases").text
    assert f'href="/cases/{case_id}"' in fragment and "<form" not in fragment
    assert (
        analyst.post(f"/cases/{case_id}/export", data={"csrf_token": analyst_token, "fmt": "zip"}).status_code
        == 403
    )
    assert 'method="post" action="/cases"' not in analyst.get("/cases").text  # no create form
    english = analyst.get(f"/cases/{case_id}?lang=en").text
    assert "Case #" in english and "Evidence snippets" in english and "Hồ sơ #" not in english


def test_the_queue_offers_open_cases_to_the_bulk_form(env: Env) -> None:
    client, token = env.login("insp")
    open_id = _new_case(client, token, title="Vụ đang lập")
    closed_id = _new_case(client, token, title="Vụ đã trình")
    client.post(f"/cases/{closed_id}/status", data={"csrf_token": token, "to": "submitted"})
    queue = client.get("/queue").text
    assert 'hx-get="/cases/picker"' in queue.split('id="bulk-form"')[1].split("</form>")[0]
    picker = client.get("/cases/picker").text
    assert f'value="{open_id}"' in picker and f'value="{closed_id}"' not in picker
    assert 'formaction="/cases/items"' in picker


def _export(client: TestClient, token: str, case_id: int, fmt: str, lang: str = "vi") -> bytes:
    response = client.post(f"/cases/{case_id}/export?lang={lang}", data={"csrf_token": token, "fmt": fmt})
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith(
        f'attachment; filename="ecomwatch-case-{case_id}-'
    )
    return response.content


def test_exports_are_complete_formula_safe_escaped_and_audited(env: Env) -> None:
    listings = env.seeded.listings
    _confirm(env, "milk")
    client, token = env.login("insp")
    case_id = _new_case(
        client, token, title=XSS_CASE, listing_id=listings["xss"], legal_basis="=HYPERLINK(\"http://evil\")",
        note="+84 912 345 678",
    )  # fmt: skip
    client.post(
        "/cases/items", data={"csrf_token": token, "case_id": case_id, "flag_id": [env.seeded.flags["milk"]]}
    )

    book = openpyxl.load_workbook(io.BytesIO(_export(client, token, case_id, "xlsx")))
    assert book.sheetnames == ["summary", "listings", "evidence", "decisions"]
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True)}
    assert summary["title"] == XSS_CASE and summary["listings"] == 2
    assert summary["legal_basis"] == '\'=HYPERLINK("http://evil")' and summary["note"] == "'+84 912 345 678"
    rows = list(book["listings"].iter_rows(values_only=True))
    assert rows[0][:5] == ("listing_id", "source", "external_id", "url", "title")
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[listings["milk"]][5] == 1_200_000  # a number cell
    assert by_id[listings["xss"]][6] == XSS_SCRIPT and by_id[listings["xss"]][9] == "Bình Dương"
    evidence = list(book["evidence"].iter_rows(values_only=True))[1:]
    assert {(r[2], r[6]) for r in evidence} >= {
        ("counterfeit.rolex", "Rolex"),
        ("smuggled.hand_carried", "xách tay"),
    }
    decisions = list(book["decisions"].iter_rows(values_only=True))[1:]
    assert [(r[4], r[5], r[9]) for r in decisions][-1] == ("insp2", "confirm", "Nghị định 98/2020/NĐ-CP")

    archive = zipfile.ZipFile(io.BytesIO(_export(client, token, case_id, "zip")))
    stem = f"case-{case_id}"
    names = archive.namelist()
    assert names == [f"{stem}.xlsx", f"{stem}-listings.csv", f"{stem}-raw.json", f"{stem}.html", "SHA256SUMS"]
    sums = dict(line.split("  ")[::-1] for line in archive.read("SHA256SUMS").decode().splitlines())
    assert all(hashlib.sha256(archive.read(n)).hexdigest() == sums[n] for n in names[:-1])
    text = archive.read(f"{stem}-listings.csv").decode("utf-8")
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text[1:])))
    assert len(table) == 3 and table[0][4] == "title"
    raw = json.loads(archive.read(f"{stem}-raw.json"))
    assert raw["case"]["title"] == XSS_CASE
    with Session(env.engine) as s:
        stored = {lid: s.get_one(Listing, lid).raw for lid in listings.values()}
    assert {x["id"]: x["raw"] for x in raw["listings"]} == {
        lid: stored[lid] for lid in (listings["xss"], listings["milk"])
    }
    assert raw["listings"][1]["decisions"][-1]["by"] == "insp2"
    html = archive.read(f"{stem}.html").decode("utf-8")
    assert_inert(html)
    assert XSS_SCRIPT not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Vụ &#34;Rolex&#34;" in html
    assert "Đồng hồ <mark>Rolex</mark> &lt;img" in html and "Tóm tắt hồ sơ vụ việc" in html
    english = zipfile.ZipFile(io.BytesIO(_export(client, token, case_id, "zip", lang="en")))
    assert "Case summary" in english.read(f"{stem}.html").decode()

    exports = [e for e in _audit(env, case_id) if e.action == "case_export"]
    assert [e.after["format"] for e in exports] == ["xlsx", "zip", "zip"]  # type: ignore[index]
    assert all(e.username == "insp" and e.after["listings"] == 2 for e in exports)  # type: ignore[index]
    assert exports[1].after["sha256"] != exports[2].after["sha256"]  # type: ignore[index]


@pytest.mark.parametrize(
    ("text", "item", "expected"),
    [
        ("Túi Gucci super fake", {"field": "title", "start": 10, "end": 20, "text": "super fake"},
         [Segment("Túi Gucci "), Segment("super fake", True)]),
        ("a" * 100 + "Rolex" + "b" * 100, {"field": "title", "text": "Rolex"},  # no offsets: found by text
         [Segment("…" + "a" * 60), Segment("Rolex", True), Segment("b" * 60 + "…")]),
        ("đã đổi", {"field": "title", "start": 0, "end": 4, "text": "gone"},  # out of date, not found
         [Segment("gone", True)]),
        ("", {"field": "price"}, []),
    ],
)  # fmt: skip
def test_evidence_snippets(text: str, item: dict[str, Any], expected: list[Segment]) -> None:
    assert snippet(text, item) == expected


def test_the_cases_migration_downgrades_and_upgrades(db_url: str) -> None:
    parent = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(CASES).down_revision  # type: ignore[union-attr]
    assert isinstance(parent, str)  # one parent, whichever migration the cases are chained after
    engine = make_engine(db_url)
    upgrade(engine, CASES)
    assert {"case", "case_item"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), parent)
    assert not {"case", "case_item"} & set(inspect(engine).get_table_names())
    upgrade(engine, CASES)
    assert "ix_case_item_listing_id" in {i["name"] for i in inspect(engine).get_indexes("case_item")}
    engine.dispose()


def test_a_case_from_a_seller_page_starts_with_their_confirmed_violations(env: Env) -> None:
    listings = env.seeded.listings
    _confirm(env, "milk")
    with Session(env.engine) as s:
        seller_id = s.get_one(Listing, listings["milk"]).seller_id
    assert seller_id is not None
    client, token = env.login("insp")
    page = client.get(f"/sellers/{seller_id}").text
    assert f'name="seller_id" value="{seller_id}"' in page
    case_id = _new_case(client, token, seller_id=seller_id)
    with Session(env.engine) as s:
        assert s.get_one(Case, case_id).seller_id == seller_id
    # only the confirmed listing, not every listing of the seller
    assert _items(env, case_id) == [listings["milk"]]
    assert [a.action for a in _audit(env, case_id)] == ["case_create", "case_item_add"]
    bad = client.post("/cases", data={"csrf_token": token, "title": "x", "seller_id": "999999"})
    assert bad.status_code == 422
    analyst, analyst_token = env.login("ana")
    assert 'name="seller_id"' not in analyst.get(f"/sellers/{seller_id}").text
    denied = analyst.post(
        "/cases", data={"csrf_token": analyst_token, "title": "x", "seller_id": str(seller_id)}
    )
    assert denied.status_code == 403
