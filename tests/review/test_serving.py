"""The app as uvicorn serves it (few request threads, a small connection pool), and the helpers the hot
pages render with (pre-built option lists, per-language label tables)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import uvicorn
from fastapi import FastAPI

from review.app import create_app
from review.i18n import labels, translator
from review.templating import options, queue_rows_html
from storage.queue_repo import QueueRow
from tests.review.conftest import Env, csrf_of, settings_for


@contextmanager
def _served(app: FastAPI) -> Iterator[int]:
    """``app`` under uvicorn on a free port, lifespan on (it sets the thread limit); yields the port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start within 10 s"
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.state.engine.dispose()


def test_more_concurrent_requests_than_threads_and_connections_all_finish(env: Env) -> None:
    # One request thread and (on PostgreSQL) three pooled connections for twelve clients at once. A
    # request that kept its connection while waiting for the thread would leave the thread waiting
    # for a connection: every client would time out.
    client, _ = env.login("insp")
    cookie = f"ew_session={client.cookies['ew_session']}"
    listing = env.seeded.listings["milk"]
    app = create_app(settings_for(env.url, threads=1))
    with _served(app) as port:

        def browse(i: int) -> list[int]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            statuses = []
            for path in ("/queue", f"/listings/{listing}", "/sellers", "/reports")[i % 2 :] * 2:
                connection.request("GET", path, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                statuses.append(response.status)
            connection.close()
            return statuses

        with ThreadPoolExecutor(12) as pool:
            results = list(pool.map(browse, range(12)))
    assert all(status == 200 for statuses in results for status in statuses), results
    assert sum(len(statuses) for statuses in results) == 6 * 8 + 6 * 6


def test_option_lists_escape_and_mark_the_choice() -> None:
    built = options((("", "Tất cả"), ('"><script>', "<b>x</b>"), ("Hà Nội", "Hà Nội")), "Hà Nội")
    assert built == (
        '<option value="">Tất cả</option>\n'
        '<option value="&#34;&gt;&lt;script&gt;">&lt;b&gt;x&lt;/b&gt;</option>\n'
        '<option value="Hà Nội" selected>Hà Nội</option>\n'
    )
    assert "selected" not in options((("", "Tất cả"), ("x", "x")), "")  # "any" is the first option anyway


def test_label_tables_say_what_the_translator_says() -> None:
    for lang in ("vi", "en"):
        t, table = translator(lang), labels(lang)
        for key in ("smuggled", "counterfeit", "tip", "no_such_category"):
            assert table.cat[key] == t(f"cat_{key}")
        for key in ("critical", "low"):
            assert table.sev[key] == t(f"sev_{key}")
        for key in ("new", "in_review", "superseded"):
            assert table.st[key] == t(f"st_{key}")
    assert labels("vi").cat["smuggled"] == "Hàng nhập lậu" and labels("en").cat["smuggled"] == "Smuggled"


def test_queue_rows_are_reused_only_for_the_same_content_language_and_role() -> None:
    when = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)
    row = QueueRow(
        7, 3, "tiki", "<script>alert(1)</script>", None, 1200000, "Hà Nội", "Hà Tây", "smuggled", "high",
        "r.milk", 0.9, "new", 0.75, when, False,
    )  # fmt: skip
    html = str(queue_rows_html([row], "vi", True))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert ">Mới<" in html and "Hàng nhập lậu" in html and "1.200.000 ₫" in html and "29/11/2026" in html
    assert 'type="checkbox"' in html and queue_rows_html([row], "vi", True) == html  # reused
    assert 'type="checkbox"' not in queue_rows_html([row], "vi", False)  # not an inspector: no bulk box
    assert ">New<" in queue_rows_html([row], "en", True)
    claimed = str(queue_rows_html([row._replace(status="in_review")], "vi", True))
    assert ">Đang xem xét<" in claimed and ">Mới<" not in claimed  # a changed row renders anew


def _worker_pids(pid: int) -> list[int]:
    """The uvicorn worker processes under ``ecomwatch serve`` (python children, not the spawn tracker)."""
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
                children.append(int(entry.name))
    return children


def test_serve_with_two_workers_shares_sessions_and_the_tip_limit(env: Env, tmp_path: Path) -> None:
    """``ecomwatch serve --workers 2``: two processes, one database. A session works whichever worker a
    connection lands on, and the per-IP tip limit counts tips sent to either (the workers hash
    addresses with one secret)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    environ = {k: v for k, v in os.environ.items() if not k.startswith("ECOMWATCH_REVIEW_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--db", env.url, "serve", "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environ,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while len(_worker_pids(proc.pid)) < 2 or not _answers(port):
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:] if proc.stderr else ""
            assert time.monotonic() < deadline, "serve --workers 2 did not start two workers within 60 s"
            time.sleep(0.1)
        client, _ = env.login("insp")
        cookie = f"ew_session={client.cookies['ew_session']}"

        def get(path: str, headers: dict[str, str]) -> tuple[int, str, dict[str, str]]:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)  # a new one each time
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
            connection.close()
            return response.status, body, dict(response.getheaders())

        assert {get("/queue", {"Cookie": cookie})[0] for _ in range(12)} == {200}
        statuses = []
        for _ in range(6):
            status, page, headers = get("/tips/new", {})
            anon = headers["set-cookie"].split(";")[0]  # the anonymous CSRF cookie
            form = urlencode(
                {"csrf_token": csrf_of(page), "url": "https://shopee.vn/p/1", "description": "Pod"}
            )
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
            connection.request(
                "POST", "/tips", form,
                {"Cookie": anon, "Content-Type": "application/x-www-form-urlencoded"},
            )  # fmt: skip
            statuses.append(connection.getresponse().status)
            connection.close()
        assert statuses == [200] * 5 + [429]
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()


def _answers(port: int) -> bool:
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        connection.request("GET", "/login")
        ok = connection.getresponse().status == 200
        connection.close()
        return ok
    except OSError:
        return False
