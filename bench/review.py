"""Review UI latency: seed PostgreSQL, serve the app in a subprocess, hit it with concurrent clients.

    .venv/bin/python bench/review.py                       # 1,000,000 listings, 200,000 flags
    .venv/bin/python bench/review.py --listings 50000 --flags 10000 --requests 400
    .venv/bin/python bench/review.py --keep                # keep the seeded database (its name is printed)
    .venv/bin/python bench/review.py --database NAME       # reuse it: upgraded to head, not seeded again

Reports p50 and p95 per page (queue unfiltered, queue filtered, queue page 5, listing, reports, sellers) and the
CPU each request cost the app's processes, the database's backends and the clients. Target: p95 < 150 ms.
The app runs under uvicorn with ``--workers`` processes (default 2, one per core of the target machine, as
``ecomwatch serve --workers 2`` runs it) and ``--threads`` request threads each (default: ReviewSettings').
The clients are threads of this process, each with its own keep-alive connection (the standard library's
http.client: light, so the client is not what is measured); every response is read in full and must be 200.
``--pages queue,listing`` runs only those pages.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
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
from urllib.parse import urlencode

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
    # The flag carries copies of its listing's risk score, source and provinces (FLAG_LISTING_COLUMNS), as the
    # store pipeline writes them: the queue orders and filters on those copies. Flags are on every
    # :every-th listing, so their category, severity, rule and status vary with id / :every (with id alone,
    # every flag had one category).
    """INSERT INTO flag (listing_id, rule_id, category, severity, score, evidence, rule_pack_version_id, status,
         created_at, updated_at, risk_score, source_id, province, province_legacy)
       SELECT id, 'bench.rule' || (id / :every % 20), (ARRAY['counterfeit','smuggled','prohibited','expired','misleading'])[1 + id / :every % 5],
         (ARRAY['low','medium','high','critical'])[1 + id / :every % 4], 0.5, '[]', 1,
         CASE WHEN id / :every % 7 = 0 THEN 'confirmed' ELSE 'new' END, now() - (id / :every % 90) * interval '1 day', now(),
         risk_score, source_id, province, province_legacy
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
    print(
        f"seeded {listings:,} listings, ~{listings // every:,} flags in {time.perf_counter() - started:.0f} s"
    )
    engine.dispose()


DATABASE_ENV = "ECOMWATCH_BENCH_DATABASE_URL"
THREADS_ENV = "ECOMWATCH_BENCH_THREADS"


def bench_app():  # type: ignore[no-untyped-def]
    """The app factory each uvicorn worker calls (workers need an import string, not an app)."""
    from review.app import create_app
    from review.settings import ReviewSettings

    threads = {"threads": int(os.environ[THREADS_ENV])} if os.environ.get(THREADS_ENV) else {}
    return create_app(ReviewSettings(database_url=os.environ[DATABASE_ENV], upgrade_schema=False, **threads))


