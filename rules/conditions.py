"""Condition trees: compile the YAML mappings of ``when``/``exclude``/``unless`` into nodes.

Each node's ``eval(ctx, mask)`` returns ``None`` when the condition does not hold, or a list of
evidence tuples ``(start, end, matched, field)`` when it does (``field`` is None for spans of the
normalised text, a field name such as ``"price"`` for structured evidence). ``mask`` is a list of
spans (from ``exclude``) whose overlapping matches are ignored. Each node also carries
``triggers``: atoms of which at least one must be present for the node to hold (``None`` = cannot
tell), so the engine evaluates only rules whose atoms appeared in the listing.

The condition kinds are documented in ``docs/rules.md``.
"""

from __future__ import annotations

import re
from typing import Any

from rules.hits import CATEGORIES
from rules.matcher import ACCENT_MODES
from rules.nodes import (
    All,
    Any_,
    Attribute,
    BrandCond,
    CompileEnv,
    Expiry,
    FiredHit,
    Location,
    Near,
    Node,
    Not,
    OfficialShop,
    Price,
    PriceBelow,
    RegexCond,
    SellerAbroad,
    Terms,
)
from rules.text import fold, normalize_term

_OPTION_KINDS = {
    "within": ("near",), "ordered": ("near",), "accents": ("keywords", "list"), "within_first": ("keywords", "list"),
    "fields": ("keywords", "list", "regex", "brand", "price_below", "expiry", "all", "any", "not", "near"),
}  # fmt: skip
_OPTIONS = set(_OPTION_KINDS)
FIELD_BITS = {"title": 0, "description": 1, "shop_name": 2, "category_path": 3, "attributes": 4}
TEXT_KINDS = ("keywords", "list", "regex")
ATTRIBUTE_NAMES = {
    "origin": (
        "origin",
        "xuất xứ",
        "nơi sản xuất",
        "nguồn gốc",
        "made in",
        "country of origin",
        "sản xuất tại",
    ),
    "brand": ("brand", "thương hiệu", "nhãn hiệu", "hãng"),
    "expiry": ("hạn sử dụng", "hsd", "expiry", "exp", "hạn dùng"),
    "manufacturer": ("manufacturer", "nhà sản xuất", "nsx"),
    "importer": ("importer", "nhà nhập khẩu", "đơn vị nhập khẩu"),
    "registration": ("số công bố", "số đăng ký", "số tiếp nhận", "registration"),
}


