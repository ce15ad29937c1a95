"""Loading reports every problem of every file at once, and refuses broken packs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules.engine import load_engine
from rules.schema import RulePackError
from tests.rules.conftest import one_rule

BROKEN_A = """
pack: a
lists: {grades: [fake]}
rules:
  - id: a.bad-regex
    title: {vi: "x"}
    category: counterfeit
    severity: high
    when: {regex: "(?<=lookbehind)fake"}
    examples: {flag: ["x"], pass: ["y"]}
  - id: a.bad-category
    title: {vi: "x"}
    category: fakes
    severity: high
    when: {keywords: [fake]}
    examples: {flag: ["x"], pass: ["y"]}
  - id: a.no-examples
    title: {vi: "x"}
    category: counterfeit
    severity: high
    when: {keywords: [fake]}
    examples: {flag: ["x"]}
  - id: a.unknown-list
    title: {vi: "x"}
    category: counterfeit
    severity: high
    when: {list: gradez}
    examples: {flag: ["x"], pass: ["y"]}
  - id: a.unknown-kind
    title: {vi: "x"}
    category: counterfeit
    severity: high
    when: {any: [{keywords: [x]}, {magic: true}]}
    examples: {flag: ["x"], pass: ["y"]}
  - id: a.dup
    title: {vi: "x"}
    category: counterfeit
    severity: high
    when: {keywords: [x]}
    examples: {flag: ["x"], pass: ["y"]}
"""

BROKEN_B = """
pack: b
rules:
  - id: a.dup
    title: {vi: "x"}
    category: smuggled
    severity: extreme
    when: {keywords: [x]}
    examples: {flag: ["x"], pass: ["y"]}
"""

BROKEN_YAML = """
pack: c
rules:
  - id: c.x
    title: {vi: "x"
    category: smuggled
"""


def test_every_problem_in_every_file_is_reported_at_once(write_pack: Callable[..., Path]) -> None:
    rules_dir = write_pack(**{"a.yaml": BROKEN_A, "b.yaml": BROKEN_B, "c.yaml": BROKEN_YAML})
    with pytest.raises(RulePackError) as info:
        load_engine(rules_dir)
    problems = info.value.problems
    text = str(info.value)
    expected = [
        ("a.yaml", "a.bad-regex", "RE2 cannot compile"),
        ("a.yaml", "a.bad-category", "category"),
        ("a.yaml", "a.no-examples", "needs at least one pass example"),
        ("a.yaml", "a.unknown-list", "unknown list 'gradez'"),
        ("a.yaml", "a.unknown-kind", "exactly one condition kind"),
        ("b.yaml", "a.dup", "duplicate rule id"),
        ("b.yaml", "a.dup", "severity"),
        ("c.yaml", "", "YAML syntax error"),
    ]
    for file, rule_id, fragment in expected:
        assert any(
            p.file == file and p.rule_id == rule_id and fragment in f"{p.field} {p.message}" for p in problems
        ), f"missing problem {file} {rule_id} {fragment!r} in:\n{text}"
    yaml_problem = next(p for p in problems if p.file == "c.yaml")
    assert yaml_problem.line is not None
    assert next(p for p in problems if p.rule_id == "a.bad-regex").line == 5
    assert "(?<=lookbehind)fake" in text


@pytest.mark.parametrize(
    ("files", "fragment"),
    [
        ({}, "no *.yaml rule packs"),
        ({"x.yaml": "hello: world"}, "expected a rule pack"),
        ({"x.yaml": one_rule("{keywords: []}")}, "non-empty list"),
        ({"x.yaml": one_rule("{brand: {mode: mention, tags: [nope]}}")}, "unknown brand tag"),
        ({"x.yaml": one_rule("{near: [{keywords: [a]}], within: 2}")}, "near: [condition, condition]"),
        ({"x.yaml": one_rule("{keywords: [a], within: 2}")}, "do not apply"),
        ({"x.yaml": one_rule("{keywords: [a]}", extra="exclude: {price: {below: 5}}")}, "exclude takes"),
        ({"x.yaml": one_rule("{keywords: [a], fields: [body]}")}, "unknown field"),
        ({"x.yaml": one_rule("{expiry: {state: fresh}}")}, "state: expired"),
        ({"x.yaml": one_rule("{hit: {rules: [t.nope]}}")}, "unknown rule 't.nope'"),
        ({"x.yaml": one_rule("{brand: {mode: lookalike, sources: [magic]}}")}, "unknown look-alike source"),
    ],
)
def test_single_problems(write_pack: Callable[..., Path], files: dict[str, str], fragment: str) -> None:
    rules_dir = write_pack(**files)
    with pytest.raises(RulePackError) as info:
        load_engine(rules_dir)
    assert fragment in str(info.value)


def test_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="does not exist"):
        load_engine(tmp_path / "nope")


def test_pack_hash_is_stable_and_content_based(write_pack: Callable[..., Path]) -> None:
    rules_dir = write_pack(**{"x.yaml": one_rule("{keywords: [fake]}")})
    first, second = load_engine(rules_dir), load_engine(rules_dir)
    assert first.pack_hash == second.pack_hash and len(first.pack_hash) == 64
    (rules_dir / "x.yaml").write_text(one_rule("{keywords: [rep]}"), encoding="utf-8")
    assert load_engine(rules_dir).pack_hash != first.pack_hash


def test_disabled_rules_are_validated_but_not_run(write_pack: Callable[..., Path]) -> None:
    pack = one_rule("{keywords: [fake]}").replace("severity: high", "severity: high\n    status: disabled")
    engine = load_engine(write_pack(**{"x.yaml": pack}))
    assert engine.rule_count == 0 and len(engine.rules) == 1
    assert engine.evaluate("áo fake") == []


def test_a_broken_brand_file_is_reported_once(write_pack: Callable[..., Path]) -> None:
    files = {
        "x.yaml": one_rule("{brand: {mode: mention, tags: [luxury]}}"),
        "brands.yaml": "brands: [{name: X}]",
    }
    with pytest.raises(RulePackError) as info:
        load_engine(write_pack(**files))
    assert all(p.file == "brands.yaml" for p in info.value.problems), str(info.value)
