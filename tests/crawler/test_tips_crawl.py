"""Citizens' tips end to end: the public form → ``ecomwatch crawl urls --tips`` against local mirrors → each
tip crawled (its listing stored and in the review queue as a tip, rule ``tip``) or failed with its reason."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from crawler.mirror import start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.facebook import listing_id as fb_listing_id
from crawler.mirror.tiktok import product_id
from crawler.pipelines.tips import tip_url_problem
from crawler.sources import SourcesError, crawl_jobs, load_sources
from review.app import create_app
from storage.db import make_engine, upgrade
from storage.models import CrawlRun, Flag, Listing, Source
from storage.models_review import TIP_RULE_ID, AuditLog, Tip
from tests.review.conftest import Env, csrf_of, settings_for
from tests.review.seed import seed
from tests.services import need_chromium
from tests.spiders.crawl_helpers import crawl, mirror_ids
from tests.spiders.webshop_mirror import GONE, running_mirror

REPO = Path(__file__).resolve().parents[2]
#: fertiliser, sold openly: no rule fires on it, yet the tip must reach the queue
FERTILISER = "/phan-bon/npk-16-16-8-dau-trau-25kg"


@dataclass(frozen=True)
class Mirrors:
    tiki: str
    tiktok: str
    shop: str

    @property
    def site_urls(self) -> str:
        return f"site_urls=tiki={self.tiki}|tiktok={self.tiktok}"


@pytest.fixture(scope="module")
def mirrors() -> Iterator[Mirrors]:
    with start_mirror() as tiki, start_mirror(source="tiktok") as tiktok, running_mirror() as shop:
        yield Mirrors(tiki.url, tiktok.url, shop)


@pytest.fixture
def env(db_url: str) -> Iterator[Env]:
    engine = make_engine(db_url)
    upgrade(engine)
    seeded = seed(engine)
    app = create_app(settings_for(db_url, tips_per_hour=50))
    yield Env(db_url, engine, app, seeded)
    app.state.engine.dispose()
    engine.dispose()


def submit(client: TestClient, url: str, description: str) -> None:
    token = csrf_of(client.get("/tips/new").text)
    response = client.post("/tips", data={"csrf_token": token, "url": url, "description": description})
    assert response.status_code == 200 and "Cảm ơn!" in response.text, response.text[-500:]


def tips_by_what(env: Env) -> dict[str, Tip]:
    """Tips by what they are (in their description: "… (what), …")."""
    with Session(env.engine) as session:
        return {t.description.split("(")[1].split(")")[0]: t for t in session.scalars(select(Tip))}


def failure_reasons(env: Env) -> dict[str, str]:
    with Session(env.engine) as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.action == "tip_failed"))
        return {a.object_id: a.after["reason"] for a in rows}


def test_tips_from_the_form_to_the_review_queue(
    env: Env, mirrors: Mirrors, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiki_id = sorted(mirror_ids(mirrors.tiki, query="nước hoa", max_pages=1))[0]
    vape = load_catalogue().query("thuốc lá", None, "default").page(0, 1)[0]
    urls = {
        "tiki": f"https://tiki.vn/nuoc-hoa-p{tiki_id}.html",
        "tiktok": f"https://www.tiktok.com/view/product/{product_id(vape)}",
        "shop": mirrors.shop + FERTILISER,
        "same shop page again": mirrors.shop + FERTILISER,
        "gone": mirrors.shop + GONE,
        "tiki gone": "https://tiki.vn/khong-con-p999999991.html",
        "shopee": "https://shopee.vn/product/298458622/17599062482",
    }
    citizen = TestClient(env.app, follow_redirects=False)
    for what, url in urls.items():
        submit(citizen, url, f"Nghi hàng giả ({what}), bán ở chợ mạng")

    monkeypatch.setenv("ECOMWATCH_TIPS_ALLOW_PRIVATE", "1")  # the mirrors are on 127.0.0.1
    [stats] = crawl(env.url, "urls", "--tips", "--arg", mirrors.site_urls)

    assert stats["ecomwatch/tips/seen"] == len(urls)
    assert stats["ecomwatch/tips/crawled"] == 4 and stats["ecomwatch/tips/failed"] == 2
    assert stats["ecomwatch/tips/skipped"] == stats["ecomwatch/urls/skipped/needs_browser"] == 1
    tips = tips_by_what(env)
    assert {what: tip.status for what, tip in tips.items()} == {
        "tiki": "crawled", "tiktok": "crawled", "shop": "crawled", "same shop page again": "crawled",
        "gone": "failed", "tiki gone": "failed", "shopee": "queued",  # waits for a run with the browser
    }  # fmt: skip
    reasons = failure_reasons(env)
    assert "HTTP 404" in reasons[str(tips["gone"].id)]
    assert "HTTP 404" in reasons[str(tips["tiki gone"].id)]
    # the run's own record: tips read, crawled, failed by reason, left queued
    counts = {"ecomwatch/tips/seen": 7, "ecomwatch/tips/crawled": 4, "ecomwatch/tips/failed": 2,
              "ecomwatch/tips/failed/gone": 2, "ecomwatch/tips/queued": 1, "ecomwatch/tips/skipped": 1}  # fmt: skip
    assert tip_counts(stats) == counts
    assert tip_counts(run_stats(env.engine, stats["ecomwatch/crawl_run_id"])) == counts

    with Session(env.engine) as session:
        listed = {
            what: session.execute(
                select(Source.name, Listing.title).join(Source).where(Listing.id == tip.listing_id)
            ).one()
            for what, tip in tips.items()
            if tip.status == "crawled"
        }
        tip_flags = {
            f.listing_id: f for f in session.scalars(select(Flag).where(Flag.rule_id == TIP_RULE_ID))
        }
        fertiliser_id = tips["shop"].listing_id
        other_flags = session.scalars(
            select(Flag.rule_id).where(Flag.listing_id == fertiliser_id, Flag.rule_id != TIP_RULE_ID)
        ).all()
    assert {source for source, _title in listed.values()} == {"tiki", "tiktok", "webshop"}
    assert tips["same shop page again"].listing_id == fertiliser_id  # both tips, one listing
    assert other_flags == []  # no rule fires on the fertiliser …
    assert set(tip_flags) == {tip.listing_id for tip in tips.values() if tip.status == "crawled"}
    assert tip_flags[fertiliser_id].status == "new" and tip_flags[fertiliser_id].category == "tip"
    assert [e["text"] for e in tip_flags[fertiliser_id].evidence] == [  # both tipsters' words
        "Nghi hàng giả (shop), bán ở chợ mạng",
        "Nghi hàng giả (same shop page again), bán ở chợ mạng",
    ]

    inspector, _ = env.login("insp")
    queue = inspector.get("/queue?tip=1").text  # … yet it is in the review queue, marked as a tip
    for _source, title in listed.values():
        assert title.split()[0] in queue
    assert queue.count('class="badge from-tip"') == queue.count("data-flag-id=") >= 3
    assert f'href="/listings/{fertiliser_id}#flag-{tip_flags[fertiliser_id].id}"' in queue

    [again] = crawl(env.url, "urls", "--tips", "--arg", mirrors.site_urls)  # only the Shopee tip is left
    assert again["ecomwatch/tips/seen"] == 1 and again.get("ecomwatch/tips/crawled", 0) == 0
    assert tip_counts(run_stats(env.engine, again["ecomwatch/crawl_run_id"])) == {
        "ecomwatch/tips/seen": 1, "ecomwatch/tips/crawled": 0, "ecomwatch/tips/failed": 0,
        "ecomwatch/tips/queued": 1, "ecomwatch/tips/skipped": 1,
    }  # fmt: skip


def tip_counts(stats: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in stats.items() if k.startswith("ecomwatch/tips/")}


def run_stats(engine: Engine, run_id: int) -> dict[str, object]:
    with Session(engine) as session:
        run = session.get(CrawlRun, run_id)
        assert run is not None and run.finished_at is not None
        return dict(run.stats)


def test_private_addresses_are_refused_unless_allowed(sqlite_url: str, mirrors: Mirrors) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    app = create_app(settings_for(sqlite_url, tips_per_hour=50))
    citizen = TestClient(app, follow_redirects=False)
    for url in (
        mirrors.shop + FERTILISER,
        "http://localhost:9/admin",
        "http://169.254.169.254/latest/meta-data/",
    ):
        submit(citizen, url, "Hàng giả")
    [stats] = crawl(sqlite_url, "urls", "--tips")
    app.state.engine.dispose()
    assert stats["ecomwatch/tips/failed"] == stats["ecomwatch/tips/refused"] == 3
    assert run_stats(engine, stats["ecomwatch/crawl_run_id"])["ecomwatch/tips/failed/refused"] == 3
    assert (
        stats.get("item_scraped_count", 0) == 0 and "downloader/request_count" not in stats
    )  # nothing fetched
    env = Env(sqlite_url, engine, app, None)  # type: ignore[arg-type]
    reasons = sorted(failure_reasons(env).values())
    assert all(r.startswith("refused: host ") for r in reasons), reasons
    engine.dispose()


@contextmanager
def redirecting_site(target: str) -> Iterator[str]:
    """A site whose ``/go`` redirects to ``target`` and whose ``/loop`` redirects to itself."""

    class Redirects(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            location = {"/go": target, "/loop": "/loop"}.get(self.path)
            self.send_response(302 if location else 404)
            if location:
                self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirects)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_tips_redirects_are_followed_with_the_tip(
    sqlite_url: str, mirrors: Mirrors, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(sqlite_url)
    upgrade(engine)
    app = create_app(settings_for(sqlite_url, tips_per_hour=50))
    citizen = TestClient(app, follow_redirects=False)
    with redirecting_site(mirrors.shop + FERTILISER) as site:
        submit(citizen, site + "/go", "Phân bón giả (go)")
        submit(citizen, site + "/loop", "Phân bón giả (loop)")
        monkeypatch.setenv("ECOMWATCH_TIPS_ALLOW_PRIVATE", "1")
        [stats] = crawl(sqlite_url, "urls", "--tips")
    app.state.engine.dispose()
    env = Env(sqlite_url, engine, app, None)  # type: ignore[arg-type]
    tips = tips_by_what(env)
    assert (tips["go"].status, tips["loop"].status) == ("crawled", "failed")
    assert "too many redirects" in failure_reasons(env)[str(tips["loop"].id)]
    assert stats["ecomwatch/tips/crawled"] == stats["ecomwatch/tips/failed"] == 1
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://shop.example.vn/products/a", None),
        ("http://203.0.113.9/p", "not a public address"),  # TEST-NET-3: documentation, not global
        ("http://8.8.8.8/p", None),
        ("http://127.0.0.1:8080/p", "not a public address"),
        ("http://[::1]/p", "not a public address"),
        ("http://[::ffff:10.0.0.1]/p", "not a public address"),
        ("http://10.1.2.3/p", "not a public address"),
        ("http://192.168.1.1/p", "not a public address"),
        ("http://169.254.169.254/latest/meta-data/", "not a public address"),
        ("http://localhost/p", "local name"),
        ("http://router.local/p", "local name"),
        ("http://intranet/p", "local name"),
        ("ftp://shop.vn/p", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("http://user:pw@shop.vn/p", "credentials"),
        ("https://shop.vn/" + "a" * 2100, "longer than 2048"),
        ("http://shop.vn:99999/p", "not a valid URL"),
    ],
)
def test_tip_url_problem(url: str, problem: str | None) -> None:
    found = tip_url_problem(url, resolve=False)
    assert found is None if problem is None else problem in (found or ""), found


def test_private_addresses_allowed_by_the_setting() -> None:
    assert tip_url_problem("http://127.0.0.1:8080/p", allow_private=True) is None
    assert tip_url_problem("ftp://127.0.0.1/p", allow_private=True) == "not an http(s) URL"


def test_the_nightly_crawl_has_a_tips_job(tmp_path: Path) -> None:
    shipped = crawl_jobs(load_sources(REPO / "sources.toml"))
    assert [(spider, args["tips"]) for spider, args, _settings in shipped if "tips" in args] == [
        ("urls", "true")
    ]
    path = tmp_path / "s.toml"
    path.write_text('[sources.tips]\nspider = "urls"\ntips = true\nbrowser = true\n', encoding="utf-8")
    [(spider, args, settings)] = crawl_jobs(load_sources(path))
    assert (spider, args["tips"], settings["ECOMWATCH_URLS_BROWSER"]) == ("urls", "true", True)
    path.write_text("[sources.tiki]\ntips = true\n", encoding="utf-8")
    with pytest.raises(SourcesError, match='spider = "urls"'):
        load_sources(path)


def test_tips_pointing_at_marketplace_item_pages(sqlite_url: str, tmp_path: Path) -> None:
    """In Chromium against the Facebook mirror: a live listing's tip is crawled with its listing, a removed
    listing's tip fails as gone (nothing stored), and behind a login wall the tip fails as blocked."""
    need_chromium()
    engine = make_engine(sqlite_url)
    upgrade(engine)
    app = create_app(settings_for(sqlite_url, tips_per_hour=50))
    citizen = TestClient(app, follow_redirects=False)
    product = load_catalogue().query("sữa", None, "default").page(0, 1)[0]
    live = f"https://www.facebook.com/marketplace/item/{fb_listing_id(product)}/?ref=share"
    submit(citizen, live, "Sữa giả (live)")
    submit(citizen, "https://www.facebook.com/marketplace/item/300000000999999/", "Sữa giả (removed)")
    cookies = [{"name": name, "value": "1", "domain": "127.0.0.1", "path": "/", "expires": -1, "httpOnly": True,
                "secure": False, "sameSite": "Lax"} for name in ("c_user", "xs")]  # fmt: skip
    state = tmp_path / "fb-state.json"
    state.write_text(json.dumps({"cookies": cookies, "origins": []}), encoding="utf-8")
    env = Env(sqlite_url, engine, app, None)  # type: ignore[arg-type]
    args = ("urls", "--tips", "--browser", "--arg", f"facebook_state={state}")
    with start_mirror(source="facebook") as fb:
        [stats] = crawl(sqlite_url, *args, "--arg", f"site_urls=facebook={fb.url}", timeout=180)
        tips = tips_by_what(env)
        assert (tips["live"].status, tips["removed"].status) == ("crawled", "failed")
        assert "was removed" in failure_reasons(env)[str(tips["removed"].id)]
        assert stats["ecomwatch/items/removed"] == 1 and stats["item_scraped_count"] == 1
        assert tip_counts(stats) == {
            "ecomwatch/tips/seen": 2, "ecomwatch/tips/crawled": 1, "ecomwatch/tips/failed": 1,
            "ecomwatch/tips/failed/gone": 1, "ecomwatch/tips/queued": 0,
        }  # fmt: skip
        with Session(engine) as session:
            [(source, external_id, url, title)] = session.execute(
                select(Source.name, Listing.external_id, Listing.url, Listing.title).join(Source)
            ).all()
            assert tips["live"].listing_id is not None
        assert (source, external_id, title) == ("facebook", fb_listing_id(product), product.name)
        assert url == f"https://www.facebook.com/marketplace/item/{fb_listing_id(product)}/"

        submit(citizen, live.replace("?ref=share", ""), "Sữa giả (walled)")
        fb.control(login_wall=10)  # every page load meets the login wall
        [walled] = crawl(sqlite_url, *args, "--arg", f"site_urls=facebook={fb.url}", timeout=180)
    app.state.engine.dispose()
    assert tips_by_what(env)["walled"].status == "failed"
    assert walled["ecomwatch/blocks/login_wall"] == 4  # the first try and three retries
    assert walled["ecomwatch/tips/failed/blocked"] == 1 and walled.get("item_scraped_count", 0) == 0
    engine.dispose()


