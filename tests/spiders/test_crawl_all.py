"""The nightly crawl: every enabled source of a sources file, one crawl_run each, in one process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from crawler.mirror import start_mirror
from tests.spiders.crawl_helpers import db_counts


def run_all(db_url: str, sources: Path) -> tuple[int, list[dict]]:
    env = os.environ | {"ECOMWATCH_BACKOFF_BASE": "0.01"}
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
    sources.write_text('[sources.tiki]\nbase_url = "http://127.0.0.1:9"\nqueries = ["x"]\ndelay = 0\n', encoding="utf-8")
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
