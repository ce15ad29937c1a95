"""What the engine returns: hits with evidence spans in the original text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES = (
    "counterfeit",
    "brand_infringement",
    "smuggled",
    "prohibited",
    "restricted",
    "expired",
    "misleading",
)
SEVERITIES = ("low", "medium", "high", "critical")


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the listing's original (un-normalised) text that made a rule fire."""

    field: str  # title | description | shop_name | category_path | attributes.<name> | price
    start: int
    end: int
    text: str  # the original text in that span
    matched: str = ""  # the term or pattern it matched, after normalisation

    def to_dict(self) -> dict[str, Any]:
        # spelled out: dataclasses.asdict deep-copies recursively and cost a tenth of a crawl's writes
        return {
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "matched": self.matched,
        }


@dataclass(frozen=True, slots=True)
class Hit:
    rule_id: str
    category: str
    severity: str
    score: float
    evidence: tuple[Evidence, ...] = ()
    title: str = ""
    status: str = "stable"  # experimental hits are reported but do not count towards a flag

    def evidence_json(self) -> list[dict[str, Any]]:
        return [e.to_dict() for e in self.evidence]


@dataclass(frozen=True, slots=True)
class Assessment:
    hits: list[Hit] = field(default_factory=list)
    categories: dict[str, float] = field(default_factory=dict)  # category -> combined score, above threshold
    risk_score: float = 0.0

    @property
    def flagged(self) -> bool:
        return bool(self.categories)
