"""Run real crawls in a subprocess (Scrapy's reactor runs once per process) and read the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from typing import Any

from sqlalchemy import func, select

from storage.db import make_engine, make_session_factory
from storage.models import CrawlRun, Flag, Listing, ListingObservation


def crawl(db_url: str, *args: str, timeout: float = 180) -> list[dict[str, Any]]:
    """``ecomwatch --db URL crawl …  --json``; returns each spider's stats."""
    env = os.environ | {
        "ECOMWATCH_BACKOFF_BASE": "0.05",
        "ECOMWATCH_EVIDENCE_DIR": os.environ.get("TMPDIR", "/tmp"),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--db", db_url, "crawl", *args, "--json"],
        capture_output=True, text=True, timeout=timeout, env=env, check=False,
    )  # fmt: skip
    if proc.returncode not in (0, 1):
        raise AssertionError(f"crawl exited {proc.returncode}\n{proc.stdout}\n{proc.stderr[-4000:]}")
    start = proc.stdout.index("[")
    return [entry["stats"] for entry in json.loads(proc.stdout[start:])]


def control(mirror_url: str, **faults: Any) -> None:
    request = urllib.request.Request(
        f"{mirror_url}/__control",
        data=json.dumps(faults).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200


def mirror_ids(mirror_url: str, *, query: str, max_pages: int) -> set[str]:
    """What the mirror itself lists for a query over the first pages: the expected crawl result."""
    ids: set[str] = set()
    for page in range(1, max_pages + 1):
        url = f"{mirror_url}/api/v2/products?" + urllib.parse.urlencode(
            {"q": query, "page": page, "limit": 40, "sort": "top_seller"}
        )
        with urllib.request.urlopen(url, timeout=5) as response:
            data = json.load(response)
        ids.update(str(item["id"]) for item in data["data"])
        if page >= data["paging"]["last_page"]:
            break
    return ids


def db_counts(db_url: str) -> dict[str, Any]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        counts = {
            "listings": session.scalar(select(func.count(Listing.id))),
            "observations": session.scalar(select(func.count(ListingObservation.id))),
            "flags": session.scalar(select(func.count(Flag.id))),
            "ids": set(session.scalars(select(Listing.external_id))),
            "runs": [
                (r.status, r.stats.get("item_scraped_count", 0)) for r in session.scalars(select(CrawlRun))
            ],
        }
    engine.dispose()
    return counts
