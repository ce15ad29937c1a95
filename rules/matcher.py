"""One Aho-Corasick automaton for every term of every rule, and one RE2 set per text variant.

Terms are registered while packs compile; :meth:`TermIndex.build` then makes a single automaton
keyed by the *folded* (diacritics-free) form. A scan of a listing's folded text finds every term in
one pass, whatever the number of rules; each raw match is then checked for whole-word boundaries
and, for terms written with diacritics, for compatible accents in the accent-preserving text:
"hàng giả" matches "hàng giả" and "hang gia" but never "hàng già". Words typed with only some of
their marks match when the span shows that marks were dropped (:func:`partial_accents`: "Thuôc
la", "hàng xach tay", "nôi đia"), and a one-syllable product type typed plain counts right next to
a foreign mark ("Tui LV", :meth:`TermIndex.scan`).
"""

from __future__ import annotations

import logging
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from typing import Any

import ahocorasick
import re2

from rules.text import SEPARATOR, fold, fold_pattern, normalize_term, one_syllable

logger = logging.getLogger(__name__)

# Scanning copy of folded text: anything but a letter or digit is a word boundary (a space).
_BOUNDARY = {cp: " " for cp in range(0x3000) if not chr(cp).isalnum()}
_BOUNDARY_BYTES = bytes(b if chr(b).isalnum() else 32 for b in range(128)) + bytes(range(128, 256))


def pad(folded: str) -> str:
    """The scanned form of folded text: a space either side, non-alphanumerics made spaces."""
    if folded.isascii():
        return (b" " + folded.encode("ascii").translate(_BOUNDARY_BYTES) + b" ").decode("ascii")
    return " " + folded.translate(_BOUNDARY) + " "


_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # grave, acute, tilde, hook, dot below


@lru_cache(maxsize=65536)
def _tone_key(word: str) -> tuple[str, str]:
    """(letters with vowel marks, tone): "hoà" and "hòa" (old and new tone placement) agree."""
    nfd = unicodedata.normalize("NFD", word)
    tone = "".join(c for c in nfd if c in _TONES)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES)), tone


_VOWELS = set("aăâeêioôơuưy")


def tone_variants(phrase: str, limit: int = 16) -> frozenset[str]:
    """The phrase with each word's tone mark on any of its vowels ("hòa" -> {"hòa", "hoà"}): old
    and new tone placement are both in use, so both must match."""
    options: list[list[str]] = []
    for word in phrase.split(" "):
        nfd = unicodedata.normalize("NFD", word)
        tone = "".join(c for c in nfd if c in _TONES)
        if not tone:
            options.append([word])
            continue
        bare = [c for c in nfd if c not in _TONES]
        spots = [i for i, c in enumerate(bare) if c in _VOWELS]
        found = {word}
        for i in spots:
            found.add(unicodedata.normalize("NFC", "".join(bare[: i + 1]) + tone + "".join(bare[i + 1 :])))
        options.append(sorted(found))
    out = [""]
    for opts in options:
        out = [f"{o} {w}".strip() if o else w for o in out for w in opts][:limit]
    return frozenset(out) | {phrase}


@lru_cache(maxsize=65536)
def accents_compatible(found: str, term: str, strict: bool = False) -> bool:
    """Whether text ``found`` (same folded form as ``term``) may be read as ``term``.

    Word by word: the same word, the same word with the tone mark on another vowel ("hoà" for
    "hòa"), or - unless ``strict`` - a word typed without any diacritics (the scanner passes
    ``strict`` unless the whole neighbourhood is plain, see :func:`typed_plain`).
    """
    fw, tw = found.split(" "), term.split(" ")
    if len(fw) != len(tw):
        return False
    for a, b in zip(fw, tw, strict=True):
        if a == b or (not strict and a == fold(a)):
            continue
        if _tone_key(a) != _tone_key(b):
            return False
    return True


@lru_cache(maxsize=65536)
def _strip_tone(word: str) -> tuple[str, str]:
    """(the word without its tone mark, the tone mark or ""), both NFC; same length as ``word``."""
    nfd = unicodedata.normalize("NFD", word)
    tone = "".join(c for c in nfd if c in _TONES)
    return unicodedata.normalize("NFC", "".join(c for c in nfd if c not in _TONES)), tone


_STOP_CODAS = ("c", "ch", "p", "t")


