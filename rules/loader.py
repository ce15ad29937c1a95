"""Read rule packs and the brand list from a directory, collecting every problem at once.

A ``*.yaml`` file with a top-level ``pack:`` key is a rule pack; one with ``brands:`` is brand data.
Nothing stops at the first problem: YAML errors (with line), schema errors (with rule id and
field), duplicate ids and missing examples are all gathered; conditions are checked when the
engine compiles them (:mod:`rules.conditions`), adding to the same list.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rules.schema import BrandsFile, PackModel, Problem, RuleModel

logger = logging.getLogger(__name__)

try:  # the C loader is ~10x faster; fall back when PyYAML was built without libyaml
    _Loader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader


@dataclass
class PackFile:
    path: Path
    pack: PackModel
    rules: list[RuleModel]
    lines: dict[str, int]  # rule id -> line of the rule in the file


@dataclass
class LoadedPacks:
    rules_dir: Path
    packs: list[PackFile] = field(default_factory=list)
    brands: BrandsFile | None = None
    brands_file: str = ""
    pack_hash: str = ""
    problems: list[Problem] = field(default_factory=list)


def _load_yaml(path: Path, text: str, problems: list[Problem]) -> tuple[Any, dict[int, int]]:
    """Parse YAML keeping the line of each item of the top-level ``rules`` list."""
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(str(getattr(exc, "problem", "") or exc).split())
        problems.append(Problem(path.name, f"YAML syntax error: {msg}", line=line))
        return None, {}
    lines: dict[int, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "rules" and isinstance(value, yaml.SequenceNode):
                lines = {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return data, lines


def _pydantic_problems(
    exc: ValidationError, file: str, rule_id: str = "", line: int | None = None
) -> list[Problem]:
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        out.append(Problem(file, err["msg"], rule_id=rule_id, field=loc, line=line))
    return out


def _check_examples(rule: RuleModel, file: str, line: int | None) -> list[Problem]:
    missing = [k for k, v in (("flag", rule.examples.flag), ("pass", rule.examples.pass_)) if not v]
    if not missing:
        return []
    return [
        Problem(
            file,
            f"needs at least one {' and one '.join(missing)} example",
            rule_id=rule.id,
            field="examples",
            line=line,
        )
    ]


def read_packs(rules_dir: Path) -> LoadedPacks:
    """Read and validate every ``*.yaml`` in ``rules_dir``; problems are collected, not raised."""
    out = LoadedPacks(rules_dir)
    problems = out.problems
    if not rules_dir.is_dir():
        problems.append(Problem(str(rules_dir), "rules directory does not exist"))
        return out
    files = sorted(rules_dir.glob("*.yaml")) + sorted(rules_dir.glob("*.yml"))
    digest = hashlib.sha256()
    ids: dict[str, str] = {}
    names: dict[str, str] = {}
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(path.name, f"not UTF-8: {exc}"))
            continue
        data, lines = _load_yaml(path, text, problems)
        if data is None:
            if not any(p.file == path.name for p in problems):
                problems.append(Problem(path.name, "file is empty"))
            continue
        if not isinstance(data, dict) or not ({"pack", "brands"} & set(data)):
            problems.append(
                Problem(path.name, "expected a rule pack (top-level 'pack:') or brand data ('brands:')")
            )
            continue
        if "brands" in data:
            if out.brands is not None:
                problems.append(Problem(path.name, f"brand data already loaded from {out.brands_file}"))
                continue
            try:
                out.brands, out.brands_file = BrandsFile.model_validate(data), path.name
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, path.name))
            continue
        try:
            pack = PackModel.model_validate(data)
        except ValidationError as exc:
            problems.extend(_pydantic_problems(exc, path.name))
            continue
        if pack.pack in names:
            problems.append(Problem(path.name, f"pack name {pack.pack!r} is also used by {names[pack.pack]}"))
        names[pack.pack] = path.name
        rules: list[RuleModel] = []
        rule_lines: dict[str, int] = {}
        for i, raw_rule in enumerate(pack.rules):
            line = lines.get(i)
            rid = str(raw_rule.get("id", f"#{i + 1}")) if isinstance(raw_rule, dict) else f"#{i + 1}"
            if rid in ids:
                problems.append(
                    Problem(
                        path.name,
                        f"duplicate rule id (also in {ids[rid]})",
                        rule_id=rid,
                        field="id",
                        line=line,
                    )
                )
            ids.setdefault(rid, path.name)
            try:
                rule = RuleModel.model_validate(raw_rule)
            except ValidationError as exc:
                problems.extend(_pydantic_problems(exc, path.name, rid, line))
                continue
            problems.extend(_check_examples(rule, path.name, line))
            rules.append(rule)
            rule_lines[rule.id] = line or 0
        out.packs.append(PackFile(path, pack, rules, rule_lines))
    if not files:
        problems.append(Problem(str(rules_dir), "no *.yaml rule packs found"))
    out.pack_hash = digest.hexdigest()
    logger.debug("read %d pack file(s) from %s: %d problem(s)", len(files), rules_dir, len(problems))
    return out
