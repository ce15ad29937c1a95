"""Compiled condition nodes (see :mod:`rules.conditions` for the YAML side).

Evidence is a tuple ``(start, end, matched, field)``: a span of the normalised listing text with
``field=None``, or structured evidence (``start == end == 0``) naming its field ("price",
"shop_location", "attributes.<name>").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rules.context import attribute_words
from rules.schema import Problem

if TYPE_CHECKING:
    from rules.brands import BrandIndex
    from rules.context import Context
    from rules.matcher import RegexIndex, TermIndex

Ev = tuple[int, int, str, str | None]
Mask = list[tuple[int, int]] | None


@dataclass
class CompileEnv:
    terms: TermIndex
    regexes: RegexIndex
    brands: BrandIndex
    file: str = ""
    rule_id: str = ""
    line: int | None = None
    lists: dict[str, list[str]] = field(default_factory=dict)
    used_fields: int = 0  # fields named by leaf-level ``fields:`` overrides
    phase2: bool = False  # the rule being compiled has a ``hit`` condition
    hit_refs: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # (path, rule ids) to check
    term_nodes: list[Any] = field(default_factory=list)  # every Terms node, to mark the lazy ones
    in_when: bool = False  # compiling a ``when`` (its terms are scanned for every listing)
    when_terms: set[int] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(Problem(self.file, message, rule_id=self.rule_id, field=path, line=self.line))


def _free(s: int, e: int, mask: Mask) -> bool:
    if mask:
        for a, b in mask:
            if s < b and a < e:
                return False
    return True


class Node:
    __slots__ = ("triggers", "spec")
    triggers: frozenset[Any] | None
    spec: float  # how rare the trigger atoms are (higher: rarer); picks the trigger of an ``all``

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:  # pragma: no cover - abstract
        raise NotImplementedError


class All(Node):
    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Node]) -> None:
        # Evaluate (and trigger on) the rarest condition first: "trị" + disease words triggers on
        # the diseases, and a listing without one never looks further.
        self.nodes = sorted(nodes, key=lambda n: (n.triggers is None, -n.spec))
        first = self.nodes[0]
        self.triggers, self.spec = first.triggers, first.spec

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        out: list[Ev] = []
        for n in self.nodes:
            r = n.eval(ctx, mask)
            if r is None:
                return None
            out.extend(r)
        return out


class Any_(Node):
    __slots__ = ("nodes",)

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = nodes
        self.spec = min(n.spec for n in nodes)
        trig: set[Any] = set()
        for n in nodes:
            if n.triggers is None:
                self.triggers = None
                return
            trig |= n.triggers
        self.triggers = frozenset(trig)

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        out: list[Ev] | None = None
        for n in self.nodes:
            r = n.eval(ctx, mask)
            if r is not None:
                out = r if out is None else out + r
        return out


class Not(Node):
    __slots__ = ("node",)

    def __init__(self, node: Node) -> None:
        self.node = node
        self.triggers, self.spec = None, 0.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        return [] if self.node.eval(ctx, mask) is None else None


class Terms(Node):
    __slots__ = ("ids", "fields", "label", "texts", "first", "lazy")

    def __init__(
        self, ids: frozenset[int], fields: int, label: str, texts: list[str], first: int | None = None
    ) -> None:
        self.ids, self.fields, self.label, self.texts, self.first = ids, fields, label, texts, first
        self.triggers = ids
        self.spec = float(min((len(texts[t]) for t in ids), default=0))  # short words are frequent
        self.lazy = True  # set by the engine once it knows which terms are scanned for every listing

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        found = ctx.all_terms() if self.lazy else ctx.terms
        if self.ids.isdisjoint(found):  # the common case: one C-level pass, no list built
            return None
        out: list[Ev] | None = None
        pairs = (
            [(t, s) for t, s in found.items() if t in self.ids]
            if len(found) < len(self.ids)
            else [(t, found[t]) for t in self.ids if t in found]
        )
        for tid, spans in pairs:
            for s, e, f in spans:
                if self.fields >> f & 1 and (not mask or _free(s, e, mask)):
                    if self.first is not None and ctx.word_index(s) >= self.first:
                        continue
                    if out is None:
                        out = []
                    out.append((s, e, self.texts[tid], None))
        return out


class RegexCond(Node):
    __slots__ = ("index", "fields", "pattern")

    def __init__(self, index: int, fields: int, pattern: str) -> None:
        self.index, self.fields, self.pattern = index, fields, pattern
        self.triggers, self.spec = frozenset({f"re:{index}"}), 6.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        out = [
            (s, e, self.pattern, None)
            for s, e, f in ctx.regex_spans(self.index)
            if self.fields >> f & 1 and (not mask or _free(s, e, mask))
        ]
        return out or None


class BrandCond(Node):
    """Brand mentions or look-alikes.

    ``sources`` keeps only look-alikes of those kinds (fake, spaced, fuzzy, obfuscated);
    ``with_type``: spaced/fuzzy/obfuscated look-alikes count only when the listing also names one of
    the brand's product types (the same kind of goods); ``typed`` look-alikes (of marks that are also
    ordinary words, or marked ``lookalike: false``) always need one.
    """

    __slots__ = ("mode", "tags", "names", "fields", "with_type", "sources")

    def __init__(
        self,
        mode: str,
        tags: frozenset[str] | None,
        names: set[int] | None,
        fields: int,
        with_type: bool = False,
        sources: frozenset[str] | None = None,
    ) -> None:
        self.mode, self.tags, self.names, self.fields = mode, tags, names, fields
        self.with_type, self.sources = with_type, sources
        kind = "brand" if mode == "mention" else "lookalike"
        self.triggers = frozenset({f"{kind}:{t}" for t in tags} if tags else {kind})
        self.spec = 8.0 if mode == "lookalike" else (5.0 if tags or names else 4.0)

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        out: list[Ev] = []
        brands = ctx.brand_index.brands
        for hit, f in ctx.brand_hits():
            if (
                hit.kind != self.mode
                or not self.fields >> f & 1
                or (mask and not _free(hit.start, hit.end, mask))
            ):
                continue
            if self.sources is not None and hit.source not in self.sources:
                continue
            info = brands[hit.brand]
            if self.names is not None and hit.brand not in self.names:
                continue
            if self.tags is not None and self.tags.isdisjoint(info.tags):
                continue
            if (self.with_type and hit.source in _TYPED_SOURCES) or hit.source == "typed":
                types = ctx.type_spans()
                if not any(t in types for t in info.types):
                    continue
            out.append((hit.start, hit.end, hit.detail, None))
        return out or None


_TYPED_SOURCES = frozenset({"fuzzy", "obfuscated", "spaced"})


class PriceBelow(Node):
    """Price below ``share`` of a mentioned brand's reference price for the product type.

    The type is one named in the same field. When the field names no product type at all, a brand
    with a single priced type implies it ("Rolex Datejust" is a watch); with ``guess_type`` the
    brand's cheapest priced type is used (a conservative guess). Types priced per 100 ml (perfume)
    are scaled by the volume written in the field ("chiết 10ml").
    """

    __slots__ = ("share", "types", "tags", "fields", "guess")

    def __init__(
        self,
        share: float,
        types: frozenset[str] | None,
        fields: int,
        tags: frozenset[str] | None = None,
        guess_type: bool = False,
    ) -> None:
        self.share, self.types, self.fields, self.tags, self.guess = share, types, fields, tags, guess_type
        self.triggers = frozenset({f"brand:{t}" for t in tags} if tags else {"brand"})
        self.spec = 5.0 if tags else 4.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        price = ctx.doc.price
        if not price:
            return None
        type_spans = ctx.type_spans()
        index = ctx.brand_index
        for hit, f in ctx.brand_hits():
            if (
                hit.kind != "mention"
                or not self.fields >> f & 1
                or (mask and not _free(hit.start, hit.end, mask))
            ):
                continue
            info = index.brands[hit.brand]
            if self.tags is not None and self.tags.isdisjoint(info.tags):
                continue
            prices = {t: p for t, p in info.prices.items() if self.types is None or t in self.types}
            if not prices:
                continue
            best: tuple[float, str, tuple[int, int] | None] | None = None
            for tname, ref in prices.items():
                for s, e, tf in type_spans.get(tname, ()):
                    if tf == f and (not mask or _free(s, e, mask)) and (best is None or ref < best[0]):
                        best = (ref, tname, (s, e))
            if best is None:
                if any(tf == f for spans in type_spans.values() for _, _, tf in spans):
                    continue  # the field names some other kind of goods
                if len(info.prices) != 1 and not self.guess:
                    continue
                tname = min(prices, key=prices.__getitem__)
                best = (prices[tname], tname, None)
            ref, tname, span = best
            if tname in index.per_100ml:
                ml = ctx.volume_ml(hit.start)
                if ml is not None:
                    ref = ref * min(max(ml, 1.0), 300.0) / 100
            if price < self.share * ref:
                note = f"price {price:,} < {self.share:.0%} of {ref:,.0f} ({info.name} {tname})"
                ev: list[Ev] = [(hit.start, hit.end, hit.detail, None)]
                if span is not None:
                    ev.append((span[0], span[1], tname, None))
                ev.append((0, 0, note, "price"))
                return ev
        return None


class Price(Node):
    __slots__ = ("below", "above")

    def __init__(self, below: int | None, above: int | None) -> None:
        self.below, self.above = below, above
        self.triggers, self.spec = frozenset({"fact:price"}), 1.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        p = ctx.doc.price
        if (
            p is None
            or (self.below is not None and p >= self.below)
            or (self.above is not None and p <= self.above)
        ):
            return None
        return [(0, 0, f"price {p:,}", "price")]


class Expiry(Node):
    """An expiry date before the crawl date (more than ``grace`` days); with ``precision: month``
    a bare year ("date 2018", often a model year) does not count."""

    __slots__ = ("grace", "fields", "precise")

    def __init__(self, grace_days: int, fields: int, month_precision: bool = False) -> None:
        self.grace, self.fields, self.precise = grace_days, fields, month_precision
        self.triggers, self.spec = frozenset({"expiry"}), 5.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        crawled = ctx.doc.crawled_at
        out = [
            (x.start, x.end, f"{x.label} < crawled {crawled.isoformat()}", None)
            for x, f in ctx.expiries()
            if self.fields >> f & 1
            and (crawled - x.expires).days > self.grace
            and not (self.precise and x.precision == "year")
            and (not mask or _free(x.start, x.end, mask))
        ]
        return out or None


class Attribute(Node):
    __slots__ = ("name", "aliases", "terms", "missing")

    def __init__(
        self, name: str, aliases: tuple[str, ...], terms: tuple[str, ...] | None, missing: bool
    ) -> None:
        self.name, self.aliases, self.terms, self.missing = name, aliases, terms, missing
        self.triggers = None if missing else frozenset({"fact:attributes"})
        self.spec = 3.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        present = [a for a in ctx.attributes() if a[0] in self.aliases]
        if self.missing:
            return [] if not present else None
        out: list[Ev] = []
        for _key, name, value in present:
            if self.terms is not None:
                words = attribute_words(value)
                if not any(f" {t} " in words for t in self.terms):
                    continue
            out.append((0, 0, value, f"attributes.{name}"))
        return out or None


class SellerAbroad(Node):
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value
        self.triggers = frozenset({"fact:abroad"}) if value else None
        self.spec = 8.0 if value else 0.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        if ctx.doc.is_abroad is not self.value:
            return None
        return [(0, 0, ctx.doc.shop_location or ("abroad" if self.value else "domestic"), "shop_location")]


class Location(Node):
    """The shop location names one of ``terms`` (folded, whole words)."""

    __slots__ = ("terms",)

    def __init__(self, terms: tuple[str, ...]) -> None:
        self.terms = terms
        self.triggers, self.spec = frozenset({"fact:location"}), 2.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        padded = ctx.location()
        if padded and any(f" {t} " in padded for t in self.terms):
            return [(0, 0, ctx.doc.shop_location, "shop_location")]
        return None


class FiredHit(Node):
    """Another rule (by id or category) fired on this listing; see ``phase 2`` in the engine."""

    __slots__ = ("rules", "categories")

    def __init__(self, rules: frozenset[str], categories: frozenset[str]) -> None:
        self.rules, self.categories = rules, categories
        self.triggers, self.spec = None, 0.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        out: list[Ev] | None = None
        for rule_id, (category, ev) in ctx.fired.items():
            if rule_id in self.rules or category in self.categories:
                out = (out or []) + [e for e in ev if e[3] is None and (not mask or _free(e[0], e[1], mask))][
                    :4
                ]
        return out


class OfficialShop(Node):
    __slots__ = ("value",)

    def __init__(self, value: bool) -> None:
        self.value = value
        self.triggers, self.spec = frozenset({"fact:official"}), 3.0

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        if ctx.doc.is_official_shop is None or ctx.doc.is_official_shop is not self.value:
            return None
        return [(0, 0, f"official shop: {self.value}", "shop_name")]


class Near(Node):
    """Two conditions with spans in the same field at most ``within`` words apart."""

    __slots__ = ("a", "b", "within", "ordered")

    def __init__(self, a: Node, b: Node, within: int, ordered: bool) -> None:
        self.a, self.b, self.within, self.ordered = a, b, within, ordered
        both = All([a, b])
        self.triggers, self.spec = both.triggers, both.spec

    def eval(self, ctx: Context, mask: Mask) -> list[Ev] | None:
        ea = self.a.eval(ctx, mask)
        if not ea:
            return None
        eb = self.b.eval(ctx, mask)
        if not eb:
            return None
        for x in ea[:24]:
            if x[3] is not None:
                continue
            for y in eb[:24]:
                if y[3] is not None or (x[0] < y[1] and y[0] < x[1]):
                    continue
                first, second = (x, y) if x[0] <= y[0] else (y, x)
                if self.ordered and first is not x:
                    continue
                if ctx.words_between(first[1], second[0]) <= self.within:
                    return [x, y]
        return None
