"""Run every rule's examples: ``flag`` examples must make the rule hit, ``pass`` examples must not.

Examples are regression samples in the semgrep ``ruleid:``/``ok:`` habit. A string example is a
listing title; a mapping is a listing record (title, description, price, crawled_at, attributes,
shop_name, shop_location...). Examples without ``crawled_at`` use the pack's ``example_date`` so
expiry examples do not change meaning as time passes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from rules.document import Document, from_mapping
from rules.engine import Engine, RuleInfo

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExampleFailure:
    rule_id: str
    expected: str  # "flag" | "pass"
    example: Any
    hit_rules: tuple[str, ...]
    file: str
    line: int

    def __str__(self) -> str:
        what = "did not flag" if self.expected == "flag" else "wrongly flagged"
        shown = self.example if isinstance(self.example, str) else dict(self.example)
        return f"{self.file}:{self.line} rule {self.rule_id} {what} {shown!r} (hits: {', '.join(self.hit_rules) or 'none'})"


def example_document(example: Any, info: RuleInfo) -> Document:
    record: dict[str, Any] = {"title": example} if isinstance(example, str) else dict(example)
    record.setdefault("crawled_at", info.example_date.isoformat())
    return from_mapping(record)


def run_examples(engine: Engine, rule_ids: set[str] | None = None) -> tuple[int, list[ExampleFailure]]:
    """(number of examples run, failures) for active rules (all, or those in ``rule_ids``)."""
    failures: list[ExampleFailure] = []
    count = 0
    for info in engine.rules:
        if info.status == "disabled" or (rule_ids is not None and info.id not in rule_ids):
            continue
        for expected, examples in (("flag", info.flag_examples), ("pass", info.pass_examples)):
            for ex in examples:
                count += 1
                hits = tuple(h.rule_id for h in engine.evaluate(example_document(ex, info)))
                if (info.id in hits) != (expected == "flag"):
                    failures.append(ExampleFailure(info.id, expected, ex, hits, info.file, info.line))
    for f in failures:
        logger.debug("example failure: %s", f)
    return count, failures
