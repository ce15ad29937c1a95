"""Metrics on a tiny labelled set whose numbers are worked out by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules.engine import load_engine
from rules.evaluation import Diff, evaluate_records
from tests.rules.conftest import one_rule

RECORDS = [
    {"id": "1", "title": "áo fake", "labels": ["counterfeit"]},  # TP
    {"id": "2", "title": "áo fake", "labels": []},  # FP
    {"id": "3", "title": "áo đẹp", "labels": ["counterfeit"]},  # FN
    {"id": "4", "title": "áo đẹp", "labels": []},  # TN
    {"id": "5", "title": "áo đẹp", "labels": ["smuggled"]},  # FN, other category
]


def test_metrics(write_pack: Callable[..., Path]) -> None:
    engine = load_engine(write_pack(**{"t.yaml": one_rule("{keywords: [fake]}")}))
    s = evaluate_records(engine, RECORDS).summary()
    assert list(s) == ["listings", "any_flag", "micro", "macro_f1", "categories", "rules"]
    assert s["listings"] == 5
    c = s["categories"]["counterfeit"]
    assert (c["tp"], c["fp"], c["fn"], c["support"]) == (1, 1, 1, 2)
    assert c["precision"] == 0.5 and c["recall"] == 0.5 and c["f1"] == 0.5
    assert s["categories"]["smuggled"]["recall"] == 0.0
    assert s["micro"]["tp"] == 1 and s["micro"]["fn"] == 2 and s["micro"]["fp"] == 1
    assert s["macro_f1"] == pytest.approx((0.5 + 0.0) / 2)
    assert (s["any_flag"]["tp"], s["any_flag"]["fp"], s["any_flag"]["fn"]) == (1, 1, 2)
    assert s["rules"]["t.rule"] == {"hits": 2, "tp": 1, "fp": 1, "precision": 0.5}


def test_diff(write_pack: Callable[..., Path], tmp_path: Path) -> None:
    old = load_engine(write_pack(**{"t.yaml": one_rule("{keywords: [fake]}")}))
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    (new_dir / "t.yaml").write_text(one_rule("{keywords: [đẹp]}"), encoding="utf-8")
    d = Diff(evaluate_records(old, RECORDS), evaluate_records(load_engine(new_dir), RECORDS)).changes()
    assert [i for i, _, _ in d["gained"]] == ["3"]
    assert [i for i, _, _ in d["lost"]] == ["1"]
    assert [i for i, _, _ in d["fixed_fp"]] == ["2"]
    assert sorted(i for i, _, _ in d["new_fp"]) == ["4", "5"]


def test_unknown_label_is_an_error(write_pack: Callable[..., Path]) -> None:
    engine = load_engine(write_pack(**{"t.yaml": one_rule("{keywords: [fake]}")}))
    with pytest.raises(ValueError, match="unknown label"):
        evaluate_records(engine, [{"id": "x", "title": "a", "labels": ["fakes"]}])
