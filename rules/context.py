"""Per-listing evaluation state: the normalised text, term matches and lazily computed facts."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from rules.brands import BrandHit, BrandIndex
from rules.document import Document
from rules.expiry import Expiry, find_expiries
from rules.text import SEPARATOR, NormText, fold, normalize_term

if TYPE_CHECKING:
    from rules.engine import Engine

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_ML = re.compile(r"(\d{1,4}(?:[.,]\d{1,2})?)\s*ml(?![a-z])")
_LEADING = re.compile(r"[^\w\s]+")  # "[HOT] Bật lửa" - brackets and symbols are not words


class Context:
    """What rules see of one listing. Spans carry a field bit (0 title .. 4 attributes)."""

    __slots__ = (
        "engine", "doc", "nt", "text", "fold", "terms", "starts", "kinds", "names", "orig_starts",
        "brand_index", "fired", "regex_seen", "padded", "_all_terms", "_bytes", "_fbytes", "_regex", "_brands", "_types", "_expiries", "_attributes", "_location",
    )  # fmt: skip

    def __init__(
        self,
        engine: Engine,
        doc: Document,
        nt: NormText,
        starts: list[int],
        kinds: list[int],
        names: list[str],
        orig_starts: list[int],
        terms: dict[int, list[tuple[int, int, int]]],
        padded: str | None = None,
    ) -> None:
        self.engine = engine
        self.brand_index: BrandIndex = engine.brand_index
        self.doc, self.nt, self.text, self.fold = doc, nt, nt.text, nt.folded
        self.starts, self.kinds, self.names, self.orig_starts = starts, kinds, names, orig_starts
        self.terms = terms
        self.padded = padded  # the scanned form of the folded text (matcher.pad), once made
        self._all_terms = False
        self.regex_seen: set[int] | None = None  # trigger patterns the RE2 set found (None: not run)
        self._bytes: tuple[bytes, bytes] | None = None
        self._fbytes: bytes | None = None
        self._regex: dict[int, list[tuple[int, int, int]]] = {}
        self._brands: list[tuple[BrandHit, int]] | None = None
        self._types: dict[str, list[tuple[int, int, int]]] | None = None
        self._expiries: list[tuple[Expiry, int]] | None = None
        self._attributes: list[tuple[str, str, str]] | None = None
        self._location: str | None = None
        self.fired: dict[str, tuple[str, list[Any]]] = {}  # rule id -> (category, evidence) of stable hits

    def all_terms(self) -> dict[int, list[tuple[int, int, int]]]:
        """The term matches including lazy terms (exclusions, cues, product types): scanned once,
        the first time a rule being evaluated needs one."""
        if not self._all_terms:
            self._all_terms = True
            seps = [s - 1 for s in self.starts[1:]]
            found = self.engine.terms.scan(
                self.fold, self.text, seps, self.kinds, lazy=True, padded=self.padded
            )
            self.terms.update(found)
        return self.terms

    # -- positions ------------------------------------------------------------------------------

    def field_index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def kind_at(self, pos: int) -> int:
        return self.kinds[bisect_right(self.starts, pos) - 1]

    def word_index(self, pos: int) -> int:
        """How many words of its field come before ``pos``."""
        start = self.starts[bisect_right(self.starts, pos) - 1]
        return len(_LEADING.sub(" ", self.fold[start:pos]).split())

    def words_between(self, end: int, start: int) -> int:
        between = self.fold[end:start]
        return 1 << 20 if SEPARATOR in between else len(between.split())

    def original_span(self, start: int, end: int) -> tuple[str, int, int, str]:
        """(field name, start, end, text) of a normalised span, in that field's original text."""
        i = self.field_index(start)
        s, e = self.nt.to_original(start, end)
        base = self.orig_starts[i]
        limit = self.orig_starts[i + 1] - 1 if i + 1 < len(self.orig_starts) else len(self.nt.original)
        s, e = max(s, base), min(max(e, s), limit)
        return self.names[i], s - base, e - base, self.nt.original[s:e]

    # -- lazily computed facts ------------------------------------------------------------------

    def volume_ml(self, pos: int) -> float | None:
        """The first volume in ml written in the field at ``pos`` ("100ml", "chiết 10 ml")."""
        i = self.field_index(pos)
        end = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
        m = _ML.search(self.text, self.starts[i], end)
        return float(m.group(1).replace(",", ".")) if m else None

    def folded_bytes(self) -> bytes:
        """The folded text for RE2; field separators become newlines so that patterns such as
        ``[^.\\n]*`` do not run into the next field."""
        if self._fbytes is None:
            self._fbytes = self.fold.replace(SEPARATOR, "\n").encode("utf-8")
        return self._fbytes

    def text_bytes(self) -> tuple[bytes, bytes]:
        if self._bytes is None:
            self._bytes = (self.text.replace(SEPARATOR, "\n").encode("utf-8"), self.folded_bytes())
        return self._bytes

    def regex_spans(self, index: int) -> list[tuple[int, int, int]]:
        spans = self._regex.get(index)
        if spans is None:
            if (
                self.regex_seen is not None
                and self.engine.regexes.in_set(index)
                and index not in self.regex_seen
            ):
                self._regex[index] = []  # the set pass already says this pattern does not match
                return []
            tb, fb = self.text_bytes()
            found = self.engine.regexes.spans(index, self.text, self.fold, tb, fb)
            spans = [(s, e, self.kind_at(s)) for s, e in found]
            self._regex[index] = spans
        return spans

    def brand_hits(self) -> list[tuple[BrandHit, int]]:
        if self._brands is None:
            index = self.brand_index
            out: list[tuple[BrandHit, int]] = []
            lowered: str | None = None
            for hit, f in index.mentions(self.terms):  # brand and product-type terms are eager
                out.append((hit, f))
                if not self.nt.changed:  # the text is the original lower-cased: nothing disguised
                    continue
                if lowered is None:
                    lowered = self.nt.original.lower()
                i = self.field_index(hit.start)
                end = self.orig_starts[i + 1] if i + 1 < len(self.orig_starts) else len(lowered)
                if lowered.find(self.text[hit.start : hit.end], self.orig_starts[i], end) >= 0:
                    continue  # written plainly in its field: no need to map the span back
                self._add_if_disguised(hit, f, out)
            if self.engine.uses_lookalike:  # misspelt marks are looked for in the title
                end = self.starts[1] - 1 if len(self.starts) > 1 else len(self.text)
                for hit in index.lookalikes(self.fold[:end], self.text[:end]):
                    out.append((hit, self.kinds[0]))
                    if self.nt.changed:  # a misspelt mark also disguised ("G u c c i i", "Ch.annel")
                        self._add_if_disguised(hit, self.kinds[0], out)
            self._brands = out
        return self._brands

    def _add_if_disguised(self, hit: BrandHit, field: int, out: list[tuple[BrandHit, int]]) -> None:
        """Add an ``obfuscated`` look-alike for ``hit`` if its original text is disguised ("Ch@nel")."""
        original = self.nt.original[slice(*self.nt.to_original(hit.start, hit.end))]
        if self.brand_index.obfuscated(hit, original, self.fold):
            detail = f"{original}~{hit.detail}"
            out.append((BrandHit(hit.start, hit.end, hit.brand, "lookalike", detail, "obfuscated"), field))

    def type_spans(self) -> dict[str, list[tuple[int, int, int]]]:
        if self._types is None:
            out: dict[str, list[tuple[int, int, int]]] = {}
            type_terms = self.brand_index.type_terms
            for tid, spans in self.terms.items():  # product-type terms are eager
                for name in type_terms.get(tid, ()):
                    out.setdefault(name, []).extend(spans)
            self._types = out
        return self._types

    def expiries(self) -> list[tuple[Expiry, int]]:
        if self._expiries is None:
            eng = self.engine
            ends = [e for t in eng.expiry_terms if t in self.terms for _, e, _ in self.terms[t]]
            made = [e for t in eng.production_terms if t in self.terms for _, e, _ in self.terms[t]]
            found = find_expiries(self.text, ends, made, self.fold) if ends or made else []
            self._expiries = [(x, self.kind_at(x.start)) for x in found]
        return self._expiries

    def location(self) -> str:
        """The shop location, folded, padded with spaces for whole-word tests."""
        if self._location is None:
            loc = self.doc.shop_location
            self._location = " " + _NON_ALNUM.sub(" ", fold(normalize_term(loc))) + " " if loc else ""
        return self._location

    def attributes(self) -> list[tuple[str, str, str]]:
        """(normalised name, name, value) of each attribute; :func:`attribute_words` gives a value's
        words, for the few attributes a rule asks about."""
        if self._attributes is None:
            self._attributes = [(_attr_key(name), name, value) for name, value in self.doc.attributes.items()]
        return self._attributes


_KEYS: dict[str, str] = {}
_WORDS: dict[str, str] = {}
_MEMO_LIMIT = 10_000  # attribute names and values repeat across listings ("Xuất xứ", "Trung Quốc")


def _attr_key(name: str) -> str:
    key = _KEYS.get(name)
    if key is None:
        if len(_KEYS) > _MEMO_LIMIT:
            _KEYS.clear()
        key = _KEYS[name] = fold(normalize_term(name))
    return key


def attribute_words(value: str) -> str:
    """An attribute value normalised, folded and padded with spaces, for whole-word tests."""
    words = _WORDS.get(value)
    if words is None:
        if len(_WORDS) > _MEMO_LIMIT:
            _WORDS.clear()
        words = _WORDS[value] = " " + _NON_ALNUM.sub(" ", fold(normalize_term(value))) + " "
    return words
