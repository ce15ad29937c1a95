"""Quality of the rules on labelled listings: precision, recall and F1 (pure, no printing).

A listing is predicted to carry a category when :meth:`Engine.assess` puts the category above the
threshold. ``any_flag`` scores "flagged at all" against "has any label". ``macro_f1`` averages the
F1 of the categories that occur in the labels or the predictions; ``micro`` pools all categories.
Per rule: how many listings it hit, and how many of those carry the rule's category (``tp``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rules.engine import Engine
from rules.hits import CATEGORIES


def read_jsonl(path: Path | str) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from exc


def _prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "tp": tp, "fp": fp, "fn": fn}


@dataclass
class Outcome:
    """One labelled listing: its labels, what the engine predicted, and the rules that hit."""

    id: str
    title: str
    labels: frozenset[str]
    predicted: frozenset[str]
    rules: tuple[tuple[str, str], ...]  # (rule id, category) of counted hits


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """The metrics as a JSON-ready dict with keys listings, any_flag, micro, macro_f1, categories, rules."""
        cats: dict[str, dict[str, float | int]] = {}
        total = [0, 0, 0]
        used = [c for c in CATEGORIES if any(c in o.labels or c in o.predicted for o in self.outcomes)]
        for c in CATEGORIES:
            tp = sum(1 for o in self.outcomes if c in o.labels and c in o.predicted)
            fp = sum(1 for o in self.outcomes if c not in o.labels and c in o.predicted)
            fn = sum(1 for o in self.outcomes if c in o.labels and c not in o.predicted)
            cats[c] = {**_prf(tp, fp, fn), "support": tp + fn}
            total = [total[0] + tp, total[1] + fp, total[2] + fn]
        any_tp = sum(1 for o in self.outcomes if o.labels and o.predicted)
        any_fp = sum(1 for o in self.outcomes if not o.labels and o.predicted)
        any_fn = sum(1 for o in self.outcomes if o.labels and not o.predicted)
        rules: dict[str, dict[str, int | float]] = {}
        for o in self.outcomes:
            for rid, cat in set(o.rules):
                r = rules.setdefault(rid, {"hits": 0, "tp": 0, "fp": 0})
                r["hits"] += 1
                r["tp" if cat in o.labels else "fp"] += 1
        for r in rules.values():
            r["precision"] = round(r["tp"] / r["hits"], 4) if r["hits"] else 0.0
        macro = sum(float(cats[c]["f1"]) for c in used) / len(used) if used else 0.0
        return {
            "listings": len(self.outcomes),
            "any_flag": {**_prf(any_tp, any_fp, any_fn), "support": any_tp + any_fn},
            "micro": _prf(*total),
            "macro_f1": round(macro, 4),
            "categories": cats,
            "rules": dict(sorted(rules.items())),
        }

    def false_positives(self) -> list[tuple[Outcome, str]]:
        return [(o, c) for o in self.outcomes for c in sorted(o.predicted - o.labels)]

    def false_negatives(self) -> list[tuple[Outcome, str]]:
        return [(o, c) for o in self.outcomes for c in sorted(o.labels - o.predicted)]


def evaluate_records(engine: Engine, records: Iterable[dict[str, Any]]) -> Report:
    report = Report()
    for rec in records:
        labels = rec.get("labels")
        if labels is None:
            raise ValueError(f"record {rec.get('id')!r} has no 'labels'")
        bad = set(labels) - set(CATEGORIES)
        if bad:
            raise ValueError(f"record {rec.get('id')!r} has unknown label(s) {sorted(bad)}")
        verdict = engine.assess(rec)
        counted = tuple((h.rule_id, h.category) for h in verdict.hits if h.status == "stable")
        report.outcomes.append(
            Outcome(
                str(rec.get("id", "")),
                str(rec.get("title", "")),
                frozenset(labels),
                frozenset(verdict.categories),
                counted,
            )
        )
    return report


@dataclass
class Diff:
    """What a rules change gains and loses on the same labelled listings."""

    old: Report
    new: Report

    def changes(self) -> dict[str, list[tuple[str, str, str]]]:
        """(id, category, title) lists: gained/lost true positives, added/removed false positives."""
        out: dict[str, list[tuple[str, str, str]]] = {"gained": [], "lost": [], "new_fp": [], "fixed_fp": []}
        for a, b in zip(self.old.outcomes, self.new.outcomes, strict=True):
            for c in sorted(b.predicted - a.predicted):
                out["gained" if c in b.labels else "new_fp"].append((b.id, c, b.title))
            for c in sorted(a.predicted - b.predicted):
                out["lost" if c in a.labels else "fixed_fp"].append((b.id, c, b.title))
        return out

    def summary(self) -> dict[str, Any]:
        old, new = self.old.summary(), self.new.summary()
        delta = {
            c: round(float(new["categories"][c]["f1"]) - float(old["categories"][c]["f1"]), 4)
            for c in CATEGORIES
        }
        return {
            "old": {"micro": old["micro"], "macro_f1": old["macro_f1"], "any_flag": old["any_flag"]},
            "new": {"micro": new["micro"], "macro_f1": new["macro_f1"], "any_flag": new["any_flag"]},
            "f1_delta": delta,
            "changes": {
                k: [{"id": i, "category": c, "title": t} for i, c, t in v] for k, v in self.changes().items()
            },
        }
