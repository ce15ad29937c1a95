"""The rules engine: compile packs once, then evaluate listings purely and fast.

One automaton holds every keyword, list term, brand word, product-type word and expiry trigger of
every pack (:class:`rules.matcher.TermIndex`); RE2 patterns are prefiltered by one RE2 set per text
variant. A listing's fields are joined, normalised once and scanned once; only rules whose trigger
atoms appeared (terms, regexes, brands, look-alikes, expiry words) are evaluated, plus the few
rules that cannot be prefiltered. Cost therefore grows with the text, not with the number of
keywords or rules.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from rules.brands import BrandIndex
from rules.conditions import compile_condition, field_mask, is_text_only
from rules.context import Context
from rules.document import Document, to_document
from rules.expiry import PRODUCTION, TRIGGERS
from rules.hits import Assessment, Evidence, Hit
from rules.loader import read_packs
from rules.matcher import RegexIndex, TermIndex, pad
from rules.nodes import CompileEnv, Node
from rules.schema import BrandsFile, Problem, RulePackError
from rules.text import SEPARATOR, normalize

logger = logging.getLogger(__name__)

MAX_FIELD_CHARS = 20_000  # longer fields are cut (counted in engine.counters["truncated_fields"])
DEFAULT_THRESHOLD = 0.5
_SEVERITY_WEIGHT = {"low": 0.5, "medium": 0.75, "high": 0.9, "critical": 1.0}
_FIELD_KINDS = {"title": 0, "description": 1, "shop_name": 2, "category_path": 3}
_MAX_EVIDENCE = 8
_BRAND_ECHO = re.compile(r"unknown (brand|product type)")
_FACTS: dict[str, Callable[[Document], bool]] = {  # listing facts that trigger rules
    "fact:price": lambda doc: doc.price is not None,
    "fact:attributes": lambda doc: bool(doc.attributes),
    "fact:abroad": lambda doc: doc.is_abroad,
    "fact:location": lambda doc: bool(doc.shop_location),
    "fact:official": lambda doc: doc.is_official_shop is not None,
}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """Metadata of a loaded rule, for the CLI and the review UI."""

    id: str
    title: str
    title_en: str
    category: str
    severity: str
    status: str
    score: float
    pack: str
    file: str
    line: int
    legal_basis: str
    fields: tuple[str, ...]
    flag_examples: tuple[Any, ...]
    pass_examples: tuple[Any, ...]
    example_date: date


@dataclass(slots=True)
class _Compiled:
    info: RuleInfo
    when: Node
    exclude: Node | None
    unless: Node | None
    counts: bool  # stable rules count towards flags; experimental ones only report hits
    phase2: bool  # uses ``hit`` conditions: evaluated after the other rules, with their hits


class Engine:
    def __init__(self, rules_dir: Path, threshold: float | None = None) -> None:
        loaded = read_packs(rules_dir)
        problems: list[Problem] = list(loaded.problems)
        self.rules_dir = rules_dir
        self.pack_hash = loaded.pack_hash
        self.threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        self.counters: Counter[str] = Counter()
        self.terms = TermIndex()
        self.regexes = RegexIndex()
        brands = loaded.brands or BrandsFile(product_types={}, tag_types={}, brands=[])
        brands_broken = loaded.brands is None and any(p.file.startswith("brands") for p in problems)
        self.brand_index = BrandIndex(brands, self.terms, problems, loaded.brands_file or "brands.yaml")
        self.expiry_terms = frozenset(t for t in (self.terms.add(w) for w in TRIGGERS) if t is not None)
        self.production_terms = frozenset(t for t in (self.terms.add(w) for w in PRODUCTION) if t is not None)
        self.rules: list[RuleInfo] = []
        self._compiled: list[_Compiled] = []
        self.used_fields = 0
        hit_refs: list[tuple[str, int | None, str, frozenset[str]]] = []
        term_nodes: list[Any] = []
        when_terms: set[int] = set()
        for pf in loaded.packs:
            env = CompileEnv(
                self.terms, self.regexes, self.brand_index, file=pf.path.name, lists=pf.pack.lists
            )
            for rule in pf.rules:
                env.rule_id, env.line, env.phase2 = rule.id, pf.lines.get(rule.id) or None, False
                fields = field_mask(list(rule.fields))
                env.in_when = True
                when = compile_condition(rule.when, env, "when", fields)
                env.in_when = False
                exclude = unless = None
                if rule.exclude is not None:
                    if not is_text_only(rule.exclude):
                        env.problem(
                            "exclude", "exclude takes keywords/list/regex only; use 'unless' for others"
                        )
                    else:
                        exclude = compile_condition(rule.exclude, env, "exclude", fields)
                if rule.unless is not None:
                    unless = compile_condition(rule.unless, env, "unless", fields)
                info = RuleInfo(
                    rule.id, rule.title.vi, rule.title.en, rule.category, rule.severity, rule.status,
                    rule.effective_score, pf.pack.pack, pf.path.name, pf.lines.get(rule.id, 0), rule.legal_basis,
                    tuple(rule.fields), tuple(rule.examples.flag), tuple(rule.examples.pass_), pf.pack.example_date,
                )  # fmt: skip
                self.rules.append(info)
                if when is not None and rule.status != "disabled":
                    self.used_fields |= fields | env.used_fields
                    compiled = _Compiled(info, when, exclude, unless, rule.status == "stable", env.phase2)
                    self._compiled.append(compiled)
            # With a broken brand file, "unknown brand/tag/type" would only echo that one problem.
            problems.extend(p for p in env.problems if not (brands_broken and _BRAND_ECHO.search(p.message)))
            term_nodes.extend(env.term_nodes)
            when_terms |= env.when_terms
            hit_refs.extend((pf.path.name, env.line, path, ids) for path, ids in env.hit_refs)
        known = {r.id for r in self.rules}
        phase2 = {c.info.id for c in self._compiled if c.phase2}
        for file, line, path, ids in hit_refs:
            for rid in sorted(ids - known):
                problems.append(
                    Problem(file, f"hit condition names unknown rule {rid!r}", field=path, line=line)
                )
            for rid in sorted(ids & phase2):
                problems.append(
                    Problem(file, f"hit condition names {rid!r}, itself a hit rule", field=path, line=line)
                )
        if problems:
            raise RulePackError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
        self._index_triggers()
        # Terms of ``when`` conditions, brands and product types are scanned for every listing;
        # exclusions and ``unless`` terms only when a rule that matched needs them.
        eager = when_terms | set(self.brand_index.brand_terms) | set(self.brand_index.type_terms)
        eager |= self.expiry_terms | self.production_terms
        self.terms.build(eager)
        for node in term_nodes:
            node.lazy = not node.ids <= eager
        self.regexes.build(set(self._regex_atoms))
        logger.info(
            "loaded %d rules (%d active) from %s: %d terms, %d regexes, %d brands, pack hash %s",
            len(self.rules), len(self._compiled), rules_dir, len(self.terms), len(self.regexes.patterns),
            len(self.brand_index.brands), self.pack_hash[:12],
        )  # fmt: skip

    def _index_triggers(self) -> None:
        self._term_rules: dict[int, tuple[int, ...]] = {}
        self._atom_rules: dict[str, tuple[int, ...]] = {}
        always: list[int] = []
        terms: dict[int, list[int]] = {}
        atoms: dict[str, list[int]] = {}
        for i, c in enumerate(self._compiled):
            trig = c.when.triggers
            if trig is None:
                always.append(i)
                continue
            for a in trig:
                (terms.setdefault(a, []) if isinstance(a, int) else atoms.setdefault(a, [])).append(i)
        self._term_rules = {k: tuple(v) for k, v in terms.items()}
        self._atom_rules = {k: tuple(v) for k, v in atoms.items()}
        self._always = tuple(always)
        self._regex_atoms = {int(k[3:]): v for k, v in self._atom_rules.items() if k.startswith("re:")}
        self.uses_lookalike = any(a.startswith("lookalike") for a in self._atom_rules)
        self._brand_atoms = self.uses_lookalike or any(a.startswith("brand") for a in self._atom_rules)
        self._tag_atoms = {
            (kind, b.index): tuple(
                a for a in (kind, *(f"{kind}:{t}" for t in b.tags)) if a in self._atom_rules
            )
            for b in self.brand_index.brands
            for kind in ("brand", "lookalike")
        }
        self._expiry_atoms = "expiry" in self._atom_rules
        self._fact_rules = tuple(
            (test, self._atom_rules[f]) for f, test in _FACTS.items() if f in self._atom_rules
        )

    @property
    def rule_count(self) -> int:
        """Active (not disabled) rules."""
        return len(self._compiled)

    # -- evaluation -----------------------------------------------------------------------------

    def _fields(self, doc: Document) -> tuple[list[str], list[int], list[str]]:
        used = self.used_fields
        parts: list[str] = []
        kinds: list[int] = []
        names: list[str] = []
        for name, kind in _FIELD_KINDS.items():
            value = getattr(doc, name)
            if value and used >> kind & 1:
                parts.append(value)
                kinds.append(kind)
                names.append(name)
        if doc.attributes and used >> 4 & 1:
            for k, v in doc.attributes.items():
                parts.append(f"{k}: {v}")
                kinds.append(4)
                names.append(f"attributes.{k}")
        for i, p in enumerate(parts):
            if len(p) > MAX_FIELD_CHARS:
                self.counters["truncated_fields"] += 1
                p = parts[i] = p[:MAX_FIELD_CHARS]
            if SEPARATOR in p:
                parts[i] = p.replace(SEPARATOR, " ")
        return parts, kinds, names

    def context(self, listing: Any) -> Context:
        """Normalise and scan a listing (a Listing, dict, JSONL record or Document)."""
        doc = to_document(listing)
        parts, kinds, names = self._fields(doc)
        if not parts:
            parts, kinds, names = [""], [0], ["title"]
        joined = SEPARATOR.join(parts)
        nt = normalize(joined)
        orig_starts = [0]
        for p in parts[:-1]:
            orig_starts.append(orig_starts[-1] + len(p) + 1)
        starts = [0]
        seps: list[int] = []
        pos = -1
        for _ in range(len(parts) - 1):
            pos = nt.text.find(SEPARATOR, pos + 1)
            seps.append(pos)
            starts.append(pos + 1)
        padded = pad(nt.folded)
        terms = self.terms.scan(nt.folded, nt.text, seps, kinds, padded=padded)
        return Context(self, doc, nt, starts, kinds, names, orig_starts, terms, padded)

    def _candidates(self, ctx: Context) -> list[int]:
        cand: set[int] = set(self._always)
        term_rules = self._term_rules
        for tid in ctx.terms:
            r = term_rules.get(tid)
            if r is not None:
                cand.update(r)
        if self._regex_atoms:
            ctx.regex_seen = set(self.regexes.matching(ctx.folded_bytes()))
            for i in ctx.regex_seen:
                cand.update(self._regex_atoms.get(i, ()))
        atoms = self._atom_rules
        if self._brand_atoms:
            seen: set[tuple[str, int]] = set()
            for h, _ in ctx.brand_hits():
                key = ("brand" if h.kind == "mention" else "lookalike", h.brand)
                if key not in seen:
                    seen.add(key)
                    for a in self._tag_atoms[key]:
                        cand.update(atoms[a])
        doc = ctx.doc
        for present, rules in self._fact_rules:
            if present(doc):
                cand.update(rules)
        if self._expiry_atoms and (
            not self.expiry_terms.isdisjoint(ctx.terms) or not self.production_terms.isdisjoint(ctx.terms)
        ):
            cand.update(self._atom_rules["expiry"])
        return sorted(cand)

    def evaluate(self, listing: Any) -> list[Hit]:
        """Hits of every active rule on one listing. Pure: no I/O, no state but counters."""
        ctx = self.context(listing)
        self.counters["evaluated"] += 1
        hits: list[Hit] = []
        compiled = self._compiled
        later: list[int] = []
        for i in self._candidates(ctx):
            if compiled[i].phase2:  # rules with ``hit`` conditions run once the others have fired
                later.append(i)
            else:
                self._run(compiled[i], ctx, hits)
        for i in later:
            self._run(compiled[i], ctx, hits)
        return hits

    def _run(self, c: _Compiled, ctx: Context, hits: list[Hit]) -> None:
        ev = c.when.eval(ctx, None)
        if ev is None:
            return
        if c.exclude is not None:
            ex = c.exclude.eval(ctx, None)
            if ex:
                ev = c.when.eval(ctx, [(s, e) for s, e, _, f in ex if f is None])
                if ev is None:
                    return
        if c.unless is not None and c.unless.eval(ctx, None) is not None:
            return
        if c.counts:
            ctx.fired[c.info.id] = (c.info.category, ev)
        hits.append(self._hit(c.info, ev, ctx))

    def _hit(self, info: RuleInfo, ev: list[Any], ctx: Context) -> Hit:
        evidence: list[Evidence] = []
        seen: set[tuple[Any, ...]] = set()
        for s, e, matched, fld in ev:
            key = (s, e, fld)
            if key in seen:
                continue
            seen.add(key)
            if fld is None:
                name, os_, oe, text = ctx.original_span(s, e)
                evidence.append(Evidence(name, os_, oe, text, matched))
            else:
                evidence.append(
                    Evidence(fld, 0, 0, matched if fld != "price" else str(ctx.doc.price), matched)
                )
            if len(evidence) >= _MAX_EVIDENCE:
                break
        return Hit(
            info.id, info.category, info.severity, info.score, tuple(evidence), info.title, info.status
        )

    def assess(self, listing: Any) -> Assessment:
        """Hits, the categories whose combined score reaches the threshold, and a risk score."""
        return self.assess_hits(self.evaluate(listing))

    def assess_hits(self, hits: list[Hit]) -> Assessment:
        keep: dict[str, float] = {}
        risk_rest = 1.0
        for h in hits:
            if h.status != "stable":
                continue
            keep[h.category] = 1 - (1 - keep.get(h.category, 0.0)) * (1 - h.score)
            risk_rest *= 1 - h.score * _SEVERITY_WEIGHT[h.severity]
        cats = {c: round(s, 4) for c, s in keep.items() if s >= self.threshold}
        return Assessment(hits, cats, round(1 - risk_rest, 4))


def default_rules_dir() -> Path:
    try:
        from crawler.config import get_config

        return Path(get_config().rules_dir)
    except Exception:  # pragma: no cover - config unavailable (e.g. rules used on their own)
        return Path(__file__).resolve().parent / "packs"


def load_engine(rules_dir: Path | str | None = None, *, threshold: float | None = None) -> Engine:
    """Load and compile the packs in ``rules_dir`` (default: the configured/shipped packs).

    Raises :class:`RulePackError` listing every problem in every file if any pack is broken.
    """
    if threshold is None:
        from crawler.config import get_config

        threshold = get_config().rules_threshold  # ECOMWATCH_RULES_THRESHOLD; None: DEFAULT_THRESHOLD
    return Engine(Path(rules_dir) if rules_dir is not None else default_rules_dir(), threshold)


__all__ = ["Engine", "RuleInfo", "RulePackError", "load_engine"]