def _plain_words(text: str) -> str:
    """Folded words separated by single spaces, for whole-word tests on padded values."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", fold(normalize_term(text))).split())


def field_mask(fields: list[str]) -> int:
    mask = 0
    for f in fields:
        mask |= 1 << FIELD_BITS[f]
    return mask


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def compile_condition(raw: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    """Compile one condition mapping; report problems to ``env`` and return None on error."""
    if not isinstance(raw, dict) or not raw:
        env.problem(path, f"a condition must be a mapping with one kind, got {raw!r}")
        return None
    if "fields" in raw:
        bad = [f for f in _as_list(raw["fields"]) if f not in FIELD_BITS]
        if bad:
            env.problem(path, f"unknown field(s) {bad}; use {list(FIELD_BITS)}")
            return None
        fields = field_mask(_as_list(raw["fields"]))
        env.used_fields |= fields
    kinds = [k for k in raw if k in _COMPILERS]
    extra = set(raw) - set(kinds) - _OPTIONS
    if len(kinds) != 1 or extra:
        env.problem(
            path, f"expected exactly one condition kind of {sorted(_COMPILERS)}, got keys {sorted(raw)}"
        )
        return None
    kind = kinds[0]
    misplaced = [o for o, allowed in _OPTION_KINDS.items() if o in raw and kind not in allowed]
    if misplaced:
        env.problem(path, f"option(s) {misplaced} do not apply to {kind!r}")
        return None
    return _COMPILERS[kind](raw, raw[kind], env, f"{path}.{kind}", fields)


def _children(value: Any, env: CompileEnv, path: str, fields: int) -> list[Node] | None:
    if not isinstance(value, list) or not value:
        env.problem(path, "expects a non-empty list of conditions")
        return None
    nodes = [compile_condition(v, env, f"{path}[{i}]", fields) for i, v in enumerate(value)]
    return None if any(n is None for n in nodes) else nodes  # type: ignore[return-value]


def _all(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    nodes = _children(value, env, path, fields)
    return None if nodes is None else All(nodes)


def _any(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    nodes = _children(value, env, path, fields)
    return None if nodes is None else Any_(nodes)


def _not(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    was, env.in_when = env.in_when, False  # a negated condition never triggers: scan its terms lazily
    node = compile_condition(value, env, path, fields)
    env.in_when = was
    return None if node is None else Not(node)


def _terms(raw: dict, words: list[Any], env: CompileEnv, path: str, fields: int, label: str) -> Node | None:
    accents = raw.get("accents", "auto")
    if accents not in ACCENT_MODES:
        env.problem(path, f"accents must be one of {list(ACCENT_MODES)}, got {accents!r}")
        return None
    first = raw.get("within_first")
    if first is not None and (not isinstance(first, int) or first < 1):
        env.problem(path, f"within_first must be a positive number of words, got {first!r}")
        return None
    ids: set[int] = set()
    for w in words:
        if not isinstance(w, str) or not w.strip():
            env.problem(path, f"keywords must be non-empty strings, got {w!r}")
            return None
        tid = env.terms.add(w, accents=accents)
        if tid is None:
            env.problem(path, f"keyword {w!r} is empty after normalisation")
            return None
        ids.add(tid)
    node = Terms(frozenset(ids), fields, label, env.terms.texts, first)
    env.term_nodes.append(node)
    if env.in_when:
        env.when_terms |= ids
    return node


def _keywords(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, list) or not value:
        env.problem(path, "expects a non-empty list of phrases")
        return None
    return _terms(raw, value, env, path, fields, "keywords")


def _list(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    words: list[Any] = []
    for name in _as_list(value):
        if name not in env.lists:
            env.problem(path, f"unknown list {name!r}; lists of this pack: {sorted(env.lists) or 'none'}")
            return None
        words.extend(env.lists[name])
    return _terms(raw, words, env, path, fields, f"list:{value}")


def _regex(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, str) or not value:
        env.problem(path, f"expects a pattern string, got {value!r}")
        return None
    try:
        index = env.regexes.add(value)
    except Exception as exc:  # re2.error, or a pattern RE2 refuses for size
        reason = exc.args[0] if exc.args else exc
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
        env.problem(path, f"RE2 cannot compile pattern {value!r}: {reason}")
        return None
    return RegexCond(index, fields, value)


_SOURCES = ("fake", "spaced", "fuzzy", "obfuscated")


def _tags(value: Any, env: CompileEnv, path: str) -> frozenset[str] | None | bool:
    """Validated brand tags (None: no filter; False: a problem was reported)."""
    if value is None:
        return None
    bad = [t for t in _as_list(value) if t not in env.brands.tags]
    if bad:
        env.problem(path, f"unknown brand tag(s) {bad}; known: {sorted(env.brands.tags)}")
        return False
    return frozenset(_as_list(value))


def _brand(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    opts = {"mode": value} if isinstance(value, str) else value
    if not isinstance(opts, dict) or opts.get("mode") not in ("mention", "lookalike"):
        env.problem(
            path,
            "expects {mode: mention|lookalike, tags: [...], names: [...], with_type: bool, sources: [...]}",
        )
        return None
    unknown = set(opts) - {"mode", "tags", "names", "with_type", "sources"}
    if unknown:
        env.problem(path, f"unknown option(s) {sorted(unknown)}")
        return None
    tags = _tags(opts.get("tags"), env, path)
    if tags is False:
        return None
    sources = None
    if opts.get("sources") is not None:
        bad = [x for x in _as_list(opts["sources"]) if x not in _SOURCES]
        if bad:
            env.problem(path, f"unknown look-alike source(s) {bad}; use {list(_SOURCES)}")
            return None
        sources = frozenset(_as_list(opts["sources"]))
    names = None
    if opts.get("names") is not None:
        by_name = {fold(b.name.lower()): b.index for b in env.brands.brands}
        names = set()
        for n in _as_list(opts["names"]):
            if fold(str(n).lower()) not in by_name:
                env.problem(path, f"unknown brand {n!r} (add it to brands.yaml)")
                return None
            names.add(by_name[fold(str(n).lower())])
    return BrandCond(opts["mode"], tags or None, names, fields, bool(opts.get("with_type", False)), sources)


def _price_below(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if (
        not isinstance(value, dict)
        or set(value) - {"share", "types", "tags", "guess_type"}
        or not isinstance(value.get("share"), int | float)
        or not 0 < value["share"] < 1
    ):
        env.problem(
            path, "expects {share: 0..1, types: [...], tags: [...], guess_type: bool}, e.g. {share: 0.4}"
        )
        return None
    types = value.get("types")
    if types is not None:
        bad = [t for t in _as_list(types) if t not in env.brands.product_types]
        if bad:
            env.problem(path, f"unknown product type(s) {bad}")
            return None
    tags = _tags(value.get("tags"), env, path)
    if tags is False:
        return None
    typeset = frozenset(_as_list(types)) if types else None
    return PriceBelow(
        float(value["share"]), typeset, fields, tags or None, bool(value.get("guess_type", False))
    )


def _price(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, dict) or not set(value) <= {"below", "above"} or not value:
        env.problem(path, "expects {below: N} and/or {above: N} in VND")
        return None
    return Price(value.get("below"), value.get("above"))


def _expiry(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    opts = {"state": value} if isinstance(value, str) else value
    if (
        not isinstance(opts, dict)
        or opts.get("state") != "expired"
        or set(opts) - {"state", "grace_days", "precision"}
        or opts.get("precision", "year") not in ("year", "month")
    ):
        env.problem(path, "expects {state: expired, grace_days: N, precision: year|month}")
        return None
    return Expiry(int(opts.get("grace_days", 0)), fields, opts.get("precision") == "month")


def _attribute(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, dict) or "name" not in value or set(value) - {"name", "in", "missing"}:
        env.problem(path, "expects {name: origin, in: [...]} or {name: origin, missing: true}")
        return None
    name = str(value["name"])
    aliases = ATTRIBUTE_NAMES.get(name, (name,))
    terms = None
    if "in" in value:
        terms = tuple(_plain_words(str(t)) for t in _as_list(value["in"]))
    return Attribute(name, tuple(fold(normalize_term(a)) for a in aliases), terms, bool(value.get("missing")))


def _location(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, dict) or set(value) != {"in"} or not _as_list(value["in"]):
        env.problem(path, "expects {in: [province or country names]}")
        return None
    return Location(tuple(_plain_words(str(t)) for t in _as_list(value["in"])))


def _hit(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, dict) or not value or set(value) - {"rules", "categories"}:
        env.problem(path, "expects {rules: [rule ids]} and/or {categories: [categories]}")
        return None
    cats = [str(c) for c in _as_list(value.get("categories", []))]
    bad = [c for c in cats if c not in CATEGORIES]
    if bad:
        env.problem(path, f"unknown categories {bad}")
        return None
    rule_ids = frozenset(str(r) for r in _as_list(value.get("rules", [])))
    env.hit_refs.append((path, rule_ids))
    env.phase2 = True
    return FiredHit(rule_ids, frozenset(cats))


def _seller_abroad(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, bool):
        env.problem(path, "expects true or false")
        return None
    return SellerAbroad(value)


def _official_shop(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    if not isinstance(value, bool):
        env.problem(path, "expects true or false")
        return None
    return OfficialShop(value)


def _near(raw: dict, value: Any, env: CompileEnv, path: str, fields: int) -> Node | None:
    within = raw.get("within", 3)
    if not isinstance(value, list) or len(value) != 2 or not isinstance(within, int) or within < 0:
        env.problem(path, "expects {near: [condition, condition], within: N words}")
        return None
    nodes = _children(value, env, path, fields)
    return None if nodes is None else Near(nodes[0], nodes[1], within, bool(raw.get("ordered", False)))


_COMPILERS = {
    "all": _all, "any": _any, "not": _not, "keywords": _keywords, "list": _list, "regex": _regex,
    "brand": _brand, "price_below": _price_below, "price": _price, "expiry": _expiry,
    "attribute": _attribute, "seller_abroad": _seller_abroad, "official_shop": _official_shop, "near": _near,
    "location": _location, "hit": _hit,
}  # fmt: skip


def is_text_only(raw: Any) -> bool:
    """Whether a condition tree uses only text kinds (what ``exclude`` accepts)."""
    if not isinstance(raw, dict):
        return False
    for key, value in raw.items():
        if key in _OPTIONS:
            continue
        if key in ("all", "any"):
            if not isinstance(value, list) or not all(is_text_only(v) for v in value):
                return False
        elif key == "near":
            if not isinstance(value, list) or not all(is_text_only(v) for v in value):
                return False
        elif key not in TEXT_KINDS:
            return False
    return True