# --- requests Scrapy makes on its own (robots.txt and its redirects) stay off private hosts -----------

PRODUCT_PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Phân bón NPK</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Product", "name": "Phân bón NPK 16-16-8",
"sku": "NPK-25", "offers": {"@type": "Offer", "price": "520000", "priceCurrency": "VND"}}</script></head>
<body><h1>Phân bón NPK 16-16-8</h1></body></html>"""


@contextmanager
def local_server(routes: dict[str, tuple[int, dict[str, str], str]]) -> Iterator[tuple[str, list[str]]]:
    """A real HTTP server on 127.0.0.1 answering ``routes`` (path → status, headers, body); it records
    every path asked for."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            asked.append(self.path)
            status, headers, body = routes.get(self.path, (404, {}, "not here"))
            data = body.encode()
            self.send_response(status)
            for name, value in {"Content-Type": "text/html; charset=utf-8", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def crawl_tips_with(db_url: str, **settings: object) -> dict[str, object]:
    """``run_crawls([("urls", {"tips": "true"})])`` in a subprocess with extra settings (the CLI sets none)."""
    script = (
        "import json, sys\n"
        "from crawler.runner import project_settings, run_crawls\n"
        "settings = project_settings(**json.loads(sys.argv[1]))\n"
        "[outcome] = run_crawls([('urls', {'tips': 'true'})], settings)\n"
        "print('STATS=' + json.dumps(outcome.stats, default=str))\n"
    )
    values = {"ECOMWATCH_STORAGE_URL": db_url, "LOG_LEVEL": "INFO", **settings}
    env = os.environ | {"ECOMWATCH_BACKOFF_BASE": "0.05"}
    proc = subprocess.run([sys.executable, "-c", script, json.dumps(values)], capture_output=True, text=True,
                          timeout=120, env=env, check=False)  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.split("STATS=", 1)[1])


