"""Human summaries of crawls for the terminal (rich tables)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crawler.runner import CrawlOutcome
from storage.repositories import FlagView

CATEGORY_VI = {
    "counterfeit": "hàng giả",
    "brand_infringement": "xâm phạm nhãn hiệu",
    "smuggled": "nhập lậu",
    "prohibited": "hàng cấm",
    "restricted": "hạn chế kinh doanh",
    "expired": "quá hạn",
    "misleading": "thông tin sai lệch",
}


def crawl_table(outcomes: list[CrawlOutcome]) -> Table:
    table = Table(title="Crawl summary / Tóm tắt")
    for column in ("source", "run", "pages", "seen", "new", "changed", "invalid", "flagged", "new flags", "retries",
                   "errors", "status"):  # fmt: skip
        table.add_column(column, justify="left" if column in {"source", "status"} else "right")
    for o in outcomes:
        s = o.stats
        pages = s.get("ecomwatch/pages/search", 0) + s.get("ecomwatch/pages/detail", 0)
        table.add_row(
            o.spider,
            str(s.get("ecomwatch/crawl_run_id", "-")),
            str(pages),
            str(s.get("item_scraped_count", 0)),
            str(s.get("ecomwatch/listings/new", 0)),
            str(s.get("ecomwatch/listings/changed", 0)),
            str(s.get("ecomwatch/items/invalid", 0)),
            str(s.get("ecomwatch/items/flagged", 0)),
            str(s.get("ecomwatch/flags/new", 0)),
            str(s.get("retry/count", 0)),
            str(o.errors),
            str(s.get("finish_reason", "?")),
        )
    return table


def category_table(outcomes: list[CrawlOutcome]) -> Table:
    table = Table(title="Flagged listings by category / Tin bị gắn cờ theo nhóm")
    table.add_column("category")
    table.add_column("nhóm")
    table.add_column("listings", justify="right")
    totals: dict[str, int] = {}
    for o in outcomes:
        for key, value in o.stats.items():
            if key.startswith("ecomwatch/items/flagged/"):
                category = key.rsplit("/", 1)[1]
                totals[category] = totals.get(category, 0) + int(value)
    for category, count in sorted(totals.items(), key=lambda kv: -kv[1]):
        table.add_row(category, CATEGORY_VI.get(category, ""), str(count))
    return table


def flags_table(flags: list[FlagView], *, title: str = "Top flagged listings / Tin rủi ro cao nhất") -> Table:
    table = Table(title=title, show_lines=False)
    table.add_column("risk", justify="right")
    table.add_column("source")
    table.add_column("id")
    table.add_column("title", max_width=60, overflow="fold")
    table.add_column("category")
    table.add_column("rule")
    table.add_column("evidence", max_width=30, overflow="fold")
    for flag in flags:
        evidence = ", ".join(sorted({e.get("text", "") for e in flag.evidence if e.get("text")}))[:80]
        # Listing text is attacker-controlled: Text() never interprets rich markup in it.
        table.add_row(
            f"{flag.risk_score:.2f}", flag.source, flag.external_id, Text(flag.title), flag.category,
            flag.rule_id, Text(evidence),
        )  # fmt: skip
    return table


def print_summary(
    console: Console, outcomes: list[CrawlOutcome], top: list[FlagView], totals: dict[str, Any]
) -> None:
    console.print(crawl_table(outcomes))
    console.print(category_table(outcomes))
    console.print(flags_table(top))
    console.print(
        f"Database: {totals['database']} — {totals['listings']} listings stored, "
        f"{totals['open_flags']} flags awaiting review."
    )
