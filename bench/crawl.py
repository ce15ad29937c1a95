"""Crawl benchmark: the full pipeline (validate → normalise → rules → store) vs. the same spider with no
pipeline, against the local mirror, in the same run. Also watches memory on a long crawl.

    .venv/bin/python bench/crawl.py [--listings 20000] [--no-details]
    .venv/bin/python bench/crawl.py --browser [--browser-source shopee|facebook] [--browser-listings 300]
                                    [--browser-details]

Prints listings/s and pages/s for both, the ratio full/bare (target ≥ 0.70), and the crawler's RSS
at 5,000 and at the last listing (target: growth ≤ 100 MB).

``--browser`` adds (after the default run, which it does not touch) a crawl of a browser source through
Chromium against its mirror (synthetic listings, full pipeline): browser pages/s (page loads, plus
Facebook's scroll-fetched feed pages), listings/s, the crawler's RSS and the browser's peak memory (PSS
of the Playwright driver and every Chromium process: shared pages counted once). Informational, no target.
``--browser-only`` skips the default run.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssProbe:
    """A Scrapy extension recording RSS at given item counts (stats ``bench/rss_mb/<n>``)."""

    def __init__(self, crawler, marks: list[int]) -> None:  # type: ignore[no-untyped-def]
        from scrapy import signals

        self.stats = crawler.stats
        self.marks = sorted(marks)
        self.count = 0
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler, [int(m) for m in crawler.settings.getlist("BENCH_RSS_MARKS")])

    def item_scraped(self, item, response, spider=None) -> None:  # type: ignore[no-untyped-def]
        self.count += 1
        if self.marks and self.count == self.marks[0]:
            self.stats.set_value(f"bench/rss_mb/{self.marks.pop(0)}", round(rss_mb(), 1))


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        tree.setdefault(ppid, []).append(int(entry))
    return tree


def _memory_mb(pid: int) -> float:
    """PSS of one process (RSS where smaps_rollup cannot be read), in MB."""
    for path, key in ((f"/proc/{pid}/smaps_rollup", "Pss:"), (f"/proc/{pid}/status", "VmRSS:")):
        try:
            with open(path, encoding="ascii") as fh:
                for line in fh:
                    if line.startswith(key):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    return 0.0


class BrowserMemory:
    """Samples, twice a second, the memory of this process's descendants (Playwright's driver and
    Chromium) and keeps the peak."""

    def __init__(self) -> None:
        self.peak_mb = 0.0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="browser-memory", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            tree, todo, found = _children(), [os.getpid()], []
            while todo:
                kids = tree.get(todo.pop(), [])
                found.extend(kids)
                todo.extend(kids)
            total = sum(_memory_mb(pid) for pid in found)
            if total > self.peak_mb:
                self.peak_mb, self.peak_processes = total, len(found)

    def __enter__(self) -> BrowserMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def browser_worker(source: str, url: str, pages: int, details: bool, db: str) -> None:
    from crawler.runner import project_settings, run_crawls

    overrides: dict = {"LOG_LEVEL": "ERROR", "AUTOTHROTTLE_ENABLED": False, "CONCURRENT_REQUESTS": 8,
                       "ECOMWATCH_STORAGE_URL": db, "ECOMWATCH_STORAGE_BATCH_SIZE": 500}  # fmt: skip
    args: dict = {"base_url": url, "max_pages": pages, "details": details}
    if source == "shopee":
        args["query"] = [BROWSER_QUERY]
    else:  # facebook: one Marketplace search page, scrolled; the mirror wants logged-in cookies
        state = Path(db.removeprefix("sqlite:///")).with_name("fb-state.json")
        host = url.split("//", 1)[1].split(":", 1)[0]
        cookies = [{"name": n, "value": "1", "domain": host, "path": "/", "expires": -1, "httpOnly": True,
                    "secure": False, "sameSite": "Lax"} for n in ("c_user", "xs")]  # fmt: skip
        state.write_text(json.dumps({"cookies": cookies, "origins": []}))
        args |= {"query": [BROWSER_QUERY], "storage_state": str(state)}
    with BrowserMemory() as memory:
        start = time.perf_counter()
        [outcome] = run_crawls([(source, args)], project_settings(**overrides))
        elapsed = time.perf_counter() - start
    stats = outcome.stats
    browser_pages = stats.get("playwright/page_count", 0)
    print(json.dumps({
        "elapsed": elapsed, "items": stats.get("item_scraped_count", 0),
        # Shopee: one browser page per listing page or product; Facebook: one page, its feed pages scrolled in
        "pages": browser_pages if source == "shopee" else stats.get("ecomwatch/pages/search", 0),
        "page_loads": browser_pages, "rss": round(rss_mb(), 1), "browser_mb": round(memory.peak_mb, 1),
        "browser_processes": memory.peak_processes, "blocks": stats.get("ecomwatch/blocks", 0),
    }))  # fmt: skip


#: a query the synthetic catalogue answers with hundreds of listings
BROWSER_QUERY = "hàng"
BROWSER_PAGE_SIZE = {"shopee": 60, "facebook": 24}


def run_browser(source: str, listings: int, details: bool) -> None:
    from crawler.mirror import spawn_mirror_subprocess, stop_mirror_subprocess

    pages = -(-listings // BROWSER_PAGE_SIZE[source])
    proc, url = spawn_mirror_subprocess("--source", source, "--synthetic", str(max(listings * 5, 2000)))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, __file__, "--worker", "browser", "--browser-source", source, "--url", url,
                   "--pages", str(pages), "--db", f"sqlite:///{tmp}/browser.db"]  # fmt: skip
            if not details:
                cmd.append("--no-details")
            done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT,
                                  env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
    finally:
        stop_mirror_subprocess(proc)
    if done.returncode != 0:
        raise SystemExit(f"browser crawl failed:\n{done.stderr[-3000:]}")
    r = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"browser crawl: {source} through Chromium, {pages} listing pages asked for, "
          f"details={'on' if details else 'off'}")  # fmt: skip
    print(f"{'source':<9} {'listings':>9} {'pages':>6} {'loads':>6} {'seconds':>8} {'listings/s':>11} "
          f"{'pages/s':>8} {'crawler RSS MB':>15} {'browser peak MB':>16}")  # fmt: skip
    print(f"{source:<9} {r['items']:>9,} {r['pages']:>6,} {r['page_loads']:>6,} {r['elapsed']:>8.1f} "
          f"{r['items'] / r['elapsed']:>11,.1f} {r['pages'] / r['elapsed']:>8,.2f} {r['rss']:>15,.0f} "
          f"{r['browser_mb']:>16,.0f}  ({r['browser_processes']} processes; blocks {r['blocks']})")  # fmt: skip


def worker(mode: str, url: str, pages: int, details: bool, db: str) -> None:
    from crawler import settings as project
    from crawler.runner import project_settings, run_crawls

    overrides: dict = {
        "LOG_LEVEL": "ERROR",
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "EXTENSIONS": {**project.EXTENSIONS, "bench.crawl.RssProbe": 0},  # the project's too (GC tuning)
        "BENCH_RSS_MARKS": [5000, 10000, 20000, 40000],
        "ECOMWATCH_STORAGE_URL": db,
        "ECOMWATCH_STORAGE_BATCH_SIZE": 1000,
    }
    if mode == "bare":
        overrides["ITEM_PIPELINES"] = {}
    start = time.perf_counter()
    [outcome] = run_crawls(
        [("tiki", {"base_url": url, "category": ["8322"], "max_pages": pages, "details": details})],
        project_settings(**overrides),
    )
    elapsed = time.perf_counter() - start
    stats = outcome.stats
    print(json.dumps({
        "elapsed": elapsed,
        "items": stats.get("item_scraped_count", 0),
        "pages": stats.get("response_received_count", 0),
        "rss": {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("bench/rss_mb/")},
        "flagged": stats.get("ecomwatch/items/flagged", 0),
    }))  # fmt: skip


def run_worker(mode: str, url: str, pages: int, details: bool, db: str) -> dict:
    cmd = [sys.executable, __file__, "--worker", mode, "--url", url, "--pages", str(pages), "--db", db]
    if not details:
        cmd.append("--no-details")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT,
                          env=os.environ | {"PYTHONPATH": str(ROOT)})  # fmt: skip
    if proc.returncode != 0:
        raise SystemExit(f"{mode} crawl failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--listings", type=int, default=20_000)
    parser.add_argument("--no-details", dest="details", action="store_false", help="listing pages only")
    parser.add_argument("--browser", action="store_true", help="also crawl a browser source via Chromium")
    parser.add_argument("--browser-only", action="store_true", help="only the browser section")
    parser.add_argument("--browser-source", choices=sorted(BROWSER_PAGE_SIZE), default="shopee")
    parser.add_argument("--browser-listings", type=int, default=300)
    parser.add_argument("--browser-details", action="store_true", help="open each listing's page too (slow)")
    parser.add_argument("--worker", choices=["bare", "full", "browser"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker == "browser":
        browser_worker(args.browser_source, args.url, args.pages, args.details, args.db)
        return
    if args.worker:
        worker(args.worker, args.url, args.pages, args.details, args.db)
        return
    if not args.browser_only:
        default_run(args)
    if args.browser or args.browser_only:
        run_browser(args.browser_source, args.browser_listings, args.browser_details)


def default_run(args: argparse.Namespace) -> None:
    from crawler.mirror import spawn_mirror_subprocess, stop_mirror_subprocess

    pages = -(-args.listings // 40)
    proc, url = spawn_mirror_subprocess("--synthetic", str(args.listings), "--paging-cap", "0")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            results = {}
            for mode in ("bare", "full"):
                db = f"sqlite:///{tmp}/{mode}.db"
                results[mode] = run_worker(mode, url, pages, args.details, db)
    finally:
        stop_mirror_subprocess(proc)

    print(
        f"crawl benchmark: {args.listings:,} listings from the mirror, details={'on' if args.details else 'off'}"
    )
    print(
        f"{'mode':<6} {'listings':>9} {'pages':>7} {'seconds':>8} {'listings/s':>11} {'pages/s':>8}  RSS MB by listing"
    )
    for mode, r in results.items():
        rate = r["items"] / r["elapsed"]
        print(f"{mode:<6} {r['items']:>9,} {r['pages']:>7,} {r['elapsed']:>8.1f} {rate:>11,.0f} "
              f"{r['pages'] / r['elapsed']:>8,.0f}  {r['rss']}")  # fmt: skip
    ratio = (results["full"]["items"] / results["full"]["elapsed"]) / (
        results["bare"]["items"] / results["bare"]["elapsed"]
    )
    print(f"ratio full/bare: {ratio:.2f} (target ≥ 0.70: {'met' if ratio >= 0.7 else 'NOT met'})")
    rss = results["full"]["rss"]
    marks = sorted(int(k) for k in rss)
    if len(marks) >= 2 and marks[0] == 5000:
        growth = rss[str(marks[-1])] - rss["5000"]
        print(f"RSS growth, full pipeline, 5,000 → {marks[-1]:,} listings: {growth:+.1f} MB "
              f"(target ≤ 100 MB: {'met' if growth <= 100 else 'NOT met'})")  # fmt: skip
    print(f"flagged by the rules: {results['full']['flagged']:,}")


if __name__ == "__main__":
    main()
