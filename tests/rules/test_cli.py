"""The ``rules`` CLI through typer's runner, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from typer.testing import CliRunner

from rules.cli import app
from tests.rules.conftest import PACKS, one_rule

runner = CliRunner()
LABELS = [
    {
        "id": "1",
        "title": "Túi LV rep 1:1",
        "price": 450000,
        "crawled_at": "2026-11-27",
        "labels": ["counterfeit"],
    },
    {"id": "2", "title": "Máy tính xách tay Acer", "labels": []},
    {"id": "3", "title": "Sữa HSD 03/2024", "crawled_at": "2026-11-27", "labels": ["expired"]},
]


def _labels(tmp_path: Path) -> Path:
    path = tmp_path / "labels.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in LABELS), encoding="utf-8")
    return path


def test_check_passes_on_shipped_packs() -> None:
    result = runner.invoke(app, ["check", "--rules", str(PACKS)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK") and "examples pass" in result.output


def test_check_lists_all_failures(write_pack: Callable[..., Path]) -> None:
    broken = one_rule("{keywords: [fake]}").replace(
        'examples: {flag: ["x"], pass: ["y"]}', 'examples: {flag: ["x", "áo"], pass: ["fake"]}'
    )
    rules_dir = write_pack(**{"t.yaml": broken})
    result = runner.invoke(app, ["check", "--rules", str(rules_dir)])
    assert result.exit_code == 1
    assert result.output.count("✗") == 3 and "FAIL" in result.output


def test_check_reports_broken_packs(write_pack: Callable[..., Path]) -> None:
    rules_dir = write_pack(**{"t.yaml": one_rule('{regex: "(?<=x)y"}'), "u.yaml": "pack: [oops"})
    result = runner.invoke(app, ["check", "--rules", str(rules_dir)])
    assert result.exit_code == 1
    assert "RE2 cannot compile" in result.output and "YAML syntax error" in result.output


def test_explain_text_and_json() -> None:
    args = [
        "explain",
        "Túi LV rep 1:1 f.a.k.e",
        "--price",
        "450000",
        "--date",
        "2026-11-27",
        "--rules",
        str(PACKS),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "counterfeit.grade-terms" in result.output and "flagged: counterfeit" in result.output
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    hit = next(h for h in data["hits"] if h["rule_id"] == "counterfeit.grade-terms")
    assert {"field": "title", "start": 15, "end": 22, "text": "f.a.k.e", "matched": "fake"} in hit["evidence"]
    assert data["categories"]["counterfeit"] > 0.5


def test_eval_json_and_text(tmp_path: Path) -> None:
    labels = _labels(tmp_path)
    result = runner.invoke(app, ["eval", "--labels", str(labels), "--rules", str(PACKS), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == ["listings", "any_flag", "micro", "macro_f1", "categories", "rules"]
    assert data["categories"]["counterfeit"]["tp"] == 1 and data["categories"]["expired"]["recall"] == 1.0
    assert set(data["categories"]["smuggled"]) == {"precision", "recall", "f1", "support", "tp", "fp", "fn"}
    text = runner.invoke(app, ["eval", "--labels", str(labels), "--rules", str(PACKS)]).output
    assert "macro F1" in text and "false negatives" in text


def test_scan_writes_one_line_per_listing(tmp_path: Path) -> None:
    out = tmp_path / "hits.jsonl"
    result = runner.invoke(
        app, ["scan", "--input", str(_labels(tmp_path)), "--output", str(out), "--rules", str(PACKS)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == ["1", "2", "3"]
    assert rows[1]["hits"] == [] and "expired" in rows[2]["categories"]


def test_diff(tmp_path: Path, write_pack: Callable[..., Path]) -> None:
    new = write_pack(**{"t.yaml": one_rule("{keywords: [acer]}", category="smuggled")})
    result = runner.invoke(
        app, ["diff", "--labels", str(_labels(tmp_path)), "--old", str(PACKS), "--new", str(new), "--json"]
    )
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)["changes"]
    assert {c["id"] for c in changes["lost"]} == {"1", "3"}
    assert [c["id"] for c in changes["new_fp"]] == ["2"]


def test_module_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rules.cli", "explain", "Thuốc lá điện tử pod", "--rules", str(PACKS), "--json"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "prohibited" in json.loads(done.stdout)["categories"]