@pytest.mark.parametrize("private_host", ["localhost", "127.1", "[::ffff:127.0.0.1]"])
@pytest.mark.parametrize("allow_private", [False, True])
def test_robots_txt_redirects_to_private_hosts_are_refused(
    sqlite_url: str, private_host: str, allow_private: bool
) -> None:
    """The tipped shop is trusted (ECOMWATCH_TIPS_TRUSTED_HOSTS: it is on 127.0.0.1 here); its robots.txt
    redirects to an internal server by a name (``localhost``), a shorthand that only the resolver turns
    into 127.0.0.1 (``127.1``) or an IPv4-mapped IPv6 literal. Unless private hosts are allowed, the
    internal server is never asked; a refused robots.txt counts as none, and the tip is crawled."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    app = create_app(settings_for(sqlite_url, tips_per_hour=50))
    with local_server(
        {"/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nAllow: /\n")}
    ) as (
        internal,
        internal_asked,
    ):
        port = internal.rsplit(":", 1)[1]
        target = f"http://{private_host}:{port}/robots.txt"
        routes = {"/robots.txt": (302, {"Location": target}, ""), "/p": (200, {}, PRODUCT_PAGE)}
        with local_server(routes) as (shop, shop_asked):
            submit(TestClient(app, follow_redirects=False), shop + "/p", "Phân bón giả (npk)")
            stats = crawl_tips_with(
                sqlite_url,
                ECOMWATCH_TIPS_TRUSTED_HOSTS=[shop.removeprefix("http://")],
                ECOMWATCH_TIPS_ALLOW_PRIVATE=allow_private,
            )
    app.state.engine.dispose()
    env = Env(sqlite_url, engine, app, None)  # type: ignore[arg-type]
    assert shop_asked == ["/robots.txt", "/p"]
    assert tips_by_what(env)["npk"].status == "crawled" and stats["item_scraped_count"] == 1
    if allow_private:
        assert internal_asked == ["/robots.txt"] and "ecomwatch/tips/refused_requests" not in stats
    else:
        assert internal_asked == [] and stats["ecomwatch/tips/refused_requests"] == 1
    engine.dispose()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://127.1/p", "resolves to a non-public address (127.0.0.1)"),  # only the resolver says so
        ("http://2130706433/p", "local name"),
        ("http://0x7f.0.0.1/p", "resolves to a non-public address (127.0.0.1)"),
        ("http://localhost./p", "local name"),
        ("http://LOCALHOST:8080/p", "local name"),
    ],
)
def test_names_that_resolve_to_private_addresses(url: str, problem: str) -> None:
    assert problem in (tip_url_problem(url) or "")


def test_trusted_hosts() -> None:
    assert tip_url_problem("http://127.0.0.1:8080/p", trusted=["127.0.0.1:8080"]) is None
    assert "not a public address" in (
        tip_url_problem("http://127.0.0.1:8081/p", trusted=["127.0.0.1:8080"]) or ""
    )
    assert tip_url_problem("http://shop.internal/p", trusted=["shop.internal"]) is None
    assert tip_url_problem("ftp://shop.internal/p", trusted=["shop.internal"]) == "not an http(s) URL"