@lru_cache(maxsize=65536)
def partial_accents(found: str, term: str, lenient: bool = False) -> bool:
    """Whether ``found`` is ``term`` (same folded form, two words or more) typed with some of its
    diacritics left out, as people type in a hurry ("Thuôc la" for "thuốc lá", "hàng xach tay",
    "nôi đia").

    Each word must show a subset of the term word's marks: the same tone mark or none, and each
    letter as in the term or as its plain letter ("già" is never "giả": a different tone is a
    different word). A word left without some marks may well be another word ("gia" in "hàng gia
    dụng", "chưa" for "chữa", "ban thân" for "bán thận"), so the span must show that marks were
    dropped: a word that cannot be Vietnamese as written (a toneless syllable ending in c, ch, p or
    t: "xach", "thuôc"), or two words short of their marks, in a phrase of three words or more
    ("han sử dung") or each keeping some mark ("nôi đia"). ``lenient`` (terms that only confirm or
    cancel a rule that already fired: exclusions, context cues) accepts any one word short of its
    marks.
    """
    fw, tw = found.split(" "), term.split(" ")
    if len(fw) != len(tw) or len(fw) < 2:
        return False
    short = 0
    telling = False
    bare = 0  # words short of their marks that show none at all ("gia", "ban")
    for a, b in zip(fw, tw, strict=True):
        if a == b:
            continue
        base_a, tone_a = _strip_tone(a)
        base_b, tone_b = _strip_tone(b)
        if base_a == base_b and tone_a == tone_b:
            continue  # the tone mark on another vowel ("hoà" for "hòa")
        if tone_a and tone_a != tone_b:
            return False
        if len(base_a) != len(base_b):
            return False
        for x, y in zip(base_a, base_b, strict=True):
            if x != y and x != fold(y):
                return False
        short += 1
        if a == fold(a):
            bare += 1
        if not tone_a and tone_b and fold(a).endswith(_STOP_CODAS):
            telling = True
    if telling or (short and lenient):
        return True
    return short >= 2 and (len(tw) >= 3 or bare == 0)


def _foreign_word(term: str) -> bool:
    """A term in plain letters none of whose words can be a Vietnamese syllable: a foreign mark
    ("lv", "jordan", "chanel"), never a Vietnamese word typed plain ("huong", "cam", "lao")."""
    return (
        term.isascii() and any(c.isalpha() for c in term) and not any(one_syllable(w) for w in term.split())
    )


ACCENT_MODES = ("auto", "as_written", "strict", "any")
_AROUND = 12  # characters either side that must be plain too


def typed_plain(text: str, folded: str, start: int, end: int) -> bool:
    """Whether a span and its neighbourhood were typed without diacritics.

    "hang gia re" is "hàng giả rẻ" typed plain; in "bài thuốc gia truyền" the writer uses
    diacritics, so "gia" is the word "gia", not "giả" without its mark.
    """
    lo, hi = max(0, start - _AROUND), end + _AROUND
    cut = text.rfind(SEPARATOR, lo, start)  # the neighbourhood stays in the span's field
    if cut >= 0:
        lo = cut + 1
    cut = text.find(SEPARATOR, end, hi)
    if cut >= 0:
        hi = cut
    return text[lo:hi] == folded[lo:hi]


