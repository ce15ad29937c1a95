"""``ecomwatch demo --serve``: crawl the demo marketplace, then serve the review UI with a demo account."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_demo_serve_logs_the_demo_inspector_in(tmp_path: Path) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "--db", f"sqlite:///{tmp_path / 'demo.db'}", "demo", "--serve",
         "--port", str(port), "--max-pages", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=os.environ | {"COLUMNS": "200"},
    )  # fmt: skip
    try:
        password = None
        deadline = time.monotonic() + 120
        assert proc.stdout is not None
        while password is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            if match := re.search(r"user demo \(inspector\), password (\S+)", line):
                password = match.group(1)
        assert password, "demo --serve did not print the demo account"
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):  # the server starts right after printing
            try:
                with opener.open(f"{base}/login", timeout=5) as response:
                    page = response.read().decode()
                break
            except OSError:
                time.sleep(0.1)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = urllib.parse.urlencode(
            {"csrf_token": token, "next": "", "username": "demo", "password": password}
        )
        try:
            with opener.open(f"{base}/login", data=form.encode(), timeout=10):
                status, location = 200, ""
        except urllib.error.HTTPError as error:
            status, location = error.code, error.headers.get("Location", "")
            error.close()
        assert (status, location) == (303, "/queue"), "the demo account logs in and lands on the queue"
        with opener.open(f"{base}/queue", timeout=10) as response:
            queue = response.read().decode()
        assert "tiki" in queue
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if proc.stdout is not None:
            proc.stdout.close()
