"""Quality floor on ``labelled_dev_obf.jsonl``: disguised positives (stylised letters with marks,
words run together, letters split by emoji, dotted dates, leetspeak digits) and innocent
look-alikes (camel-case brands, model codes, sizes, prices). Written together with the passes that
undo the disguises, so it is a development set, not a generalisation figure (tests/data/README.md)."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from rules.engine import Engine
from rules.evaluation import evaluate_records, read_jsonl
from rules.hits import CATEGORIES

PATH = Path(__file__).resolve().parents[1] / "data" / "labelled_dev_obf.jsonl"


def test_file_is_well_formed() -> None:
    ids = set()
    for n, line in enumerate(PATH.read_text(encoding="utf-8").splitlines(), 1):
        record = json.loads(line)
        assert record["id"] == f"o{n:04d}"
        assert unicodedata.normalize("NFC", line) == line
        assert set(record["labels"]) <= set(CATEGORIES) and len(set(record["labels"])) == len(
            record["labels"]
        )
        assert record["price"] is None or isinstance(record["price"], int)
        ids.add(record["id"])
    assert len(ids) >= 60


def test_disguised_set_quality(engine: Engine) -> None:
    records = list(read_jsonl(PATH))
    assert sum(1 for r in records if not r["labels"]) >= 20, "innocent look-alikes are half the point"
    report = evaluate_records(engine, records)
    summary = report.summary()
    assert summary["any_flag"]["recall"] >= 0.95, summary["any_flag"]
    assert summary["any_flag"]["precision"] >= 0.98, summary["any_flag"]
    false_flags = [o.id for o in report.outcomes if o.predicted and not o.labels]
    assert not false_flags


# Blind pairs of plain listings and their disguised variants (tests/data/README.md). Issue 3 asks that a
# disguised listing be caught as often as its plain original: the floors hold today's ratio of any-flag
# recall (disguised / plain), a little below, so that a change widening the gap fails.
PAIRS = [
    ("labelled_holdout2.jsonl", "labelled_obfuscated2.jsonl", 0.95),
    ("labelled_holdout3.jsonl", "labelled_obfuscated3.jsonl", 0.855),
    ("labelled_holdout4.jsonl", "labelled_obfuscated4.jsonl", 0.73),  # blind: a regression floor only
]


@pytest.mark.parametrize(("plain", "disguised", "floor"), PAIRS)
def test_disguised_variants_are_caught_nearly_as_often(
    engine: Engine, plain: str, disguised: str, floor: float
) -> None:
    data = PATH.parent
    if not (data / plain).exists() or not (data / disguised).exists():
        pytest.skip("blind pair absent")
    recall = [
        evaluate_records(engine, read_jsonl(data / name)).summary()["any_flag"]["recall"]
        for name in (plain, disguised)
    ]
    assert recall[1] >= floor * recall[0], recall
