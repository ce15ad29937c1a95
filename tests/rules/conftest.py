"""Fixtures for rules tests: the shipped engine (compiled once) and a writer of throw-away packs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules.engine import Engine, load_engine

PACKS = Path(__file__).resolve().parents[2] / "rules" / "packs"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return load_engine(PACKS)


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML files into a fresh rules dir: ``write_pack(**{"a.yaml": text})`` -> the dir."""

    def write(**files: str) -> Path:
        for name, text in files.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
        return tmp_path

    return write


def one_rule(when: str, *, extra: str = "", category: str = "counterfeit", fields: str = "") -> str:
    """A pack with one rule ``t.rule`` whose ``when`` (flow YAML) is given."""
    return f"""
pack: t
rules:
  - id: t.rule
    title: {{vi: "thử"}}
    category: {category}
    severity: high
    {fields}
    when: {when}
    {extra}
    examples: {{flag: ["x"], pass: ["y"]}}
"""
