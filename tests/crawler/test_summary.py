"""The crawl summary tables printed by `ecomwatch crawl` and `crawl --all`."""

from __future__ import annotations

from rich.console import Console

from crawler.runner import CrawlOutcome
from crawler.summary import crawl_table


def _render(outcomes: list[CrawlOutcome]) -> str:
    console = Console(width=250, record=True, color_system=None)
    console.print(crawl_table(outcomes))
    return console.export_text()


def test_the_tips_column_appears_with_a_tips_job() -> None:
    tiki = CrawlOutcome(
        "tiki", {}, {"item_scraped_count": 40, "ecomwatch/crawl_run_id": 7, "finish_reason": "finished"}
    )
    tips = CrawlOutcome(
        "urls",
        {"tips": True},
        {"item_scraped_count": 1, "ecomwatch/tips/seen": 3, "ecomwatch/tips/crawled": 1,
         "ecomwatch/tips/failed": 1, "ecomwatch/tips/queued": 1, "finish_reason": "finished"},
    )  # fmt: skip
    text = _render([tiki, tips])
    assert "tips ok/failed/queued" in text
    urls_row = next(line for line in text.splitlines() if line.lstrip("│ ").startswith("urls"))
    tiki_row = next(line for line in text.splitlines() if line.lstrip("│ ").startswith("tiki"))
    assert "1/1/1" in urls_row and " - " in tiki_row.replace("│", " ")
    assert "tips" not in _render([tiki])  # no tips job, no column
