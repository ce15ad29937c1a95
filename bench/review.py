"""Review UI latency: seed PostgreSQL, serve the app in a subprocess, hit it with concurrent clients.

    .venv/bin/python bench/review.py                       # 1,000,000 listings, 200,000 flags
    .venv/bin/python bench/review.py --listings 50000 --flags 10000 --requests 400

Reports p50 and p95 per page (queue unfiltered, queue filtered, listing, reports, sellers). Target: p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from review.accounts import create_user  # noqa: E402
from storage.db import make_engine, make_session_factory, unit_of_work, upgrade  # noqa: E402
from tests.services import PG_ADMIN_URL  # noqa: E402

PASSWORD = "bench password 123"
CATEGORIES = ["counterfeit", "smuggled", "prohibited", "expired", "misleading"]
SEED_SQL = [
    "INSERT INTO source (name, created_at) VALUES ('tiki', now()), ('shopee', now()), ('sendo', now())",
    "INSERT INTO rule_pack_version (content_hash, rule_count, created_at) VALUES ('bench', 100, now())",
    """INSERT INTO listing (source_id, external_id, url, title, description, price, currency, category_path,
         province, province_legacy, is_abroad, images, attributes, content_hash, risk_score, crawled_at,
         first_seen_at, last_seen_at)
       SELECT 1 + g % 3, g::text, 'https://tiki.vn/p/' || g, 'Sản phẩm số ' || g || ' hàng xách tay', 'Mô tả ' || g,
         10000 + g % 5000000, 'VND', 'Mẹ & Bé', CASE WHEN g % 7 = 0 THEN 'Hà Nội' ELSE 'TP. Hồ Chí Minh' END,
         CASE WHEN g % 7 = 0 THEN 'Hà Nội' ELSE 'Bình Dương' END, false, '[]', '{}', md5(g::text),
         CASE WHEN g % :every = 0 THEN random() ELSE 0 END, now(), now(), now()
       FROM generate_series(1, :listings) AS g""",
    """INSERT INTO flag (listing_id, rule_id, category, severity, score, evidence, rule_pack_version_id, status,
         created_at, updated_at)
       SELECT id, 'bench.rule' || (id % 20), (ARRAY['counterfeit','smuggled','prohibited','expired','misleading'])[1 + id % 5],
         (ARRAY['low','medium','high','critical'])[1 + id % 4], 0.5, '[]', 1,
         CASE WHEN id % 10 = 0 THEN 'confirmed' ELSE 'new' END, now() - (id % 90) * interval '1 day', now()
       FROM listing WHERE id % :every = 0""",
    "ANALYZE",
]


def seed(url: str, listings: int, flags: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    every = max(1, listings // flags)
    started = time.perf_counter()
    with engine.begin() as conn:
        for sql in SEED_SQL:
            conn.execute(text(sql), {"listings": listings, "every": every})
    with unit_of_work(make_session_factory(engine)) as session:
        create_user(session, "bench", PASSWORD, "inspector")
    print(f"seeded {listings:,} listings, ~{listings // every:,} flags in {time.perf_counter() - started:.0f} s")
    engine.dispose()


def serve(url: str) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (
        "import uvicorn; from review.app import create_app; from review.settings import ReviewSettings; "
        f"uvicorn.run(create_app(ReviewSettings(database_url={url!r}, upgrade_schema=False)), "
        f"host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the review server did not start")


def measure(base: str, requests: int, clients: int, listing_ids: list[int]) -> None:
    import httpx2 as httpx

    def client() -> httpx.Client:
        c = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)  # type: ignore[union-attr]
        c.post("/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token})
        return c

    pool = [client() for _ in range(clients)]
    pages = {
        "queue": lambda i: "/queue",
        "queue filtered": lambda i: f"/queue?category={CATEGORIES[i % 5]}&province=B%C3%ACnh+D%C6%B0%C6%A1ng&severity=high",
        "queue page 5 (keyset)": None,
        "listing": lambda i: f"/listings/{listing_ids[i % len(listing_ids)]}",
        "reports (12 weeks)": lambda i: "/reports",
        "sellers": lambda i: "/sellers",
    }
    more = pool[0].get("/queue").text
    for _ in range(4):
        more = pool[0].get(re.search(r'hx-get="([^"]+)"', more).group(1).replace("&amp;", "&")).text  # type: ignore[union-attr]
    deep = re.search(r'hx-get="([^"]+)"', more).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    pages["queue page 5 (keyset)"] = lambda i: deep
    for name, path_of in pages.items():
        def hit(i: int, path_of=path_of) -> float:  # type: ignore[no-untyped-def]
            started = time.perf_counter()
            response = pool[i % clients].get(path_of(i))
            assert response.status_code == 200, response.status_code
            return (time.perf_counter() - started) * 1000

        with ThreadPoolExecutor(clients) as executor:
            times = sorted(executor.map(hit, range(requests)))
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        print(f"{name:24s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   ({requests} requests, {clients} clients)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--flags", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = f"ecomwatch_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    proc = None
    try:
        seed(url, args.listings, args.flags)
        engine = make_engine(url)
        with engine.connect() as conn:
            ids = list(conn.execute(text("SELECT listing_id FROM flag ORDER BY random() LIMIT 500")).scalars())
        engine.dispose()
        proc, base = serve(url)
        measure(base, args.requests, args.clients, ids or [random.randint(1, args.listings)])
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