class TermIndex:
    """Registry of normalised terms, compiled into one automaton over folded text."""

    def __init__(self) -> None:
        self.texts: list[str] = []  # term id -> normalised term (accents kept)
        self._ids: dict[tuple[str, bool], int] = {}
        self._by_key: dict[str, list[tuple[int, str | None, bool]]] = {}
        self._loose: set[str] = set()
        self._as_written: set[int] = set()  # terms registered with accents="as_written"
        self._anchors: frozenset[int] = frozenset()  # as_written terms in plain letters (marks, cues)
        self.automaton = self.lazy_automaton = ahocorasick.Automaton()
        self._entries: list[Any] = []  # the automaton's values (see _build): empty if it has no key
        self._lazy_entries: list[Any] = []
        self._eager_ids: frozenset[int] = frozenset()

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, raw: str, *, accents: str = "auto", loose: bool = False) -> int | None:
        """Register a term; returns its id, or None if it normalises to nothing.

        ``accents``: ``auto`` - a term written without diacritics matches any accents, one written
        with diacritics matches those (or text typed without any); ``as_written`` - like auto, but
        a term without diacritics matches only text without them ("cap" never matches "cấp");
        ``strict`` - the accents as written, even where the text is typed without any;
        ``any`` - any accents.
        ``loose``: any punctuation between the words matches ("la coste" matches "la-coste").
        """
        norm = normalize_term(raw)
        if not norm:
            return None
        folded = fold(norm)
        if loose:
            self._loose.add(folded)
        form = None if accents == "any" or (accents == "auto" and folded == norm) else norm
        strict = accents == "strict"
        key = (norm if form is not None else folded, strict)
        tid = self._ids.get(key)
        if tid is None:
            tid = len(self.texts)
            self._ids[key] = tid
            self.texts.append(key[0])
            self._by_key.setdefault(folded, []).append((tid, form, strict))
        if accents == "as_written":
            self._as_written.add(tid)
        return tid

    def build(self, eager: set[int] | None = None) -> None:
        """Automata over word-padded keys: "rep 1:1" is stored as " rep 1 1 ", so raw matches
        happen only at word boundaries of the scanned text (punctuation turned into spaces).

        Terms in ``eager`` (those that can trigger a rule) go in the automaton scanned for every
        listing; the others (exclusions, cues, product types) in a second one, scanned only when
        a rule being evaluated needs them (``lazy=True``). Without ``eager``, all terms are eager.
        """
        self._eager_ids = frozenset(range(len(self.texts)) if eager is None else eager)
        self._anchors = frozenset(t for t in self._as_written if _foreign_word(self.texts[t]))
        self.automaton, self._entries = self._build({tid for tid in self._eager_ids})
        self.lazy_automaton, self._lazy_entries = self._build(set(range(len(self.texts))) - self._eager_ids)
        logger.debug(
            "term index: %d terms (%d eager), %d folded keys",
            len(self.texts),
            len(self._eager_ids),
            len(self._by_key),
        )

    def is_lazy(self, tid: int) -> bool:
        return tid not in self._eager_ids

    def _build(self, ids: set[int]) -> tuple[ahocorasick.Automaton, list[Any]]:
        automaton = ahocorasick.Automaton()
        by_scan: dict[str, list[tuple[str, bool, tuple[tuple[int, frozenset[str] | None, bool], ...]]]] = {}
        pads: dict[str, tuple[int, int]] = {}
        for folded, variants in self._by_key.items():
            chosen = [v for v in variants if v[0] in ids]
            if not chosen:
                continue
            pad_l, pad_r = int(folded[0].isalnum()), int(folded[-1].isalnum())
            scan_key = " " * pad_l + folded.translate(_BOUNDARY) + " " * pad_r
            check = not folded.isalnum() and folded not in self._loose
            with_forms = tuple((tid, None if f is None else tone_variants(f), st) for tid, f, st in chosen)
            by_scan.setdefault(scan_key, []).append((folded, check, with_forms))
            pads[scan_key] = (pad_l, pad_r)
        entries: list[Any] = []
        for scan_key, cands in by_scan.items():
            # For a quick "no" in scan(): when every term of the key wants accents (forms), text
            # showing none of the forms matches only as plain-typed words of a non-strict term.
            variants = [v for _, _, vs in cands for v in vs]
            forms = None
            if all(f is not None for _, f, _ in variants):
                forms = frozenset().union(*(f for _, f, _ in variants))
            plain = any(not st for _, _, st in variants)
            # One syllable written with diacritics and registered as_written (product types such
            # as "túi", "giày", "áo"): typed plain, it counts right next to a plain as_written term
            # ("Tui LV", "giay Jordan"), see scan().
            next_to = tuple(
                tid
                for _, _, vs in cands
                for tid, f, st in vs
                if f is not None and not st and tid in self._as_written and " " not in self.texts[tid]
            )
            pad_l, pad_r = pads[scan_key]
            # The automaton's value is the entry itself: (characters from the term's start to the
            # key's last character, right pad, candidates, forms, plain, next_to).
            entry = (len(scan_key) - pad_l, pad_r, tuple(cands), forms, plain, next_to)
            automaton.add_word(scan_key, entry)
            entries.append(entry)
        if entries:
            automaton.make_automaton()
        return automaton, entries

    def scan(
        self,
        folded: str,
        text: str,
        seps: list[int] | None = None,
        kinds: list[int] | None = None,
        lazy: bool = False,
        padded: str | None = None,
    ) -> dict[int, list[tuple[int, int, int]]]:
        """Term id -> spans ``(start, end, field kind)`` of whole-word matches in the normalised text.

        ``seps`` are the positions of the field separators and ``kinds`` the kind of each field
        (0 when not given); matches arrive in text order, so the field is tracked as we go.
        ``padded``: :func:`pad` of ``folded``, if the caller has it.
        """
        found: dict[int, list[tuple[int, int, int]]] = {}
        entries = self._lazy_entries if lazy else self._entries
        if not entries:
            return found
        automaton = self.lazy_automaton if lazy else self.automaton
        seps = seps or []
        kinds = kinds or [0]
        field, kind = 0, kinds[0]
        next_sep = seps[0] if seps else 1 << 62
        if padded is None:
            padded = pad(folded)
        pending: list[tuple[int, int, int]] = []
        for end, (back, pad_r, cands, any_forms, plain, next_to) in automaton.iter(padded):
            start = end - back  # in folded: padded has one extra leading space
            stop = end - pad_r
            if any_forms is not None:
                seen = text[start:stop]
                if seen not in any_forms and (not plain or " " not in seen):
                    if next_to and seen == folded[start:stop]:
                        pending.extend((tid, start, stop) for tid in next_to)  # next to a mark?
                    continue  # no term of this key accepts these accents (the checks below agree)
            while start > next_sep:
                field += 1
                kind = kinds[field]
                next_sep = seps[field] if field < len(seps) else 1 << 62
            for key_text, check, variants in cands:
                if check and folded[start:stop] != key_text:  # "rep 1:1" is not "rep,1 1"
                    continue
                for tid, forms, strict in variants:
                    if forms is not None:
                        seen = text[start:stop]
                        if (
                            seen not in forms
                            and (
                                strict
                                or " " not in seen  # one plain syllable is ambiguous: "gia" is giá, già, giả
                                or not (
                                    (seen == folded[start:stop] and typed_plain(text, folded, start, stop))
                                    or partial_accents(seen, self.texts[tid], lazy)
                                )
                            )
                        ):
                            if tid in next_to and seen == folded[start:stop]:
                                pending.append((tid, start, stop))  # a plain syllable: next to a mark?
                            continue
                    spans = found.get(tid)
                    if spans is None:
                        found[tid] = [(start, stop, kind)]
                    elif len(spans) < 32:  # enough evidence; bounds work on adversarial input
                        spans.append((start, stop, kind))
        if pending:
            self._next_to_anchor(pending, found, text, seps, kinds)
        return found

    def _next_to_anchor(
        self,
        pending: list[tuple[int, int, int]],
        found: dict[int, list[tuple[int, int, int]]],
        text: str,
        seps: list[int],
        kinds: list[int],
    ) -> None:
        """Accept plain single syllables of as_written terms found one space from an anchor (a
        plain as_written term such as a brand word): "Tui LV", "giay Jordan"."""
        after: set[int] = set()  # where a word right after an anchor starts
        before: set[int] = set()  # where a word right before an anchor ends
        for tid, spans in found.items():
            if tid in self._anchors:
                for s, e, _ in spans:
                    after.add(e + 1)
                    before.add(s - 1)
        if not after:
            return
        for tid, start, stop in pending:
            if not ((start in after and text[start - 1] == " ") or (stop in before and text[stop] == " ")):
                continue
            field = bisect_right(seps, start)
            kind = kinds[field] if field < len(kinds) else kinds[-1]
            spans = found.setdefault(tid, [])
            if (start, stop, kind) not in spans and len(spans) < 32:
                spans.append((start, stop, kind))


