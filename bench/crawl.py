"""Crawl benchmark: the full pipeline (validate → normalise → rules → store) vs. the same spider with no
pipeline, against the local mirror, in the same run. Also watches memory on a long crawl.

    .venv/bin/python bench/crawl.py [--listings 20000] [--no-details]

Prints listings/s and pages/s for both, the ratio full/bare (target ≥ 0.70), and the crawler's RSS
at 5,000 and at the last listing (target: growth ≤ 100 MB).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
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


def worker(mode: str, url: str, pages: int, details: bool, db: str) -> None:
    from crawler.runner import project_settings, run_crawls

    overrides: dict = {
        "LOG_LEVEL": "ERROR",
        "AUTOTHROTTLE_ENABLED": False,
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "EXTENSIONS": {"bench.crawl.RssProbe": 0},
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
    parser.add_argument("--worker", choices=["bare", "full"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--pages", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.url, args.pages, args.details, args.db)
        return

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
