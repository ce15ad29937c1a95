"""The nightly crawl: every enabled source of a sources file, one crawl_run each, in one process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from crawler.mirror import start_mirror
from storage.db import make_engine, make_session_factory, unit_of_work, upgrade
from storage.models import CrawlRun
from storage.tips_repo import add_tip
from tests.spiders.crawl_helpers import db_counts
from tests.spiders.webshop_mirror import GONE, running_mirror

#: a product page of the web-shop mirror (fertiliser: no rule fires on it)
FERTILISER = "/phan-bon/npk-16-16-8-dau-trau-25kg"


def run_all(db_url: str, sources: Path, **environ: str) -> tuple[int, list[dict]]:
    env = os.environ | {"ECOMWATCH_BACKOFF_BASE": "0.01", **environ}
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--db", db_url, "crawl", "--all", "--sources", str(sources), "--json"],
        capture_output=True, text=True, timeout=180, env=env, check=False,
    )  # fmt: skip
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout[proc.stdout.index("[") :])


def test_one_failing_source_does_not_fail_the_night(tmp_path: Path, sqlite_url: str) -> None:
    with start_mirror() as mirror:
        sources = tmp_path / "sources.toml"
        sources.write_text(
            f"""
[sources.tiki]
base_url = "{mirror.url}"
queries = ["thuốc lá"]
max_pages = 1
delay = 0

[sources.tiki_down]
spider = "tiki"
base_url = "http://127.0.0.1:9"
queries = ["x"]
delay = 0
""",
            encoding="utf-8",
        )
        code, outcomes = run_all(sqlite_url, sources)
    assert code == 0
    assert [o["spider"] for o in outcomes] == ["tiki", "tiki"]
    stored = db_counts(sqlite_url)
    assert len(stored["runs"]) == 2
    assert outcomes[0]["stats"]["item_scraped_count"] == stored["listings"] > 0
    assert not outcomes[1]["stats"].get("item_scraped_count")


def test_every_source_failing_exits_non_zero(tmp_path: Path, sqlite_url: str) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[sources.tiki]\nbase_url = "http://127.0.0.1:9"\nqueries = ["x"]\ndelay = 0\n', encoding="utf-8"
    )
    code, _ = run_all(sqlite_url, sources)
    assert code == 1


def test_an_empty_tips_queue_does_not_hide_every_marketplace_failing(tmp_path: Path, sqlite_url: str) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[sources.tiki]\nbase_url = "http://127.0.0.1:9"\nqueries = ["x"]\ndelay = 0\n\n'
        '[sources.tips]\nspider = "urls"\ntips = true\ndelay = 0\n',
        encoding="utf-8",
    )
    code, outcomes = run_all(sqlite_url, sources)
    assert [o["spider"] for o in outcomes] == ["tiki", "urls"]
    assert code == 1


def test_the_nightly_summary_and_crawl_run_count_the_tips(tmp_path: Path, sqlite_url: str) -> None:
    """A tips job in ``crawl --all``: tips read, crawled, failed by reason and left queued, in the JSON
    summary and in the job's crawl_run row."""
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with running_mirror() as shop:
        with unit_of_work(make_session_factory(engine)) as session:
            for url in (shop + FERTILISER, shop + GONE, "https://shopee.vn/product/1/2"):
                add_tip(session, url=url, description="Hàng giả", contact=None, ip_hash="x")
        sources = tmp_path / "sources.toml"
        sources.write_text('[sources.tips]\nspider = "urls"\ntips = true\ndelay = 0\n', encoding="utf-8")
        code, [outcome] = run_all(sqlite_url, sources, ECOMWATCH_TIPS_ALLOW_PRIVATE="1")
    tips = {k: v for k, v in outcome["stats"].items() if k.startswith("ecomwatch/tips/")}
    assert code == 0 and tips == {
        "ecomwatch/tips/seen": 3, "ecomwatch/tips/crawled": 1, "ecomwatch/tips/failed": 1,
        "ecomwatch/tips/failed/gone": 1, "ecomwatch/tips/queued": 1, "ecomwatch/tips/skipped": 1,
    }  # fmt: skip
    with make_session_factory(engine)() as session:
        [run] = session.scalars(select(CrawlRun)).all()
        assert {k: v for k, v in run.stats.items() if k.startswith("ecomwatch/tips/")} == tips
    engine.dispose()