class RegexIndex:
    """RE2 patterns of all rules, prefiltered by one RE2 set over the folded text.

    A pattern without diacritics runs on the folded text. A pattern written with diacritics runs
    on the accent-preserving text and, folded, on the folded text, where a match counts only if
    that stretch of the listing was typed without any diacritics ("xach tay nhat") - the regex
    counterpart of keyword accent matching. All patterns are case-insensitive.
    """

    def __init__(self) -> None:
        self.patterns: list[str] = []
        self._acc: list[re2._Regexp | None] = []  # on the accent-preserving text
        self._fold: list[re2._Regexp] = []  # on the folded text
        self._set: re2.Set | None = None
        self._members: list[int] = []  # set index -> pattern index
        self._member_set: frozenset[int] = frozenset()

    @staticmethod
    def _compile(pattern: str) -> re2._Regexp:
        options = re2.Options()
        options.case_sensitive = False
        options.log_errors = False
        options.max_mem = 32 << 20
        return re2.compile(pattern.encode("utf-8"), options)

    def add(self, pattern: str) -> int:
        """Register a pattern; raises ``re2.error`` if RE2 cannot compile it."""
        folded = fold_pattern(pattern)
        acc = self._compile(pattern) if folded != pattern else None
        fold_re = self._compile(folded)
        self.patterns.append(pattern)
        self._acc.append(acc)
        self._fold.append(fold_re)
        return len(self.patterns) - 1

    def build(self, triggers: set[int] | None = None) -> None:
        """One RE2 set of the folded form of the patterns that trigger rules (a superset prefilter
        for both variants); the others (exclusions) only run for rules that are evaluated anyway.
        The set gets a large DFA budget: with RE2's default the DFA cache thrashes on long texts."""
        self._set = None
        self._members = sorted(range(len(self.patterns)) if triggers is None else triggers)
        self._member_set = frozenset(self._members)
        if self._members:
            options = re2.Options()
            options.case_sensitive = False
            options.log_errors = False
            options.max_mem = 64 << 20
            self._set = re2.Set.SearchSet(options)
            for i in self._members:
                self._set.Add(fold_pattern(self.patterns[i]).encode("utf-8"))
            self._set.Compile()

    def in_set(self, index: int) -> bool:
        return index in self._member_set

    def matching(self, folded_bytes: bytes) -> list[int]:
        """Indices of trigger patterns that may match (one RE2 set pass over the folded text)."""
        if self._set is None:
            return []
        found = self._set.Match(folded_bytes)
        return [self._members[i] for i in found] if found else []

    def spans(
        self, index: int, text: str, folded: str, text_bytes: bytes, folded_bytes: bytes
    ) -> list[tuple[int, int]]:
        """Character spans of pattern ``index`` (see the class docstring)."""
        acc = self._acc[index]
        out: list[tuple[int, int]] = []
        if acc is not None:
            out.extend(_spans(acc, text_bytes))
        for s, e in _spans(self._fold[index], folded_bytes):
            if acc is None or typed_plain(text, folded, s, e):
                out.append((s, e))
        return sorted(set(out))[:16]