def serve(url: str, workers: int, threads: int | None = None) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    code = (
        "import uvicorn; "
        f"uvicorn.run('bench.review:bench_app', factory=True, workers={workers}, "
        # Keep idle connections open: the clients reuse theirs across pages, and a server closing one as
        # a client sends on it resets the request (uvicorn's default is 5 s).
        f"timeout_keep_alive=120, host='127.0.0.1', port={port}, log_level='warning')"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=os.environ | {DATABASE_ENV: url, THREADS_ENV: str(threads or "")},
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(0.5 * workers)  # the other workers are still importing the app
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("the review server did not start")


def _cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc; 0 for a process that is gone)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def _server_pids(server_pid: int) -> list[int]:
    pids = [server_pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server_pid:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


def _database_pids(database: str) -> list[int]:
    """PostgreSQL backends serving ``database`` on this machine (their title names it); none if the
    server runs elsewhere."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes().decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres:") and f" {database} " in title:
            pids.append(int(cmdline.parent.name))
    return pids


class Client:
    """One keep-alive HTTP/1.1 connection with its cookies, on the standard library's http.client.

    Light on purpose: the clients share one process and its GIL, and a heavier client would be part of
    what is measured. Every response is read in full and its status checked.
    """

    def __init__(self, base: str) -> None:
        host, port = base.removeprefix("http://").rsplit(":", 1)
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        for cookie in response.headers.get_all("set-cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content.decode()

    def get(self, path: str) -> str:
        status, text = self.request("GET", path)
        assert status == 200, (path, status)
        return text


def measure(
    base: str,
    requests: int,
    clients: int,
    listing_ids: list[int],
    *,
    server_pid: int,
    database: str,
    only: list[str] | None = None,
) -> None:
    """p50/p95 latency per page, and the CPU spent per request by the app's processes, by the database's
    backends and by this process's clients (less sensitive than latency to other jobs on a shared
    machine)."""

    def client() -> Client:
        c = Client(base)
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login")).group(1)  # type: ignore[union-attr]
        status, _ = c.request(
            "POST", "/login", {"username": "bench", "password": PASSWORD, "csrf_token": token}
        )
        assert status == 303 and "ew_session" in c.cookies, status
        return c

    pool = [client() for _ in range(clients)]
    idle: queue.SimpleQueue[Client] = queue.SimpleQueue()
    for c in pool:
        idle.put(c)
    pages = {
        "queue": lambda i: "/queue",
        "queue filtered": lambda i: (
            f"/queue?category={CATEGORIES[i % 5]}&province=B%C3%ACnh+D%C6%B0%C6%A1ng&severity=high"
        ),
        "queue page 5 (keyset)": None,
        "listing": lambda i: f"/listings/{listing_ids[i % len(listing_ids)]}",
        "reports (12 weeks)": lambda i: "/reports",
        "sellers": lambda i: "/sellers",
    }

    def next_page(page: str) -> str:
        # The "load more" link (the filter form's hx-get="/queue" comes first on the page: not that one).
        link = re.search(r'hx-get="(/queue\?[^"]*after=[^"]+)"', page)
        assert link is not None, "no next page in the queue"
        return link.group(1).replace("&amp;", "&")

    deep = next_page(pool[0].get("/queue"))
    for _ in range(3):
        deep = next_page(pool[0].get(deep))
    pages["queue page 5 (keyset)"] = lambda i: deep
    for name, path_of in pages.items():
        if only and not any(name.startswith(prefix) for prefix in only):
            continue

        def hit(i: int, path_of=path_of) -> float:  # type: ignore[no-untyped-def]
            c = idle.get()  # a connection nobody is using: one request at a time on each
            try:
                started = time.perf_counter()
                c.get(path_of(i))
                return (time.perf_counter() - started) * 1000
            finally:
                idle.put(c)

        for i in range(clients):  # warm up: every connection once (first compilations, pool connections)
            hit(i)
        app_pids, db_pids = _server_pids(server_pid), _database_pids(database)
        app_cpu, db_cpu, client_cpu = _cpu_seconds(app_pids), _cpu_seconds(db_pids), time.process_time()
        with ThreadPoolExecutor(clients) as executor:
            times = sorted(executor.map(hit, range(requests)))
        client_cpu = (time.process_time() - client_cpu) * 1000 / requests
        app_cpu = (_cpu_seconds(app_pids) - app_cpu) * 1000 / requests
        after = _database_pids(database)
        # A backend that started during the run counts in full; one that ended took its CPU with it.
        churned = not set(db_pids) <= set(after)
        db_cpu = (_cpu_seconds(after) - db_cpu) * 1000 / requests
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        print(
            f"{name:22s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  cpu/request: app {app_cpu:4.1f} ms, "
            f"db {'n/a' if churned else f'{db_cpu:4.1f}'} ms, clients {client_cpu:4.1f} ms  ({requests} requests, {clients} clients)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listings", type=int, default=1_000_000)
    parser.add_argument("--flags", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--threads", type=int, help="request threads per worker (default: ReviewSettings')")
    parser.add_argument("--keep", action="store_true", help="keep the seeded database")
    parser.add_argument("--pages", help="only the pages whose names start with these (comma-separated)")
    parser.add_argument("--database", help="reuse this seeded database (kept): upgrade it, do not seed")
    args = parser.parse_args()
    admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
    name = args.database or f"ecomwatch_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    if not args.database:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    proc = None
    try:
        engine = make_engine(url)
        if args.database:
            upgrade(engine)
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            seed(url, args.listings, args.flags)
        with engine.connect() as conn:
            ids = list(
                conn.execute(text("SELECT listing_id FROM flag ORDER BY random() LIMIT 500")).scalars()
            )
        engine.dispose()
        proc, base = serve(url, args.workers, args.threads)
        print(f"{args.workers} uvicorn worker(s), {args.threads or 'default'} threads each, database {name}")
        measure(
            base,
            args.requests,
            args.clients,
            ids or [random.randint(1, args.listings)],
            server_pid=proc.pid,
            database=name,
            only=args.pages.split(",") if args.pages else None,
        )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        if args.keep or args.database:
            print(f"kept database {name}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
