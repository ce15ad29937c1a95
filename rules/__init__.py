"""Rules engine: judges listings against YAML rule packs.

Public interface (stable; the pipeline, CLI and review UI rely on it)::

    engine = load_engine(rules_dir=None)     # compile once
    hits = engine.evaluate(listing)          # -> list[Hit], pure, no I/O
    verdict = engine.assess(listing)         # -> Assessment(hits, categories, risk_score)
    engine.pack_hash, engine.rule_count      # identify the loaded packs
    engine.rules                             # RuleInfo metadata for UI/CLI

``listing`` may be a ``crawler.items.Listing``, a dict / labelled JSONL record, or a
:class:`rules.document.Document`. A broken pack raises :class:`RulePackError` listing every problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rules.hits import Assessment, Evidence, Hit
from rules.schema import RulePackError

if TYPE_CHECKING:
    from rules.engine import Engine

__all__ = ["Assessment", "Evidence", "Hit", "RulePackError", "load_engine"]


def load_engine(rules_dir: Path | str | None = None, *, threshold: float | None = None) -> Engine:
    from rules.engine import load_engine as _load

    return _load(rules_dir, threshold=threshold)
