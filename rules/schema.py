"""The YAML schema of rule packs and of the brand list (pydantic models), and load problems.

Conditions (``when``, ``exclude``, ``unless``) stay plain mappings here; :mod:`rules.conditions`
checks and compiles them so that every problem is reported with its rule id and path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rules.document import TEXT_FIELDS
from rules.hits import CATEGORIES, SEVERITIES

STATUSES = ("experimental", "stable", "disabled")
DEFAULT_SCORES = {"low": 0.35, "medium": 0.6, "high": 0.8, "critical": 0.95}
EXAMPLE_DATE = date(2026, 11, 27)  # crawl date of examples that do not give one

Category = Literal[
    "counterfeit", "brand_infringement", "smuggled", "prohibited", "restricted", "expired", "misleading"
]
Severity = Literal["low", "medium", "high", "critical"]
FieldName = Literal["title", "description", "shop_name", "category_path", "attributes"]
assert set(Category.__args__) == set(CATEGORIES) and set(Severity.__args__) == set(SEVERITIES)  # type: ignore[attr-defined]
assert set(FieldName.__args__) == set(TEXT_FIELDS)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a pack: where, and what, in one line."""

    file: str
    message: str
    rule_id: str = ""
    field: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        rule = f" rule {self.rule_id}" if self.rule_id else ""
        fld = f" [{self.field}]" if self.field else ""
        return f"{where}{rule}{fld}: {self.message}"


class RulePackError(Exception):
    """Rule packs that cannot be loaded; ``problems`` lists every problem in every file."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{len(problems)} problem(s) in rule packs:\n{lines}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Title(_Strict):
    vi: str = Field(min_length=1)
    en: str = ""


class Examples(_Strict):
    flag: list[str | dict[str, Any]] = Field(default_factory=list)
    pass_: list[str | dict[str, Any]] = Field(default_factory=list, alias="pass")


class RuleModel(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_-]+)+$")
    title: Title
    category: Category
    severity: Severity
    status: Literal["experimental", "stable", "disabled"] = "stable"
    score: float | None = Field(default=None, gt=0, le=1)
    fields: list[FieldName] = Field(default_factory=lambda: ["title", "description"], min_length=1)
    legal_basis: str = ""
    notes: str = ""
    when: dict[str, Any]
    exclude: dict[str, Any] | None = None
    unless: dict[str, Any] | None = None
    examples: Examples

    @property
    def effective_score(self) -> float:
        return self.score if self.score is not None else DEFAULT_SCORES[self.severity]


class PackModel(_Strict):
    pack: str = Field(pattern=r"^[a-z0-9_]+$")
    description: str = ""
    example_date: date = EXAMPLE_DATE
    lists: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[dict[str, Any]] = Field(default_factory=list)  # validated one by one (RuleModel)

    @field_validator("lists")
    @classmethod
    def _lists_not_empty(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        empty = [name for name, terms in value.items() if not terms]
        if empty:
            raise ValueError(f"empty list(s): {', '.join(empty)}")
        return value


class BrandModel(_Strict):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    weak: list[str] = Field(default_factory=list)  # aliases that count only beside a product type
    tags: list[str] = Field(min_length=1)
    ambiguous: bool = False  # the name is an ordinary word: counts only beside a product type
    lookalike: bool = True  # look for misspelt look-alikes of this mark
    not_lookalike: list[str] = Field(default_factory=list)
    fakes: list[str] = Field(default_factory=list)  # known look-alike marks ("Lafufu" for Labubu)
    types: list[str] = Field(default_factory=list)  # product types beyond those implied by tags
    prices: dict[str, int] = Field(default_factory=dict)  # product type -> reference retail price (VND)


class BrandsFile(_Strict):
    description: str = ""
    product_types: dict[str, list[str]]
    tag_types: dict[str, list[str]]
    lookalike_allow: list[str] = Field(default_factory=list)
    per_100ml: list[str] = Field(default_factory=list)  # product types priced per 100 ml (perfume)
    spaced_common: list[str] = Field(default_factory=list)  # words that make a brand "spaced" split natural
    brands: list[BrandModel]
