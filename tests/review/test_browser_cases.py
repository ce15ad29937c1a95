"""Cases in Debian's Chromium: an inspector makes a case from a listing (its title an XSS payload), adds
a second listing from the queue's bulk form, exports the ZIP case file and the printable summary inside
it stays inert when opened. Screenshots go to test-artifacts/review/."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl

from tests.review.inert import assert_inert
from tests.review.seed import XSS_IMG, XSS_SCRIPT
from tests.review.test_browser import (  # noqa: F401  (fixtures: live server, browser, watched page)
    ARTIFACTS,
    LiveServer,
    Watched,
    browser,
    live,
    sync_api,
    watched,
)

CASE_TITLE = f"{XSS_SCRIPT} Vụ Rolex {XSS_IMG}"


def test_inspector_builds_and_exports_a_case(live: LiveServer, watched: Watched, tmp_path: Path) -> None:  # noqa: F811
    page, listings, flags = watched.page, live.seeded.listings, live.seeded.flags
    watched.login(live.url, "insp")
    page.goto(f"{live.url}/listings/{listings['xss']}")
    new_case = page.locator("#new-case")  # loaded into the listing page by HTMX
    new_case.locator("summary").click()
    new_case.locator("input[name=title]").fill(CASE_TITLE)
    new_case.locator("input[name=legal_basis]").fill("Nghị định 98/2020/NĐ-CP")
    new_case.locator("textarea[name=note]").fill("=1+1 ghi chú")
    watched.shot("20-case-from-listing")
    new_case.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/cases/\d+\?msg=created$"))
    case_id = int(re.search(r"/cases/(\d+)", page.url).group(1))  # type: ignore[union-attr]
    assert page.locator("h1.case-title").inner_text().startswith(f"Hồ sơ #{case_id}: {XSS_SCRIPT}")
    assert page.locator(".case-item").count() == 1

    page.goto(f"{live.url}/queue")
    page.check(f"input[form=bulk-form][value='{flags['milk']}']")
    picker = page.locator("#bulk-form .case-picker select[name=case_id]")  # loaded by HTMX
    picker.select_option(str(case_id))
    watched.shot("21-queue-add-to-case")
    page.click("#bulk-form button.add-to-case")
    page.wait_for_url(f"**/cases/{case_id}?msg=added")
    sync_api.expect(page.locator(".case-item")).to_have_count(2)
    assert page.locator(f"#listing-{listings['milk']} h2 mark").inner_text() == "xách tay"
    watched.shot("22-case-page")

    with page.expect_download() as info:
        page.click(".export-case button[value=zip]")
    target = ARTIFACTS / "case.zip"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    info.value.save_as(str(target))
    archive = zipfile.ZipFile(io.BytesIO(target.read_bytes()))
    stem = f"case-{case_id}"
    assert sorted(archive.namelist()) == sorted(
        [f"{stem}.xlsx", f"{stem}-listings.csv", f"{stem}-raw.json", f"{stem}.html", "SHA256SUMS"]
    )
    raw = json.loads(archive.read(f"{stem}-raw.json"))
    assert [x["id"] for x in raw["listings"]] == [listings["xss"], listings["milk"]]
    assert raw["listings"][0]["raw"] == {"html": XSS_SCRIPT}
    book = openpyxl.load_workbook(io.BytesIO(archive.read(f"{stem}.xlsx")))
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True)}
    assert summary["title"] == CASE_TITLE and summary["note"] == "'=1+1 ghi chú"

    html = archive.read(f"{stem}.html").decode("utf-8")
    assert_inert(html)
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    summary_file = tmp_path / f"{stem}.html"
    summary_file.write_text(html, encoding="utf-8")
    page.goto(summary_file.as_uri())  # as an inspector would open it from the ZIP
    assert page.locator("h1").inner_text() == f"Tóm tắt hồ sơ vụ việc #{case_id}: {CASE_TITLE}"
    assert page.locator("script, img, svg").count() == 0
    assert page.locator("mark", has_text="Rolex").count() >= 1
    page.wait_for_timeout(300)
    watched.shot("23-case-summary-html")
    assert watched.dialogs == [] and watched.errors == []
