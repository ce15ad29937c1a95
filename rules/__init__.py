"""Rules engine: judges listings against YAML rule packs.

Public interface (stable; the pipeline, CLI and review UI rely on it)::

    engine = load_engine(rules_dir=None)     # compile once
    hits = engine.evaluate(listing)          # -> list[Hit], pure, no I/O
    verdict = engine.assess(listing)         # -> Assessment(hits, categories, risk_score)
    engine.pack_hash, engine.rule_count      # identify the loaded packs
"""

from __future__ import annotations

from rules.hits import Assessment, Evidence, Hit

__all__ = ["Assessment", "Evidence", "Hit", "load_engine"]


def load_engine(rules_dir=None):  # type: ignore[no-untyped-def]
    from rules.engine import load_engine as _load

    return _load(rules_dir)
