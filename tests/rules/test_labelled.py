"""Quality floors on the labelled sets (written by an independent labeller; see tests/data/README.md).

Floors sit a little below what the shipped packs reach, so a change that loses quality fails here;
raise them when the packs improve. The blind sets (holdouts and their disguised variants) only have
regression floors, well below the goal of issue 3: they measure generalisation and must not steer the rules.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rules.engine import Engine
from rules.evaluation import evaluate_records, read_jsonl

DATA = Path(__file__).resolve().parents[1] / "data"
FLOORS = {
    # file: (micro F1, macro F1, any-flag F1, any-flag precision)
    "labelled_dev.jsonl": (0.98, 0.98, 0.99, 0.99),
    # plain, no-diacritics, half-accented, teencode and obfuscated variants (tests/data/README.md)
    "labelled_dev2.jsonl": (0.985, 0.985, 0.99, 0.99),
    "sendo_labelled.jsonl": (0.95, 0.95, 0.96, 0.98),
    # issue 3 spellings (dots and underscores in words, double-spaced letters, leetspeak next to
    # accented letters, expiry wording, plain product types beside a mark) with innocent twins
    "labelled_dev3.jsonl": (0.98, 0.98, 0.985, 0.99),
}


def assert_floors(engine: Engine, name: str, floors: tuple[float, float, float, float]) -> None:
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent: the labelled set has not been written yet")
    summary = evaluate_records(engine, read_jsonl(path)).summary()
    micro, macro, any_f1, any_p = floors
    assert summary["micro"]["f1"] >= micro, summary["micro"]
    assert summary["macro_f1"] >= macro, summary["categories"]
    assert summary["any_flag"]["f1"] >= any_f1, summary["any_flag"]
    assert summary["any_flag"]["precision"] >= any_p, summary["any_flag"]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_labelled_set_quality(engine: Engine, name: str) -> None:
    assert_floors(engine, name, FLOORS[name])


# Floors on the holdouts and their disguised variants. The first three pairs have been read while tuning
# (issue 3 and its follow-ups), so their floors sit close to what the packs reach (2026-11-29, after the
# third round of disguises); labelled_holdout4 / labelled_obfuscated4 are blind (written before the follow-up, never tuned
# on): their floors are regression floors only, well below the goal, and must not steer the rules.
# tests/data/README.md has the figures before and after.
HOLDOUT_FLOORS = {
    "labelled_holdout.jsonl": (0.91, 0.905, 0.945, 0.98),
    "labelled_holdout2.jsonl": (0.945, 0.95, 0.965, 0.98),
    "labelled_obfuscated2.jsonl": (0.92, 0.92, 0.95, 0.985),
    "labelled_holdout3.jsonl": (0.97, 0.97, 0.98, 0.99),
    "labelled_obfuscated3.jsonl": (0.88, 0.875, 0.905, 0.985),
    # blind
    "labelled_holdout4.jsonl": (0.88, 0.88, 0.91, 0.975),
    "labelled_obfuscated4.jsonl": (0.72, 0.71, 0.765, 0.98),
}


@pytest.mark.parametrize("name", sorted(HOLDOUT_FLOORS))
def test_blind_set_does_not_regress(engine: Engine, name: str) -> None:
    assert_floors(engine, name, HOLDOUT_FLOORS[name])


def test_sendo_random_sample_precision(engine: Engine) -> None:
    """On the random half of the real Sendo sample (ordinary traffic) almost nothing is flagged."""
    path = DATA / "sendo_labelled.jsonl"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    records = [r for r in read_jsonl(path) if r.get("sample") == "random"]
    report = evaluate_records(engine, records)
    false_flags = [o.id for o in report.outcomes if o.predicted and not o.labels]
    assert len(false_flags) <= 2, false_flags