def _spans(regex: re2._Regexp, data: bytes, limit: int = 16) -> list[tuple[int, int]]:
    """Character spans of ``regex`` in UTF-8 ``data`` (byte offsets converted back)."""
    if _RAW_MATCH:
        return _raw_spans(regex._regexp, data, limit)
    out: list[tuple[int, int]] = []
    ascii_only = data.isascii()
    for m in regex.finditer(data):
        s, e = m.span()
        if e == s:
            continue
        if not ascii_only:
            s, e = len(data[:s].decode("utf-8", "ignore")), len(data[:e].decode("utf-8", "ignore"))
        out.append((s, e))
        if len(out) >= limit:
            break
    return out


def _raw_spans(raw: Any, data: bytes, limit: int) -> list[tuple[int, int]]:
    """:func:`_spans` on the compiled RE2 object itself: the matches ``finditer`` gives on bytes
    (the same walk as the wrapper's), without a generator and a match object per step."""
    out: list[tuple[int, int]] = []
    ascii_only = data.isascii()
    pos, n = 0, len(data)
    match = raw.Match
    while True:
        s, e = match(_UNANCHORED, data, pos, n)[0]
        if s < 0:
            break
        if e != s:
            if ascii_only:
                out.append((s, e))
            else:
                out.append((len(data[:s].decode("utf-8", "ignore")), len(data[:e].decode("utf-8", "ignore"))))
            if len(out) >= limit:
                break
        if pos == n:
            break
        pos = pos + 1 if pos == e else e
    return out


def _raw_match_works() -> bool:
    """Whether this google-re2 exposes the compiled object as the wrapper does (``_regexp``,
    ``_Anchor``) and it finds what ``finditer`` finds; otherwise :func:`_spans` uses finditer."""
    try:
        probe = re2.compile(rb"a+|x*")
        want = [m.span() for m in probe.finditer(b"baaxxa a")]
        got, pos = [], 0
        while pos <= 8:
            s, e = probe._regexp.Match(_UNANCHORED, b"baaxxa a", pos, 8)[0]
            if s < 0:
                break
            got.append((s, e))
            if pos == 8:
                break
            pos = pos + 1 if pos == e else e
        return got == want
    except Exception:  # pragma: no cover - another version of the binding
        return False


_UNANCHORED = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
_RAW_MATCH = _raw_match_works()
