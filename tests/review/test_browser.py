"""The review UI in Debian's Chromium: log in, filter, open, confirm, see the flag leave the queue;
submit a tip; XSS-laden listings run nothing. Screenshots go to test-artifacts/review/."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
import uvicorn

from review.app import create_app
from storage.db import make_engine, upgrade
from tests.review.conftest import settings_for
from tests.review.seed import PASSWORD, Seeded, seed
from tests.services import CHROMIUM, need_chromium

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "review"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

need_chromium()

sync_api = pytest.importorskip("playwright.sync_api")


class LiveServer:
    def __init__(self, db_path: Path) -> None:
        url = f"sqlite:///{db_path}"
        engine = make_engine(url)
        upgrade(engine)
        self.seeded: Seeded = seed(engine)
        engine.dispose()
        self.app = create_app(settings_for(url))
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start within 10 s")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
        self.sock.close()
        self.app.state.engine.dispose()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    with LiveServer(tmp_path / "review.db") as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield browser
        browser.close()


class Watched:
    """A page whose dialogs, console errors and uncaught exceptions are recorded."""

    def __init__(self, browser: object) -> None:
        self.context = browser.new_context(locale="vi-VN", viewport={"width": 1400, "height": 1000})  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on(
            "console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _dialog(self, dialog: object) -> None:
        self.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def login(self, base: str, username: str) -> None:
        self.page.goto(f"{base}/queue")
        self.page.wait_for_url("**/login?next=*")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url("**/queue")


@pytest.fixture
def watched(browser: object) -> Iterator[Watched]:
    page = Watched(browser)
    yield page
    page.context.close()


def test_inspector_filters_opens_confirms_and_the_flag_leaves_the_queue(
    live: LiveServer, watched: Watched
) -> None:
    page, flags = watched.page, live.seeded.flags
    watched.login(live.url, "insp")
    assert page.locator("tr[data-flag-id]").count() == 4
    watched.shot("01-queue")
    page.select_option("select[name=category]", "smuggled")  # HTMX reloads the results on change
    sync_api.expect(page.locator("tr[data-flag-id]")).to_have_count(1)
    assert "category=smuggled" in page.url  # pushed into the address bar
    watched.shot("02-queue-filtered")
    page.click(f"tr[data-flag-id='{flags['milk']}'] a")
    page.wait_for_url(f"**/listings/{live.seeded.listings['milk']}*")
    assert page.locator("h1 mark").inner_text() == "xách tay"
    watched.shot("03-listing")
    page.click(f"#flag-{flags['milk']} summary:has-text('Xác nhận vi phạm')")
    form = page.locator(f"form[action='/flags/{flags['milk']}/confirm']")
    form.locator("input[name=legal_basis]").fill("Nghị định 98/2020/NĐ-CP")
    form.locator("textarea[name=note]").fill("Đã kiểm tra, hàng xách tay không hóa đơn")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**msg=decided*")
    assert page.locator(".notice.ok").inner_text() == "Đã ghi nhận."
    assert "Xác nhận vi phạm" in page.locator(f"#flag-{flags['milk']} .status").inner_text()
    watched.shot("04-confirmed")
    page.goto(f"{live.url}/queue")
    assert page.locator(f"tr[data-flag-id='{flags['milk']}']").count() == 0
    assert page.locator("tr[data-flag-id]").count() == 3
    watched.shot("05-queue-after")
    assert watched.dialogs == [] and watched.errors == []


def test_citizen_submits_a_tip(live: LiveServer, watched: Watched) -> None:
    page = watched.page
    page.goto(f"{live.url}/tips/new")
    page.fill("input[name=url]", "https://shopee.vn/p/999")
    page.fill("textarea[name=description]", "Bán thuốc lá điện tử cho trẻ em")
    box = page.locator("input[name=website]").bounding_box()
    assert box is not None and box["x"] + box["width"] < 0  # the honeypot is off-screen for people
    watched.shot("06-tip-form")
    page.click("button[type=submit]")
    page.wait_for_selector(".notice.ok")
    assert "Cảm ơn" in page.locator(".notice.ok").inner_text()
    watched.shot("07-tip-sent")
    assert watched.dialogs == [] and watched.errors == []


def test_xss_listings_run_nothing(live: LiveServer, watched: Watched) -> None:
    page = watched.page
    watched.login(live.url, "insp")
    page.fill("input[name=q]", "Rolex")
    page.press("input[name=q]", "Enter")
    sync_api.expect(page.locator("tr[data-flag-id]")).to_have_count(1)
    assert "<script>alert(1)</script>" in page.locator("tr[data-flag-id] a").inner_text()  # shown as text
    watched.shot("08-xss-queue")
    page.goto(f"{live.url}/listings/{live.seeded.listings['xss']}")
    assert page.locator("main script, main img, main svg").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0
    page.click("summary:has-text('Xác nhận vi phạm')")  # interact, in case a handler were waiting
    page.hover("h1")
    page.wait_for_timeout(300)
    watched.shot("09-xss-listing")
    assert watched.dialogs == []
    assert watched.errors == []


def test_english_and_session_expiry_over_htmx(live: LiveServer, watched: Watched) -> None:
    page = watched.page
    watched.login(live.url, "ana")
    page.click("a.lang")
    page.wait_for_selector("h1:has-text('Flags awaiting review')")
    watched.context.clear_cookies()  # the session is gone: the next HTMX request gets 401
    page.select_option("select[name=severity]", "high")
    page.wait_for_url("**/login?next=*")
    assert watched.dialogs == []
    assert all("401" in e for e in watched.errors)  # the browser logs the refused request, nothing else


def test_reports_export_xlsx_sellers_and_bulk(live: LiveServer, watched: Watched) -> None:
    page, flags = watched.page, live.seeded.flags
    watched.login(live.url, "insp")
    page.check(f"input[form=bulk-form][value='{flags['bag']}']")
    page.check(f"input[form=bulk-form][value='{flags['cream']}']")
    page.select_option("#bulk-form select[name=action]", "dismiss")
    page.select_option("#bulk-form select[name=reason]", "licensed")
    watched.shot("10-bulk-selected")
    page.click("#bulk-form button[type=submit]")
    sync_api.expect(page.locator(".notice.ok")).to_contain_text("2/2")
    watched.shot("11-bulk-done")
    page.goto(f"{live.url}/reports")
    assert page.locator("svg.bar rect").count() >= 3
    watched.shot("12-reports")
    with page.expect_download() as info:
        page.click("#table-rules form.export button[value=xlsx]")
    download = info.value
    assert download.suggested_filename.startswith("ecomwatch-rules-")
    target = ARTIFACTS / "rules.xlsx"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    download.save_as(str(target))
    sheet = openpyxl.load_workbook(target).active
    assert sheet is not None
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["rule"][5] == "dismissed"
    assert rows["counterfeit.fake_words"][5] == 1  # the bulk dismissal, as a number cell
    page.goto(f"{live.url}/listings/{live.seeded.listings['milk']}")
    page.click("a.seller-record")
    page.wait_for_url(f"**/sellers/{live.seeded.sellers['s1']}")
    assert "0912345678" in page.locator("#contacts").inner_text()
    watched.shot("13-seller")
    assert watched.dialogs == [] and watched.errors == []
