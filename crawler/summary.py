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
    table = Table(title="Crawl summary / Tóm tắt lượt thu thập")
    columns = ("source", "run", "pages", "listings", "new", "changed", "invalid", "flagged", "new flags", "retries",
               "errors", "status")  # fmt: skip
    with_tips = any("ecomwatch/tips/seen" in o.stats for o in outcomes)
    if with_tips:  # crawled / failed / still queued, for the tips job
        columns = (*columns[:-1], "tips ok/failed/queued", columns[-1])
    for column in columns:
        table.add_column(column, justify="left" if column in {"source", "status"} else "right", no_wrap=True)
    for o in outcomes:
        s = o.stats
        pages = s.get("ecomwatch/pages/search", 0) + s.get("ecomwatch/pages/detail", 0)
        row = [
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
        ]
        if with_tips:
            row.append(
                "-"
                if "ecomwatch/tips/seen" not in s
                else "/".join(str(s.get(f"ecomwatch/tips/{k}", 0)) for k in ("crawled", "failed", "queued"))
            )
        row.append("failed" if o.failed else str(s.get("finish_reason", "?")))
        table.add_row(*row)
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


def flags_table(flags: list[FlagView], *, title: str = "Flags / Cờ") -> Table:
    """One row per flag (``ecomwatch flags list``)."""
    table = Table(title=title)
    for column in ("risk", "source", "id", "title", "category", "rule", "severity", "evidence"):
        table.add_column(column, justify="right" if column == "risk" else "left",
                         no_wrap=column in {"risk", "source", "id", "rule"})  # fmt: skip
    for flag in flags:
        # Listing text is attacker-controlled: Text() never interprets rich markup in it.
        table.add_row(
            f"{flag.risk_score:.2f}", flag.source, flag.external_id, Text(_short(flag.title, 50)), flag.category,
            flag.rule_id, flag.severity, Text(_evidence(flag.evidence)),
        )  # fmt: skip
    return table


def top_listings_table(flags: list[FlagView], *, limit: int = 12) -> Table:
    """The riskiest flagged listings, one row each, with every rule that fired on it."""
    table = Table(title="Top flagged listings / Tin rủi ro cao nhất")
    for column in ("risk", "listing", "title", "categories", "rules fired", "evidence"):
        table.add_column(column, justify="right" if column == "risk" else "left",
                         no_wrap=column in {"risk", "listing"})  # fmt: skip
    grouped: dict[tuple[str, str], list[FlagView]] = {}
    for flag in flags:
        grouped.setdefault((flag.source, flag.external_id), []).append(flag)
    for (source, external_id), group in list(grouped.items())[:limit]:
        first = group[0]
        categories = sorted({f.category for f in group})
        rules = sorted({f.rule_id for f in group})
        evidence = [e for f in group for e in f.evidence]
        table.add_row(
            f"{first.risk_score:.2f}", f"{source}:{external_id}", Text(_short(first.title, 60)),
            ", ".join(categories), "\n".join(rules), Text(_evidence(evidence)),
        )  # fmt: skip
    return table


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _evidence(evidence: list[dict[str, Any]]) -> str:
    seen: list[str] = []
    for span in evidence:
        text = str(span.get("text", "")).strip()
        if text and text not in seen and span.get("field") != "price":
            seen.append(text)
    return _short(", ".join(f"«{t}»" for t in seen), 60)


def print_summary(
    console: Console, outcomes: list[CrawlOutcome], top: list[FlagView], totals: dict[str, Any]
) -> None:
    console.print(crawl_table(outcomes))
    console.print(category_table(outcomes))
    console.print(top_listings_table(top))
    console.print(
        f"Database: {totals['database']} — {totals['listings']} listings stored, "
        f"{totals['open_flags']} flags awaiting review."
    )
