"""Text normalisation for matching, with an offset map back to the original text.

:func:`normalize` turns listing text into two aligned strings of equal length:

* ``text``: NFC, lower case (Vietnamese-aware), zero-width and control characters removed,
  stylised letters folded (NFKC: full-width, mathematical alphanumerics, circled letters),
  homoglyphs folded (Cyrillic/Greek look-alikes), leetspeak undone inside alphabetic tokens
  ("ch@nel", "d10r", "nộ1 đị4" after a Vietnamese letter; never "500ml", "1:1", "2024", "f1",
  "ps4", "$50"), runs of single letters rejoined ("f.a.k.e", "r e p", "v🔥a🔥p🔥e"; a wider gap
  between letters spaced one apart is a word break: "h à n g  n ộ i" → "hàng nội"), one "." or
  "_" inside a word removed ("va.pe", "fa_ke", "xá.ch t.ay") or, between two words, made a space
  ("hàng.fake", "order_taobao"), whitespace runs collapsed and teencode expanded ("ko" →
  "không", "hàg" → "hàng", see :mod:`rules.textdata`). Diacritics are kept.
  Disguises undone too: the marks after a stylised letter are kept ("𝘁𝗵𝘂𝗼̂́𝗰" → "thuốc"), words
  run together are broken where a side is Vietnamese ("DaoGăm", "Giảm10cmVòngEo"; not "iPhone",
  "SamSung"), letters split by emoji are rejoined with the spaces between words kept ("Q⭐u⭐á
  d⭐a⭐t⭐e" → "quá date"), and dotted dates ("h.s.d t.8./.2.0.2.6" → "hsd t8/2026"), and leet
  digits 5/7/8/9 and "!"/"@" are undone where the word becomes Vietnamese ("7rị", "Thá! L@n").
* ``folded``: ``text`` without diacritics ("đ" → "d"), character for character.

Every step that changes the length records its edits, so :meth:`NormText.to_original` maps any
span of the normalised text back to a span of the original. Steps that keep the length are plain
substitutions. The common case (ordinary Vietnamese text) runs on C-level string methods and
pre-compiled regular expressions only: text in the common alphabet (ASCII and Vietnamese letters,
:mod:`rules.charmap`) is also held one byte per character, so that each pass's "does this apply?"
test is a substring search and folding a byte translation. Decomposed (NFD) text, a quarter of
real titles, is composed letter by letter (:func:`_nfc`) and then takes the same one-byte path.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

import ahocorasick

from rules.charmap import Charmap, vietnamese_letters
from rules.textdata import (
    CAMEL_KEEP,
    HOMOGLYPHS,
    LEET,
    LEET_EXTRA,
    PUNCTUATION,
    TEENCODE,
    UPPER_HOMOGLYPHS,
    VN_DISTINCT_ONSETS,
    VN_DISTINCT_RHYME_PARTS,
    VN_ONSETS,
    VN_RHYMES,
)

logger = logging.getLogger(__name__)

SEPARATOR = "\x00"  # joins the fields of one listing; survives normalisation unchanged

_RANGES = (
    (0x80, 0x3040), (0xFB00, 0xFB50), (0xFE00, 0xFE70), (0xFEFF, 0xFFF0),
    (0x1D400, 0x1D800), (0x1F000, 0x1FB00), (0xE0000, 0xE0080), (0xE0100, 0xE01F0),
)  # fmt: skip
_GENERIC_MARKS = (
    (0x300, 0x370),
    (0x1AB0, 0x1B00),
    (0x1DC0, 0x1E00),
    (0x20D0, 0x2100),
    (0xFE00, 0xFE10),
    (0xFE20, 0xFE30),
)
_SYMBOL_LETTERS = ((0x1F170, 0x1F18A), (0x1F150, 0x1F16A), (0x1F1E6, 0x1F200))  # 🅰 🅐 🇦 -> a..z


def _accented_homoglyph(c: str) -> str | None:
    """The Latin letter a look-alike letter with marks stands for: its base's homoglyph with the
    same marks, if that is one character ("ӑ" -> "ă", "ά" -> "á"); else None."""
    d = unicodedata.normalize("NFD", c)
    if len(d) < 2 or d[0] not in HOMOGLYPHS or not all(unicodedata.combining(m) for m in d[1:]):
        return None
    out = unicodedata.normalize("NFC", HOMOGLYPHS[d[0]] + d[1:])
    return out if len(out) == 1 else None


def _build_tables() -> tuple[dict[str, str], dict[str, str], set[str]]:
    """Return (map 1:1 after lower-casing, special pre-lower replacements, combining marks)."""
    mapping: dict[str, str] = {}
    special: dict[str, str] = {"\r": "", "İ": "i", **UPPER_HOMOGLYPHS}
    marks: set[str] = set()
    for start, stop in _RANGES:
        for cp in range(start, stop):
            c = chr(cp)
            cat = unicodedata.category(c)
            if cat in ("Mn", "Me", "Cf", "Cc") and cp > 0xFFFF:
                mapping[c] = " "  # tags and supplementary variation selectors
                continue
            if cat in ("Mn", "Me"):
                if any(lo <= cp < hi for lo, hi in _GENERIC_MARKS):
                    marks.add(c)
                continue  # script-specific marks (Thai, Devanagari...) belong to their letters
            if cat in ("Cf", "Cc"):
                special[c] = ""
                continue
            nf = unicodedata.normalize("NFKC", c)
            if nf != c and len(nf) > 1:
                inner = nf[1:-1] if len(nf) == 3 and nf[0] == "(" and nf[-1] == ")" else nf
                if inner.isalnum() and cat[0] in "LNS":
                    special[c] = "".join(HOMOGLYPHS.get(ch, ch) for ch in inner.lower())
                elif c not in PUNCTUATION:
                    mapping[c] = " "
                continue
            low = nf.lower() if len(nf.lower()) == 1 else nf
            low = HOMOGLYPHS.get(low, low)
            if low == c and (accented := _accented_homoglyph(c)):
                low = accented  # Cyrillic "ӑ" is "ă", Greek "ά" is "á"
            if low != c:
                mapping[c] = low
            elif cat in ("So", "Sk", "Co") and c != "°":
                mapping[c] = " "
    for first, last in _SYMBOL_LETTERS:
        for cp in range(first, last):
            mapping[chr(cp)] = chr(ord("a") + cp - first)
    mapping.update(PUNCTUATION)
    mapping["₫"] = "đ"
    for c, v in HOMOGLYPHS.items():
        mapping.setdefault(c, v)
    # lower() runs first: keys it changes never occur, and identity entries would only cost time
    mapping = {c: v for c, v in mapping.items() if c.lower() == c and v != c}
    special.pop("\n", None)
    special.pop("\t", None)
    special.pop(SEPARATOR, None)
    return mapping, special, marks


def _char_class(chars: set[str] | dict[str, str]) -> str:
    """A regex character class covering exactly ``chars``, compressed into ranges."""
    cps = sorted(ord(c) for c in chars)
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = re.escape(chr(cps[i])), re.escape(chr(cps[j]))
        parts.append(lo if i == j else f"{lo}-{hi}")
        i = j + 1
    return "[" + "".join(parts) + "]"


_MAP, _SPECIAL, _MARKS = _build_tables()
_MARK_CLASS = _char_class(_MARKS)
_SPECIAL_HINT = re.compile(_char_class({c for c in _SPECIAL if ord(c) < 0x10000} | _MARKS))
_SPECIAL_RE = re.compile(f"[^{_MARK_CLASS[1:-1]}]?{_MARK_CLASS}+|{_char_class(_SPECIAL)}")
# Astral characters (emoji, mathematical letters) are matched as one range: sre is slow on long
# lists of astral ranges. Characters the map does not know come back unchanged.
_EXOTIC_RE = re.compile(
    _char_class({c for c in _MAP if 0x7F < ord(c) < 0x10000 or c in "\t\x0b\x0c"})[:-1]
    + "\U00010000-\U0010ffff]"
)
_WS_RE = re.compile(r"[ \n]{2,}")
_TOKEN_RE = re.compile(r"[\w@$!]+")
_TOKEN_TAIL = re.compile(r"[\w@$!]+$")
_SPLIT_RE = re.compile(r"(?<![\w@$])[^\W\d_](?:[ .\-_*+~|']{1,3}[^\W\d_](?![\w@$])){2,}")
_SPLIT_SEP = re.compile(r"[ .\-_*+~|']+")
_SPLIT_SEP_NOSPACE = re.compile(r"[.\-_*+~|']+")
_WORD_GAP = re.compile(r"[.\-_*+~|']* {2,}[.\-_*+~|']*")
_FOLD_TABLE = {
    cp: unicodedata.normalize("NFD", chr(cp))[0]
    for cp in range(0xC0, 0x2000)
    if unicodedata.normalize("NFD", chr(cp))[0].isascii() and len(unicodedata.normalize("NFD", chr(cp))) > 1
} | {ord("đ"): "d", ord("Đ"): "D"}
_FOLD_STR = "".join(_FOLD_TABLE.get(cp, chr(cp)) for cp in range(0x2000))
_LEET_CHARS = frozenset(LEET)
_NON_LEET_DIGITS = frozenset("2689")

_LETTER = "a-z\u00e0-\u1ef9"
_LEET_HINT = re.compile(f"[0134578@$!](?<=[{_LETTER}].)|\\$(?=[{_LETTER}])")  # a leet char after a letter
_SPLIT_HINT = re.compile(f"[ .\\-_*+~|'][{_LETTER}][ .\\-_*+~|']")
_JAMO_RE = re.compile("[\u1100-\u11ff\ua960-\ua97f\ud7b0-\ud7ff]")
_SPECIAL_SUB = re.compile(_char_class(set(_SPECIAL) | _MARKS))
_TEEN_KEYS = ahocorasick.Automaton()  # teencode keys, for the expansion pass
_TEEN_HINTS = ahocorasick.Automaton()  # the same keys after a word boundary: does a text need the pass?
for _key, _rep in TEENCODE.items():
    _TEEN_KEYS.add_word(_key, (len(_key), _rep))
    for _before in " \n\x00([{,.;:/-\"'":
        _TEEN_HINTS.add_word(_before + _key, 1)
_TEEN_KEYS.make_automaton()
_TEEN_HINTS.make_automaton()


class PassMap:
    """The edits one normalisation step made: output spans back to input spans.

    Built lazily: a step records its input and how to recompute its edits, and the arrays are
    only made when a hit's span is mapped back (most listings have no hits).
    """

    __slots__ = ("in_s", "in_e", "out_s", "out_e", "_src", "_edits", "_out_len")

    def __init__(
        self,
        src: str = "",
        edits: Callable[[str], list[tuple[int, int, str]]] | None = None,
        out_len: int = 0,
    ) -> None:
        self.in_s: list[int] = []
        self.in_e: list[int] = []
        self.out_s: list[int] = []
        self.out_e: list[int] = []
        self._src, self._edits, self._out_len = src, edits, out_len

    def _build(self) -> None:
        edits, self._edits = self._edits, None
        assert edits is not None
        shift = 0
        for s, e, r in edits(self._src):
            self.in_s.append(s)
            self.in_e.append(e)
            self.out_s.append(s + shift)
            self.out_e.append(s + shift + len(r))
            shift += len(r) - (e - s)
        if len(self._src) + shift != self._out_len:  # pragma: no cover - NFC singletons next to marks
            logger.debug(
                "offset map approximated: edits give %d chars, output has %d",
                len(self._src) + shift,
                self._out_len,
            )
            self.in_s, self.in_e, self.out_s, self.out_e = [0], [len(self._src)], [0], [self._out_len]

    def char_range(self, i: int) -> tuple[int, int]:
        if self._edits is not None:
            self._build()
        k = bisect_right(self.out_s, i) - 1
        if k < 0:
            return i, i + 1
        if i < self.out_e[k]:
            return self.in_s[k], self.in_e[k]
        d = self.in_e[k] + (i - self.out_e[k])
        return d, d + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            a = self.char_range(start)[0]
            return a, a
        return self.char_range(start)[0], self.char_range(end - 1)[1]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, PassMap]:
    """Apply sorted, non-overlapping edits ``(start, end, replacement)``."""
    pieces: list[str] = []
    pos = 0
    for s, e, r in edits:
        pieces.append(text[pos:s])
        pieces.append(r)
        pos = e
    pieces.append(text[pos:])
    out = "".join(pieces)
    return out, PassMap(text, lambda _src: edits, len(out))


def _lazy(src: str, out: str, edits: Callable[[str], list[tuple[int, int, str]]]) -> PassMap:
    return PassMap(src, edits, len(out))


def _special_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _SPECIAL_RE.finditer(text):
        chunk = m.group()
        if len(chunk) == 1 and chunk in _SPECIAL:
            edits.append((m.start(), m.end(), _SPECIAL[chunk]))
            continue
        composed = unicodedata.normalize("NFC", chunk)
        if len(composed) > 1 and composed[0] in _STYLED:  # "𝘁𝗵𝘂𝗼̂́𝗰": keep the marks
            edits.append((m.start(), m.end(), _styled_compose(composed)))
            continue
        rep = "".join(_SPECIAL.get(ch, ch) for ch in composed if ch not in _MARKS)
        if rep != chunk:
            edits.append((m.start(), m.end(), rep))
    return edits


def _token_tail(text: str, lo: int, hi: int) -> int:
    """Where ``_TOKEN_TAIL.search(text, lo, hi)`` starts, or -1: the first position from ``lo`` of
    the run of token characters ending at ``hi`` (or, as ``$`` allows, before a newline at ``hi``).
    A walk back instead of a search that retries every start position."""
    end = hi - 1 if hi > lo and text[hi - 1] == "\n" else hi
    p = end
    while p > lo and (text[p - 1].isalnum() or text[p - 1] in "_@$!"):
        p -= 1
    return p if p < end else -1


def _deleet(tok: str) -> str | None:
    """Undo leetspeak inside one alphabetic token, or None to leave it alone (memoised)."""
    if tok in _DELEET:
        return _DELEET[tok]
    if len(_DELEET) > 100_000:
        _DELEET.clear()
    out = _DELEET[tok] = _deleet_token(tok)
    return out


_DELEET: dict[str, str | None] = {}


def _deleet_token(tok: str) -> str | None:
    if tok[0] == "@" or not _NON_LEET_DIGITS.isdisjoint(tok):
        return None
    letters = sum(1 for ch in tok if ch.isalpha())
    if letters < 2:
        return None
    chars = list(tok)
    n, i, changed = len(tok), 0, False
    while i < n:
        if tok[i] not in _LEET_CHARS:
            i += 1
            continue
        j = i
        while j < n and tok[j] in _LEET_CHARS:
            j += 1
        left = i > 0 and tok[i - 1].isalpha()
        right = j < n and tok[j].isalpha()
        run = tok[i:j]
        if left and right:
            ok = j - i <= 2 and ("!" not in run or (tok[i - 1].isascii() and tok[j].isascii()))
        elif right:  # leading symbol: "$upreme" (digits first are sizes/units: "500ml", "3ce")
            ok = run == "$"
        elif left:  # trailing: "gucc1", "adida$" after a real word stem; "nộ1", "đị4" after a
            # Vietnamese letter with diacritics (model numbers never follow one: "s4", "ps4" stay)
            ok = j - i == 1 and (
                (run in "1035$" and letters >= 3) or (run in "01345" and not tok[i - 1].isascii())
            )
        else:
            ok = False
        if ok:
            for k in range(i, j):
                chars[k] = LEET[tok[k]]
            changed = True
        i = j
    return "".join(chars) if changed else None


def _leet(text: str, cls: bytes | None = None) -> str:
    """Undo leetspeak token by token; ``cls``: the text's hint classes (see :data:`_CLASSES`)."""
    pieces: list[str] = []
    pos = 0  # text[:pos] is already emitted; pos is always at a token boundary
    done = 0  # tokens before this position have been looked at
    hints = (m.start() for m in _LEET_HINT.finditer(text)) if cls is None else _leet_hints(cls)
    for ts in hints:
        if ts < done:
            continue
        back = _token_tail(text, max(done, ts - 32), ts)  # the token's start, within reach
        if back >= 0:
            ts = back
        m = _TOKEN_RE.match(text, ts)
        if m is None:  # pragma: no cover - the hint always starts a token character
            continue
        done = m.end()
        rep = _deleet(m.group())
        if rep is not None:
            pieces.append(text[pos:ts])
            pieces.append(rep)
            pos = m.end()
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def _rejoin(run: str) -> str:
    """ "f.a.k.e" -> "fake", "r e p" -> "rep", "h.à.n.g x.á.c.h" -> "hàng xách" (spaces kept
    between dotted words), "h à n g  n ộ i" -> "hàng nội" (a wider gap between letters spaced one
    apart is a word break)."""
    if "  " in run:
        gaps = _SPLIT_SEP.findall(run)
        if any(len(g) == 1 for g in gaps):
            return " ".join(_SPLIT_SEP.sub("", w) for w in _WORD_GAP.split(run) if w)
    if run.strip(" ").count(" ") and _SPLIT_SEP_NOSPACE.search(run):
        return " ".join(_SPLIT_SEP_NOSPACE.sub("", w) for w in run.split())
    return _SPLIT_SEP.sub("", run)


def _fold(text: str) -> str:
    if text.isascii():
        return text
    if _FAST_FOLD is not None:  # the common alphabet: a byte translation (C), as in normalize()
        enc = _FAST_FOLD[0].encode(text)
        if enc is not None:
            return enc.translate(_FAST_FOLD[1]).decode("ascii")
    # A str table indexed by code point: translate() maps each Latin letter with diacritics to its
    # base letter and leaves everything past the table (CJK, Thai...) as it is; same length. It
    # looks each character up through __getitem__ (about 0.1 us a character).
    return text.replace("đ", "d").translate(_FOLD_STR)


_FAST_FOLD: tuple[Charmap, bytes] | None = None  # (_CHARMAP, _FOLD_BYTES), once they exist


def fold(text: str) -> str:
    """Diacritics-free form of already lower-cased text ("đ" → "d"), same length."""
    return _fold(text)


def fold_pattern(pattern: str) -> str:
    """A regex pattern with its Latin letters' diacritics removed (regex syntax is ASCII)."""
    return pattern.translate(_FOLD_TABLE)


@dataclass(slots=True)
class NormText:
    original: str
    text: str
    folded: str
    passes: tuple[PassMap, ...] = ()
    changed: bool = True  # False: ``text`` is exactly ``original.lower()``

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the original it came from."""
        for pm in reversed(self.passes):
            start, end = pm.span(start, end)
        return start, end


_TEEN_BEFORE = frozenset(" \n\x00([{,.;:/-\"'")  # what _TEEN_HINTS puts before a key


def _teen_pass(text: str) -> list[tuple[int, int, str]]:
    """:func:`_teen_edits` if the text has a hint (see _TEEN_HINTS), else none: one scan for both."""
    found: list[tuple[int, int, str]] = []
    hinted = False
    n = len(text)
    for end, (length, rep) in _TEEN_KEYS.iter(text):
        start, stop = end + 1 - length, end + 1
        if start == 0 or text[start - 1] in _TEEN_BEFORE:
            hinted = True
        elif text[start - 1].isalnum() or text[start - 1] == "_":
            continue
        if stop < n and (text[stop].isalnum() or text[stop] == "_"):
            continue
        found.append((start, stop, rep))
    if not hinted or len(found) < 2:
        return found if hinted else []
    found.sort(key=lambda e: (e[0], e[0] - e[1]))  # leftmost, then longest
    edits: list[tuple[int, int, str]] = []
    for e in found:
        if not edits or e[0] >= edits[-1][1]:
            edits.append(e)
    return edits


def _teen_splice(enc: bytes, edits: list[tuple[int, int, str]]) -> bytes | None:
    """``_apply`` of teencode ``edits`` on one-byte text: the replacements' bytes spliced in (None if
    one is outside the common alphabet)."""
    pieces: list[bytes] = []
    pos = 0
    for s, e, r in edits:
        b = _TEEN_ENC.get(r)
        if b is None:
            return None
        pieces.append(enc[pos:s])
        pieces.append(b)
        pos = e
    pieces.append(enc[pos:])
    return b"".join(pieces)


def _teen_edits(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for end, (length, rep) in _TEEN_KEYS.iter(text):
        start, stop = end + 1 - length, end + 1
        if (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")) or (
            stop < len(text) and (text[stop].isalnum() or text[stop] == "_")
        ):
            continue
        found.append((start, stop, rep))
    found.sort(key=lambda e: (e[0], e[0] - e[1]))  # leftmost, then longest
    edits: list[tuple[int, int, str]] = []
    for e in found:
        if not edits or e[0] >= edits[-1][1]:
            edits.append(e)
    return edits


def _nfc_reference(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _nfc(text: str) -> str:
    """``unicodedata.normalize("NFC", text)``, composing only the letters followed by marks.

    Whole-text NFC decomposes and recomposes every character: on NFD Vietnamese (a quarter of
    real Sendo titles) it cost a fifth of the normaliser. In text of the common alphabet and the
    Vietnamese combining marks, each letter and the marks after it are composed on their own
    (memoised: they are accented letters, which repeat across listings). The result is canonically
    equivalent to ``text``, so when it is in NFC it is exactly NFC of ``text``; otherwise (marks
    after a digit, marks that do not compose), and for any other text, the whole text is
    normalised.
    """
    enc = _NFC_CHARMAP.encode(text)
    if enc is None:
        return unicodedata.normalize("NFC", text)
    cls = enc.translate(_NFC_MARK_CLASSES)  # "m": a combining mark, " ": anything else
    i = cls.find(b"m")
    if i < 0:
        return text
    pieces: list[str] = []
    pos = 0
    while i >= 0:
        j = cls.find(b" ", i)
        if j < 0:
            j = len(cls)
        start = max(i - 1, pos)  # the letter before the marks
        pieces.append(text[pos:start])
        run = text[start:j]
        out = _NFC_RUNS.get(run)
        if out is None:
            if len(_NFC_RUNS) > 10_000:
                _NFC_RUNS.clear()
            out = _NFC_RUNS[run] = unicodedata.normalize("NFC", run)
        pieces.append(out)
        pos = j
        i = cls.find(b"m", j)
    pieces.append(text[pos:])
    out = "".join(pieces)
    return out if unicodedata.is_normalized("NFC", out) else unicodedata.normalize("NFC", text)


_NFC_RUNS: dict[str, str] = {}  # a letter and its marks -> composed; bounded


def _special_fast(text: str, nfc: Callable[[str], str] = _nfc) -> str:
    """What applying :func:`_special_edits` gives, via whole-text NFC (``nfc``: :func:`_nfc`, or
    :func:`_nfc_reference` for :func:`normalize_reference`)."""
    if _JAMO_RE.search(text):  # Hangul jamo compose without marks: stay cluster by cluster
        return _apply(text, _special_edits(text))[0]
    out = nfc(text)
    if _CHARMAP.encode(out) is not None:  # composed accents only: no mark or special left
        return out
    out = _styled_marks(out)
    if _SPECIAL_HINT.search(out):
        out = _SPECIAL_SUB.sub(lambda m: _SPECIAL.get(m.group(), ""), out)
    return out


def _ws_rep(m: re.Match[str]) -> str:
    return "\n" if "\n" in m.group() else " "


def _ws_edits(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), _ws_rep(m)) for m in _WS_RE.finditer(text)]


def _split_edits(text: str, cls: bytes | None = None) -> list[tuple[int, int, str]]:
    """Runs of single letters, found from the hints (a letter between separators): walk back to
    the run's first letter and match the run there, instead of scanning the whole text."""
    edits: list[tuple[int, int, str]] = []
    done = 0
    for hint in (m.start() for m in _SPLIT_HINT.finditer(text)) if cls is None else _split_hints(cls):
        i = hint + 1  # the letter
        if i < done:
            continue
        while True:  # step back over "<letter><separators>" while the letter stands alone
            j = i - 1
            while j >= 0 and i - j <= 3 and text[j] in _SEPS:
                j -= 1
            if j < done or j == i - 1 or not text[j].isalpha() or (j > 0 and _wordish(text[j - 1])):
                break
            i = j
        m = _SPLIT_RE.match(text, i)
        if m is not None:
            edits.extend(_rejoin_edits(m.group(), m.start()))
            done = m.end()
    return edits


def _rejoin_edits(run: str, at: int) -> list[tuple[int, int, str]]:
    """The edits rejoining ``run`` (at offset ``at``): one per word when wider gaps break it into
    words, so that each word maps back to its own letters; else one for the whole run."""
    out = _rejoin(run)
    if " " not in out or "  " not in run:
        return [(at, at + len(run), out)]
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for gap in _WORD_GAP.finditer(run):
        edits.append((at + pos, at + gap.start(), _SPLIT_SEP.sub("", run[pos : gap.start()])))
        edits.append((at + gap.start(), at + gap.end(), " "))
        pos = gap.end()
    edits.append((at + pos, at + len(run), _SPLIT_SEP.sub("", run[pos:])))
    if " ".join(r for _, _, r in edits if r != " ") != out:  # pragma: no cover - _rejoin disagrees
        return [(at, at + len(run), out)]
    return edits


_SEPS = frozenset(" .-_*+~|'")
# One "." or "_" inside a word ("va.pe", "fa_ke", "hà.ng", "t.rị") or between two words
# ("hàng.fake", "order_taobao"). A piece of one or two letters is part of a split word when the
# whole is a word: Vietnamese pieces only when they make one Vietnamese syllable ("n.ội" but not
# "p.tân"), other pieces when the whole is short ("da.te", "h.sd"). Otherwise the mark is a space.
_INNER_BEFORE = frozenset("@$.-'_")
_INNER_MAX = 24  # longer pieces are not words: leave them alone
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def one_syllable(word: str) -> bool:
    """Whether ``word`` (lower case, Vietnamese letters) can be one Vietnamese syllable."""
    if _SYLLABLE.fullmatch(_fold(word)) is None:
        return False
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in _TONE_MARKS) <= 1


def _inner_marks(text: str, first: bool = False) -> list[int]:
    """Positions of "." and "_" between two letters, in order (a few finds instead of a regex:
    sentences have many marks, few of them inside words); ``first``: stop at the first one."""
    n = len(text)
    found: list[int] = []
    for mark in "._":
        i = text.find(mark, 1)
        while 0 < i < n - 1:
            if text[i - 1].isalpha() and text[i + 1].isalpha():
                if first:
                    return [i]
                found.append(i)
            i = text.find(mark, i + 1)
    return sorted(found)


def _inner_hint(text: str) -> bool:
    return bool(_inner_marks(text, first=True))


def _inner_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    done = 0
    n = len(text)
    for p in _inner_marks(text):  # each mark with a letter either side
        if p < done:
            continue
        s = p - 1
        while s > 0 and p - s <= _INNER_MAX and text[s - 1].isalpha():
            s -= 1
        e = p + 1
        while e < n and e - p <= _INNER_MAX and text[e].isalpha():
            e += 1
        done = e
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in _INNER_BEFORE):
            continue  # "a.b.c", "abc@mail.com", "x_y.z": not one mark between two words
        if e < n and (
            text[e].isalnum()
            or text[e] in "@$"
            or (text[e] in "._-'" and e + 1 < n and text[e + 1].isalpha())
        ):
            continue
        left, right = text[s:p], text[p + 1 : e]
        if len(left) > _INNER_MAX or len(right) > _INNER_MAX:
            continue
        joined = left + right
        if len(joined) < 3:
            continue  # initials ("c.k", "t.p") stay as written
        if min(len(left), len(right)) <= 2 and (
            one_syllable(joined) if not joined.isascii() else len(joined) <= 7
        ):
            edits.append((p, p + 1, ""))
        else:
            edits.append((p, p + 1, " "))
    return edits


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch in "_@$"


def _map_char(m: re.Match[str]) -> str:
    return _MAP.get(m.group(), m.group())


def _common_alphabet() -> Charmap:
    """ASCII text, newlines, the field separator and Vietnamese letters: characters that no step
    before lower-casing touches and that lower-case to one such character, nothing exotic."""

    def plain(c: str) -> bool:
        return not _SPECIAL_HINT.match(c) and len(c.lower()) == 1 and not _EXOTIC_RE.match(c.lower())

    chars = [c for c in ["\x00", "\n", *map(chr, range(0x20, 0x7F)), *vietnamese_letters()] if plain(c)]
    kept = set(chars)
    return Charmap(c for c in chars if c.lower() in kept)


_CHARMAP = _common_alphabet()
_VN_MARKS = frozenset("\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323")  # Vietnamese accents
_LOWER_BYTES = _CHARMAP.byte_table(str.lower)
_NFC_CHARMAP = Charmap(sorted(_CHARMAP.chars | _VN_MARKS))  # for _nfc: the alphabet and the marks
_NFC_MARK_CLASSES = _NFC_CHARMAP.class_table({ord("m"): lambda c: c in _VN_MARKS})
_FOLD_BYTES = _CHARMAP.byte_table(_fold)
if not (_CHARMAP.encode("".join(sorted(_CHARMAP.chars))) or b"").translate(_FOLD_BYTES).isascii():
    raise RuntimeError("the common alphabet must fold to ASCII")  # pragma: no cover - a table bug
_FAST_FOLD = (_CHARMAP, _FOLD_BYTES)  # _fold() of common text from now on
_TEEN_ENC = {rep: b for rep in TEENCODE.values() if (b := _CHARMAP.encode(rep)) is not None}
_LETTER_RE = re.compile(f"[{_LETTER}]")
# Classes for the passes' hints: a letter (as the hint regexes define it), "$", another leet
# character, "." or "_", another split-letter separator. _LEET_HINT, _SPLIT_HINT and _inner_hint
# become substring tests.
_CLASSES = _CHARMAP.class_table(
    {
        ord("a"): lambda c: bool(_LETTER_RE.match(c)),
        ord("$"): lambda c: c == "$",
        ord("1"): lambda c: c in _LEET_CHARS,
        ord("d"): lambda c: c in "._",  # separators that may also sit inside a word (_inner_hint)
        ord("s"): lambda c: c in _SEPS,
    }
)


_SPLIT_HINT_CLS = re.compile(rb"[sd]a[sd]")  # _SPLIT_HINT over the classes ("d": "." or "_")


def _split_hint(cls: bytes) -> bool:
    """A letter between separators ("sas", "sad", "das", "dad"), in one search (a search for
    common bytes costs as much as a translation)."""
    return b"sas" in cls.translate(_DOT_AS_SEP)


_DOT_AS_SEP = bytes.maketrans(b"d", b"s")


def _split_hints(cls: bytes) -> list[int]:
    """Where ``_SPLIT_HINT_CLS.finditer(cls)`` matches (non-overlapping), by byte searches: the
    regular expression tries every separator, and most bytes are separators or letters."""
    c = cls.translate(_DOT_AS_SEP)
    found: list[int] = []
    i = c.find(b"sas")
    while i >= 0:
        found.append(i)
        i = c.find(b"sas", i + 3)
    return found


_NEWLINE_AS_SPACE = bytes.maketrans(b"\n", b" ")  # "\n" and " " are their own bytes in _CHARMAP


def _leet_hint(cls: bytes) -> bool:
    # "$" is rare: one byte search before the two-byte ones (searches for common bytes are slow)
    return b"a1" in cls or (b"$" in cls and (b"a$" in cls or b"$a" in cls))


def _leet_hints(cls: bytes) -> list[int]:
    """Where _LEET_HINT matches, from the classes: a leet character after a letter, a "$" before one."""
    found: set[int] = set()
    for needle, shift in ((b"a1", 1), (b"a$", 1), (b"$a", 0)) if b"$" in cls else ((b"a1", 1),):
        i = cls.find(needle)
        while i >= 0:
            found.add(i + shift)
            i = cls.find(needle, i + 1)
    return sorted(found)


# -- Disguises of issue 3: stylised letters with marks, words run together, letters split by
# symbols, digits in dotted runs, leetspeak digits beyond 0/1/3/4. Each pass is its own function
# behind a cheap hint; normalize() and normalize_reference() call them at the same points.

_DIA = frozenset(c for c in vietnamese_letters())  # letters only Vietnamese has, both cases
_DIA_LOWER = "".join(sorted(c for c in _DIA if c.islower()))


def _styled_letters() -> dict[str, str]:
    """Non-ASCII characters standing for one Latin letter, case kept: stylised (NFKC: full-width,
    mathematical, circled), look-alikes (:data:`HOMOGLYPHS`) and enclosed letters."""
    out: dict[str, str] = {}
    for start, stop in _RANGES:
        for cp in range(start, stop):
            c = chr(cp)
            nf = unicodedata.normalize("NFKC", c)
            if len(nf) == 1 and nf != c and nf.isascii() and nf.isalpha():
                out[c] = nf
    for c, v in HOMOGLYPHS.items():
        out.setdefault(c, v)
        if len(c.upper()) == 1 and c.upper() != c:
            out.setdefault(c.upper(), v.upper())
    for first, last in _SYMBOL_LETTERS:
        for cp in range(first, last):
            out.setdefault(chr(cp), chr(ord("A") + cp - first))
    return out


_STYLED = _styled_letters()
_STYLED_MARKS_RE = re.compile(f"[^{_MARK_CLASS[1:-1]}]{_MARK_CLASS}+")


def _styled_compose(chunk: str) -> str:
    """A stylised letter and the Vietnamese combining marks after it as one composed letter: "𝗼"
    "̂" "́" → "ố" (NFKC the letter, keep the marks, NFC). Other marks are dropped, as they are
    after any letter, and so are marks that do not compose with the letter."""
    base = _STYLED[chunk[0]]
    out = unicodedata.normalize("NFC", base + "".join(m for m in chunk[1:] if m in _VN_MARKS))
    return out if len(out) == 1 else base


def _styled_rep(m: re.Match[str]) -> str:
    chunk = m.group()
    return _styled_compose(chunk) if chunk[0] in _STYLED else chunk


def _styled_marks(text: str) -> str:
    """What :func:`_special_edits` does to stylised letters with marks, on NFC text."""
    if not _MARK_HINT.search(text):
        return text
    return _STYLED_MARKS_RE.sub(_styled_rep, text)


_MARK_HINT = re.compile(_MARK_CLASS)


# Words run together: "DaoGăm", "HạnDùng", "Giảm10cmVòngEo". Runs before lower-casing.
_NEAR = 8
# Full-width, circled and mathematical letters too (the latter as one range: both cases).
_MATH = "\U0001d400-\U0001d7ff]"  # mathematical letters, both cases, as one astral range


def _case_class(ascii_a: int, fullwidth_a: int, circled_a: int, upper: bool) -> str:
    """One case of the letters a camel-case cut looks at: ASCII, full-width, circled, Vietnamese, math."""
    firsts = (ascii_a, fullwidth_a, circled_a)
    letters = {chr(c) for first in firsts for c in range(first, first + 26)}
    return _char_class(letters | {c for c in _DIA if c.isupper() == upper})[:-1] + _MATH


_CAMEL_LOWER = _case_class(0x61, 0xFF41, 0x24D0, upper=False)
_CAMEL_UPPER = _case_class(0x41, 0xFF21, 0x24B6, upper=True)
_DIA_CLASS = _char_class(_DIA)
# A lower→upper change, or a digit with a Vietnamese letter at most 8 plain letters away.
_CAMEL_HINT = re.compile(
    f"{_CAMEL_LOWER}{_CAMEL_UPPER}|{_DIA_CLASS}[a-zA-Z]{{0,{_NEAR}}}\\d|\\d[a-zA-Z]{{0,{_NEAR}}}{_DIA_CLASS}"
)
_CAMEL_TOKEN_MAX = 64


def _vn_syllable(word: str) -> bool:
    """``word`` (lower case, no diacritics) is one Vietnamese syllable: onset and rhyme."""
    for k in range(min(3, len(word)) + 1):
        onset, rhyme = word[:k], word[k:]
        if (k == 0 or onset in VN_ONSETS) and rhyme in VN_RHYMES:
            front = rhyme[0] in "eiy"  # "gh", "ngh", "k" only before e/i/y; "c", "g", "ng" never
            if front if onset in ("gh", "ngh", "k") else not (front and onset in ("c", "ng")):
                return True
    return False


def _vn_distinct(word: str) -> bool:
    """A syllable with an onset or rhyme that English and brand names rarely have ("xach", "thuoc")."""
    return (
        word[:3] in VN_DISTINCT_ONSETS
        or word[:2] in VN_DISTINCT_ONSETS
        or any(p in word for p in VN_DISTINCT_RHYME_PARTS)
    )


def _camel_cuts(tok: str) -> tuple[int, ...]:
    """Where a word break goes inside one alphanumeric token (memoised), see :func:`_camel_split`."""
    cuts = _CAMEL.get(tok)
    if cuts is None:
        if len(_CAMEL) > 100_000:
            _CAMEL.clear()
        cuts = _CAMEL[tok] = _camel_split(tok)
    return cuts


_CAMEL: dict[str, tuple[int, ...]] = {}


def _camel_split(tok: str) -> tuple[int, ...]:
    """Cut a token at a lower→upper change and at a letter↔digit change, keeping brand and model
    names whole: a cut needs a Vietnamese word (with diacritics) on one side ("Dao|Găm",
    "Giảm|10cm"), or, between plain words, all of them Vietnamese syllables and recognisably
    Vietnamese ("Khong|Hoa|Don", "Xach|Tay"; not "i|Phone", "Sam|Sung", "Play|Station")."""
    bounds = [
        i
        for i in range(1, len(tok))
        if tok[i - 1].isdigit() != tok[i].isdigit() or (tok[i - 1].islower() and tok[i].isupper())
    ]
    if not bounds:
        return ()
    if (tok.isalpha() and _vn_syllable(_fold(tok.lower()))) or _case_disguise(tok):
        return ()  # one syllable in alternating case ("nỘi", "tHáI", "kHôNg"): a disguise, not two words
    parts = [tok[a:b] for a, b in zip([0, *bounds], [*bounds, len(tok)], strict=True)]
    digit = [p[0].isdigit() for p in parts]
    dia = [not digit[k] and not _DIA.isdisjoint(p) for k, p in enumerate(parts)]
    cuts: list[int] = []
    for k, pos in enumerate(bounds):
        if digit[k] or digit[k + 1]:
            j = k + 1 if digit[k] else k  # the letter side
            if _digit_cut(parts, digit, j, k) and not _leet_word(parts, k if digit[k] else k + 1):
                cuts.append(pos)
        elif dia[k] or dia[k + 1] or _plain_cut(parts, digit, dia, k):
            cuts.append(pos)
    return tuple(cuts)


def _digit_cut(parts: list[str], digit: list[bool], j: int, k: int) -> bool:
    """A break between a number and the letters of part ``j`` when they are a Vietnamese word: a
    syllable in a run of letters with a Vietnamese letter near the digit, as the hint asks
    ("Giảm|10cm", "TăngChiềuCao|10cm", "7|ngày"; not "iPhone|15", "500.000đ", "20kđ")."""
    if j > k:  # letters after the digit
        end = next((i for i in range(j, len(parts)) if digit[i]), len(parts))
        run = "".join(parts[j:end])
    else:
        start = next((i + 1 for i in range(j, -1, -1) if digit[i]), 0)
        run = "".join(parts[start : j + 1])[::-1]
    if len(parts[j]) < 2 or not _dia_near(run):
        return False  # "500.000đ": a unit
    return _vn_syllable(_fold(parts[j].lower()))


def _dia_near(letters: str) -> bool:
    """A Vietnamese letter within the first few letters, only plain ones before it (as the hint)."""
    for c in letters[: _NEAR + 1]:
        if c in _DIA:
            return True
        if not ("a" <= c <= "z" or "A" <= c <= "Z"):
            return False
    return False


def _leet_word(parts: list[str], j: int) -> bool:
    """Part ``j``, one leet digit, and the letters either side make one Vietnamese syllable
    ("7rị", "g1ống", "nộ1"): leetspeak, not a number and a word ("7ngày"); the leet passes undo it."""
    if len(parts[j]) != 1 or parts[j] not in _LEET_ALL:
        return False
    before = parts[j - 1] if j > 0 else ""
    after = parts[j + 1] if j + 1 < len(parts) else ""
    word = before + _LEET_ALL[parts[j]] + after
    return _vn_syllable(_fold(word.lower()))


def _plain_cut(parts: list[str], digit: list[bool], dia: list[bool], k: int) -> bool:
    """Between two plain parts ``k`` and ``k + 1``: the group of plain letter parts around them is
    Vietnamese words only, three or more of them or one recognisably Vietnamese, and not a name."""
    lo, hi = k, k + 1
    while lo > 0 and not digit[lo - 1] and not dia[lo - 1]:
        lo -= 1
    while hi + 1 < len(parts) and not digit[hi + 1] and not dia[hi + 1]:
        hi += 1
    group = [unicodedata.normalize("NFKC", p).lower() for p in parts[lo : hi + 1]]
    if not all(p.isascii() and _vn_syllable(p) for p in group) or "".join(group) in CAMEL_KEEP:
        return False
    if len(group) >= 3:
        return True
    return group[0] != group[1] and any(_vn_distinct(p) for p in group)


def _camel_edits(
    text: str, starts: list[int] | None = None, alnum: bytes | None = None
) -> list[tuple[int, int, str]]:
    """A space after the letter before each cut of :func:`_camel_cuts` (the letter keeps its span).
    ``starts``: positions inside the tokens to look at, ascending, at least every token with a
    :data:`_CAMEL_HINT` match (only those can be cut); by default the matches themselves.
    ``alnum``: for one-byte text, its :data:`_ALNUM_CLASSES` ("a" alphanumeric, " " not), so
    that a token's ends are two byte searches instead of walks."""
    edits: list[tuple[int, int, str]] = []
    done, n = 0, len(text)
    for i in (m.start() for m in _CAMEL_HINT.finditer(text)) if starts is None else starts:
        if i < done:
            continue
        if alnum is not None:
            s = alnum.rfind(b" ", done, i) + 1 or done
            e = alnum.find(b" ", i + 1)
            if e < 0:
                e = n
        else:
            s, e = i, i + 1
            while s > done and text[s - 1].isalnum():
                s -= 1
            while e < n and text[e].isalnum():
                e += 1
        done = e
        if e - s > _CAMEL_TOKEN_MAX:
            continue
        tok = text[s:e]
        for c in _camel_cuts(tok):
            edits.append((s + c - 1, s + c, tok[c - 1] + " "))
    return edits


def _find_all(data: bytes, needles: tuple[tuple[bytes, int], ...]) -> list[int]:
    """Ascending positions of each needle in ``data``, shifted by the needle's offset."""
    found: set[int] = set()
    for needle, shift in needles:
        i = data.find(needle)
        while i >= 0:
            found.add(i + shift)
            i = data.find(needle, i + 1)
    return sorted(found)


def _camel_fast(text: str, enc: bytes, passes: list[PassMap]) -> str:
    """:func:`_camel_pass` for one-byte text. Its hint, a necessary condition for a cut as
    :data:`_CAMEL_HINT` is for other text: a lower→upper change, or a digit with only plain
    letters between it and a Vietnamese letter. The tokens looked at: those with a lower→upper
    change or a digit beside a letter (every token a cut can be in)."""
    c = enc.translate(_CASE_DIGIT_CLASSES)
    if b"lU" not in c and not _digit_dia(enc):
        return text
    edits = _camel_edits(text, _find_all(c, _CAMEL_NEEDLES), enc.translate(_ALNUM_CLASSES))
    if not edits:
        return text
    out = _apply(text, edits)[0]
    passes.append(_lazy(text, out, _camel_edits))
    return out


_CAMEL_NEEDLES = ((b"lU", 1), (b"ld", 0), (b"dl", 0), (b"Ud", 0), (b"dU", 0))  # fmt: skip


def _digit_dia(enc: bytes) -> bool:
    x = enc.translate(_DIGIT_DIA_CLASSES, _ASCII_LETTERS)  # plain letters deleted: a digit meets
    return b"vd" in x or b"dv" in x  # the Vietnamese letter of its word


# Letters split by emoji or symbols: "Q⭐u⭐á d⭐a⭐t⭐e", "H🔥S🔥D 0🔥2🔥/🔥2🔥0🔥2🔥4". Runs after
# lower-casing, before the symbols become spaces: the symbols inside such a run become dots, so
# the split-letter pass rejoins each word and keeps the real spaces between words.
_SYM_CLASS = (
    _char_class({c for c, v in _MAP.items() if v == " " and not c.isspace() and 0x7F < ord(c) < 0x10000})[:-1]
    + "\U00010000-\U0010ffff]"
)
_SYM = f"(?:(?!\\w){_SYM_CLASS})"
_UNIT = "(?:[^\\W_]|/)"
_SYMSEP_RE = re.compile(f"(?<![\\w/]){_UNIT}(?:{_SYM}{{1,3}}{_UNIT}(?![\\w/])){{2,}}")
_NOT_UNIT = re.compile(r"[^\w/]")


_SYMSEP_HINT = re.compile(f"{_SYM}{_UNIT}{_SYM}")  # a run of three units has one between symbols


def _symsep(text: str) -> str:
    """Symbols between single letters, digits or "/" made dots (same length)."""
    if not _SYMSEP_HINT.search(text):
        return text
    return _SYMSEP_RE.sub(lambda m: _NOT_UNIT.sub(".", m.group()), text)


# Digits and "/" in dotted runs: "h.s.d t.8./.2.0.2.6", "h.s.d 0.2./.2.0.2.4".
_DOTNUM_RE = re.compile(r"(?<![\w/.])(?:[^\W_]|/)(?![\w/])(?:\.(?:[^\W_]|/)(?![\w/])){2,}")
_DOTWORD_BEFORE = re.compile(r"(?<![\w.])[^\W\d_](?:\.[^\W\d_])+\.?[ :]+$")


def _dotnum_edits(text: str) -> list[tuple[int, int, str]]:
    """Dotted runs of single characters with a digit, joined when they also hold a letter or "/",
    or follow a dotted word ("h.s.d 2.0.2.6"). Not "1.2.3" alone (a version, a list)."""
    edits: list[tuple[int, int, str]] = []
    for m in _DOTNUM_RE.finditer(text):
        run = m.group()
        if not any(c.isdigit() for c in run):
            continue
        if (
            "/" in run
            or any(c.isalpha() for c in run)
            or _DOTWORD_BEFORE.search(text, max(0, m.start() - 40), m.start())
        ):
            edits.append((m.start(), m.end(), run.replace(".", "")))
    return edits


def _edit_pass(
    text: str, passes: list[PassMap], edits_of: Callable[[str], list[tuple[int, int, str]]]
) -> str:
    """Apply ``edits_of(text)``, recording a lazy offset map in ``passes``; ``text`` itself if none."""
    edits = edits_of(text)
    if not edits:
        return text
    out = _apply(text, edits)[0]
    passes.append(_lazy(text, out, edits_of))
    return out


def _camel_pass(text: str, passes: list[PassMap]) -> str:
    return _edit_pass(text, passes, _camel_edits)


# Words chained by underscores, snake_case ("đường_chín_đoạn", "nội_địa_nhật", "sx_04/2025_hd:_1_năm"):
# every underscore of the chain is a space. Single letters chained by underscores are one word
# ("f_a_k_e" -> "fake", "h_à_n_g x_á_c_h" -> "hàng xách"). One underscore inside a word ("fa_ke")
# is left to the inner pass.
_UNDERSCORE_CHAIN = re.compile(r"[^\s_]+(?:_+[^\s_]+){2,}")


def _underscore_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _UNDERSCORE_CHAIN.finditer(text):
        chain = m.group()
        pieces = [p for p in chain.split("_") if p]
        rep = "".join(pieces) if all(len(p) == 1 for p in pieces) else chain.replace("_", " ")
        if rep != chain:
            edits.append((m.start(), m.end(), rep))
    return edits


def _underscore_pass(text: str, passes: list[PassMap]) -> str:
    """Undo underscore chains; ``text`` itself if there is none."""
    if text.count("_") < 2:
        return text
    return _edit_pass(text, passes, _underscore_edits)


# Letters stretched by repetition ("xịnnn", "đầuu pod", "huyếtt áp", "rẻeee", "vapeee", "fakeeee"). A
# Vietnamese syllable never doubles a letter except "oo" ("xoong"): in a word with a Vietnamese letter
# every run becomes one letter ("o" runs two) and a plain vowel echoing the toned one before it goes,
# if what is left is one syllable (not "nútthời", two words run together, nor "TRESemmé"). In other
# words only a vowel said three times or more at the end is cut ("vapeee", "lenovooo"; not "EeePC",
# "bluetoooth", "AAA"), and any letter four times or more after two letters ("podddd", "HSDDDD"), so
# "Guccii", "Adidass" and "Chivasss" stay look-alikes of their marks.
_RUN = re.compile(r"([^\W\d_])\1+")
_WORD_RE = re.compile(r"[^\W\d_]+")
_DIA_RE = re.compile(f"[{''.join(sorted(_DIA))}]")
_TRAILING_VOWELS = re.compile(r"([aeouy])\1{2,}$")  # not "i": "III", "iii" are numerals
# any letter four times or more at the end of a word of two letters or more before it ("podddd",
# "HSDDDD"; not "AAAA", "Chivasss")
_TRAILING_RUN = re.compile(r"(?<=[^\W\d_]{2})([^\W\d_])\1{3,}$")
# a tone mark on a plain vowel, then that vowel plain ("ẻe"; not "ưu", "ôo": other letters)
_ECHO_BASE = {
    c: b
    for b, cs in zip("aeoiuy", ["àáảãạ", "èéẻẽẹ", "òóỏõọ", "ìíỉĩị", "ùúủũụ", "ỳýỷỹỵ"], strict=True)
    for c in cs
}
# where a stretch may be: a doubled letter ("rẻeee" has one; a lone echo "rẻe" is left alone)
_STRETCH_HINT = re.compile(f"([{_LETTER}])\\1")  # the text is lower case here
# then, on the few texts with a double: one a Vietnamese letter starts or ends, or a vowel three times
_DIA_LOWER_CLASS = "".join(sorted(c for c in _DIA if c.islower()))
_STRETCH_SURE = re.compile(
    f"[{_DIA_LOWER_CLASS}][a-z]{{0,2}}([{_LETTER}])\\1|([{_DIA_LOWER_CLASS}])\\2|([aeouy])\\3\\3"
    f"|([{_LETTER}])\\4\\4\\4"
)


def _squeeze_vn(m: re.Match[str]) -> str:
    ch = m.group(1)
    return ch * 2 if ch == "o" else ch


def _drop_echo(word: str) -> str:
    """Drop plain vowels echoing the marked vowel before them ("rẻeee" -> "rẻ", "quáaa" -> "quá")."""
    out = [word[0]]
    for c in word[1:]:
        if _ECHO_BASE.get(out[-1]) == c:
            continue
        out.append(c)
    return "".join(out)


def _stretch_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    done = -1
    for m in _STRETCH_HINT.finditer(text):
        i = m.start()
        if i < done:
            continue
        lo = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i), text.rfind(SEPARATOR, 0, i)) + 1
        if (
            _DIA_RE.search(text, lo, m.end() + 24) is None
            and (m.group(1) not in "aeouy" or text[m.end() : m.end() + 1] != m.group(1))
            and text[m.end() : m.end() + 2] != m.group(1) * 2
        ):
            continue  # a plain double ("coffee") with no Vietnamese letter near: three vowels or four letters
        word_at = next(
            (w for w in _WORD_RE.finditer(text, lo, m.end() + 1) if w.start() <= i < w.end()), None
        )
        if word_at is None:
            continue
        a, b = word_at.span()
        while b < len(text) and text[b].isalpha():  # the window may have cut the word
            b += 1
        done = b
        word = text[a:b]
        if _DIA_RE.search(word):
            squeezed = _drop_echo(_RUN.sub(_squeeze_vn, word))
            out = squeezed if one_syllable(squeezed) else word  # not "nútthời": two words run together
        else:
            tail = _TRAILING_VOWELS.search(word) or _TRAILING_RUN.search(word)
            out = word[: tail.start() + 1] if tail and tail.start() > 0 else word  # not "aaa": a grade
        if out != word:
            edits.append((a, b, out))
    return edits


def _stretch_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Undo stretched letters; ``text`` itself if there are none. ``enc``: the text one byte per
    character, if it is in the common alphabet. A text with a doubled letter that is surely a stretch
    gets the stretch edits; any text with a doubled letter then gets the longer-stretch pass."""
    if enc is None:
        if _STRETCH_HINT.search(text) is None:
            return text  # no doubled letter
        sure = _stretch_sure(text)
    else:
        zeros = _double_marks(enc)
        if zeros.find(0) < 0:
            return text  # no doubled letter
        sure = _stretch_sure_enc(text, zeros)
    if sure:
        text = _edit_pass(text, passes, _stretch_edits)
    elif enc is not None:  # the text is unchanged: its doubles are the zero bytes
        return _stretch3_fast(text, passes, _doubles(zeros))
    return _stretch3_pass(text, passes)


def _letter_bytes(fill: int) -> bytes:
    """A translation keeping the bytes of the letters of :data:`_STRETCH_HINT` and making every
    other byte ``fill`` (the byte of a character that is not such a letter)."""
    return bytes(b if _LETTER_RE.match(c) else fill for b, c in enumerate(_CHARMAP.decoding))


_DOUBLE_A, _DOUBLE_B = _letter_bytes(0x20), _letter_bytes(0x21)  # " " and "!": not letters


def _double_marks(enc: bytes) -> bytes:
    """For one-byte text, the doubled letters found in C: XOR the letter bytes (others made " ") with
    the next ones (others made "!"); a zero byte is a letter equal to the next one."""
    n = len(enc)
    if n < 2:
        return b""
    x = int.from_bytes(enc.translate(_DOUBLE_A)[:-1], "little") ^ int.from_bytes(
        enc.translate(_DOUBLE_B)[1:], "little"
    )
    return x.to_bytes(n - 1, "little")


def _stretch_sure_enc(text: str, zeros: bytes) -> bool:
    """:func:`_stretch_sure` for one-byte text whose doubled letters are the zero bytes of ``zeros``
    (:func:`_double_marks`): each double is searched around, as there."""
    search = _STRETCH_SURE.search
    i = zeros.find(0)
    while i >= 0:
        if search(text, max(0, i - 5), i + 7) is not None:
            return True
        i = zeros.find(0, i + 1)
    return False


def _stretch_sure(text: str) -> bool:
    """``_STRETCH_SURE.search(text) is not None``, searched only around the doubled letters: every
    match holds a doubled letter, and the doubles found one after the other (non-overlapping) start
    at that one or the letter before it, so a match lies within 5 characters before and 7 after."""
    search = _STRETCH_SURE.search
    for m in _STRETCH_HINT.finditer(text):
        d = m.start()
        if search(text, max(0, d - 5), d + 7) is not None:
            return True
    return False


def _dotnum_pass(text: str, passes: list[PassMap]) -> str:
    return _edit_pass(text, passes, _dotnum_edits)


def _dotnum_hint(text: str) -> bool:
    """A run of three dotted units has one between two dots."""
    return "." in text and _DOT_UNIT_DOT.search(text) is not None


_DOT_UNIT_DOT = re.compile(r"\.[\w/]\.")


# Leetspeak digits 5/7/8/9 ("7rị", "g0u7", "5ữa") and "!"/"@" beside Vietnamese letters ("Thá!
# L@n", "đị@"). Runs after lower-casing, before the general leet pass. The hints test what a
# changed token needs (necessary conditions), in the text or, for the one-byte path, its classes.
_LEET_ALL = {**LEET, **LEET_EXTRA}
_LX_ANY = "a-z0-9$!@"
_LX_DIA = re.compile(
    f"[5789][{_LX_ANY}]{{0,6}}[{_DIA_LOWER}]|[{_DIA_LOWER}][{_LX_ANY}]{{0,6}}[5789]"
    f"|[!@][{_DIA_LOWER}]|[{_DIA_LOWER}][!@]"
)
_LX_NEW = re.compile("[a-z][5789]|[5789][a-z]")
_LX_CLASSIC = re.compile("[a-z][0134$!@]|[0134$!@][a-z]")
_LX_POS = re.compile(f"(?<=[{_LETTER}])[5789!@]|[5789!@](?=[{_LETTER}])")
_LX_NEXT = re.compile(r" [\w@$!]*(?:[^\W\d_][0-9@$!]|[0-9@$][^\W\d_])")  # the next word is leet too
_ONSET = (
    "bl|br|ch|cl|cr|dr|fl|fr|gl|gr|kh|ng|nh|ph|pl|pr|sc|sh|sk|sl|sm|sn|sp|st|sw|th|tr|tw|wh|[b-df-hj-np-tv-z]"
)
_PRONOUNCEABLE = re.compile(
    f"(?:{_ONSET})?[aeiouy]{{1,3}}(?:[b-df-hj-np-tv-z]{{1,2}}[aeiouy]{{1,3}})*[b-df-hj-np-tv-z]{{0,2}}"
)


def _leetx_hint(text: str) -> bool:
    """Can :func:`_leet_extra` change ``text``? A necessary condition (:func:`_leetx_fast` has its
    own for one-byte text)."""
    if _LX_POS.search(text) is None:
        return False
    return _LX_DIA.search(text) is not None or (
        _LX_NEW.search(text) is not None and _LX_CLASSIC.search(text) is not None
    )


def _leetx_fast(text: str, enc: bytes) -> str:
    """:func:`_leet_extra` for one-byte text, behind a necessary condition over classes: a leet
    character beside a letter, and then either one of 5789!@ meeting a Vietnamese letter once
    plain letters and ordinary leet characters are deleted, or an ordinary one too."""
    a = enc.translate(_LEETX_ADJ_CLASSES)
    if b"a7" not in a and b"7a" not in a:
        return text
    y = enc.translate(_LEETX_DIA_CLASSES, _LEETX_DELETE)
    if not (b"7v" in y or b"v7" in y or b"ac" in a or b"ca" in a or b"!" in enc or b"@" in enc):
        return text
    return _leet_extra(text, _find_all(a, ((b"a7", 1), (b"7a", 0))), enc.translate(_LX_TOKEN_CLASSES))


def _leet_extra(text: str, starts: list[int] | None = None, tokens: bytes | None = None) -> str:
    """Undo the extra leetspeak token by token (see :func:`_deleet_extra`); ``text`` itself when
    nothing changes. ``starts``: the :data:`_LX_POS` matches, ascending, if already known;
    ``tokens``: for one-byte text, its :data:`_LX_TOKEN_CLASSES`, so that a token's ends are two
    byte searches instead of walks."""
    pieces: list[str] = []
    pos = done = 0
    n = len(text)
    for i in (m.start() for m in _LX_POS.finditer(text)) if starts is None else starts:
        if i < done:
            continue
        if tokens is not None:
            s = tokens.rfind(b" ", done, i) + 1 or done
            e = tokens.find(b" ", i + 1)
            if e < 0:
                e = n
        else:
            s, e = i, i + 1
            while s > done and (text[s - 1].isalnum() or text[s - 1] in "@$!"):
                s -= 1
            while e < n and (text[e].isalnum() or text[e] in "@$!"):
                e += 1
        done = e
        if e - s > 32:
            continue
        tok = text[s:e]
        key = (tok, tok[-1] == "!" and _LX_NEXT.match(text, e) is not None)
        rep = _LX_MEMO.get(key, False)
        if rep is False:
            if len(_LX_MEMO) > 100_000:
                _LX_MEMO.clear()
            rep = _LX_MEMO[key] = _deleet_extra(*key)
        if rep is not None:
            pieces += (text[pos:s], rep)
            pos = e
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


_LX_MEMO: dict[tuple[str, bool], str | None] = {}


def _deleet_extra(tok: str, leet_next: bool) -> str | None:
    """One token's letters for its leet characters, or None to leave it alone. A token with
    Vietnamese letters must become one Vietnamese syllable ("7rị" → "trị"; never "7ngày", "quá!");
    a plain one must start with a letter, mix an ordinary leet character with a new digit and
    become pronounceable ("g0u7"; never "7up", "F88", "9in1", "d7t3", "iphone8plus"). A trailing
    "!" counts only before another leet word ("thá! l@n")."""
    core = tok if leet_next else tok.rstrip("!")
    if len(core) < 2 or core[0] in "@!" or not set("26").isdisjoint(core):
        return None
    digits = letters = 0
    prev_digit = False
    for c in core:
        if c.isdigit():
            if prev_digit:
                return None  # "58kg", "2026": numbers, not letters
            digits += 1
        elif c.isalpha():
            letters += 1
        prev_digit = c.isdigit()
    if letters < 2 or digits > letters or any(c not in _LEET_ALL and not c.isalpha() for c in core):
        return None
    cand = "".join(_LEET_ALL.get(c, c) for c in core)
    if not _LX_POS.search(core):
        return None  # the hints' first test: a leet character beside a letter
    if not _DIA.isdisjoint(core):
        if not _LX_DIA.search(core) or not _vn_syllable(_fold(cand)):
            return None
    elif not (
        core.isascii()
        and core[0].isalpha()
        and _LX_NEW.search(core)
        and _LX_CLASSIC.search(core)
        and _PRONOUNCEABLE.fullmatch(cand)
    ):
        return None
    return cand + tok[len(core) :]


_CASE_DIGIT_CLASSES = _CHARMAP.class_table(
    {ord("l"): str.islower, ord("U"): str.isupper, ord("d"): str.isdigit}
)
_DIGIT_DIA_CLASSES = _CHARMAP.class_table({ord("v"): lambda c: c in _DIA, ord("d"): str.isdigit})
_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))
_LEETX_ADJ_CLASSES = _CHARMAP.class_table(
    {
        ord("a"): lambda c: bool(_LETTER_RE.match(c)),
        ord("7"): lambda c: c in "5789!@",
        ord("c"): lambda c: c in "0134$",
    }
)
_LEETX_DIA_CLASSES = _CHARMAP.class_table(
    {ord("v"): lambda c: c in _DIA_LOWER, ord("7"): lambda c: c in "5789!@"}
)
_LEETX_DELETE = _ASCII_LETTERS + b"012346$"
_ALNUM_CLASSES = _CHARMAP.class_table({ord("a"): str.isalnum})  # token ends for _camel_edits
_LX_TOKEN_CLASSES = _CHARMAP.class_table({ord("a"): lambda c: c.isalnum() or c in "@$!"})  # _leet_extra


def normalize(original: str) -> NormText:
    """Normalise one text for matching; see the module docstring.

    Text in the common alphabet (:data:`_CHARMAP`: ASCII and Vietnamese) is also held one byte per
    character, where the passes' hints are substring tests and folding is a byte translation; any
    other text runs the general steps until it is in the common alphabet. Both give exactly what
    :func:`normalize_reference` gives.
    """
    passes: list[PassMap] = []
    t = original
    enc = _CHARMAP.encode(t)
    if enc is None:
        t = _filler_pass(t, passes)
    if enc is None and _SPECIAL_HINT.search(t):  # NFD accents (often), stylised letters, controls
        out = _special_fast(t)
        if out != t:
            passes.append(_lazy(t, out, _special_edits))
            t = out
            enc = _CHARMAP.encode(t)
    if enc is None:
        t = _emoji_word_pass(t, passes)
    if enc is not None:  # the common alphabet: nothing special, nothing exotic; only lower-casing
        out = _camel_fast(t, enc, passes)
        if out is not t:
            t, enc = out, _CHARMAP.encode(out)
        t = t.lower()
        enc = enc.translate(_LOWER_BYTES)
        changed = False
    else:
        if _CAMEL_HINT.search(t):
            t = _camel_pass(t, passes)
        t = t.lower()
        changed = bool(passes)
        if _EXOTIC_RE.search(t):
            t = _EXOTIC_RE.sub(_map_char, _symsep(t))
            changed = True
        enc = _CHARMAP.encode(t)
    out = _typing_pass(t, passes, enc)
    if out is not t:
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _underscore_pass(t, passes)
    if out is not t:
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _widesep_pass(t, passes, enc)
    if out is not t:
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _leetx_fast(t, enc) if enc is not None else _leet_extra(t) if _leetx_hint(t) else t
    if out is not t:
        changed, t, enc = True, out, None
    cls = None if enc is None else enc.translate(_CLASSES)
    if cls is None or _leet_hint(cls):
        out = _leet(t, cls)
        if out is not t:
            changed = True
            t = out
            # one-byte text stays one-byte: encode it again for the cheaper gates below
            enc = None if enc is None else _CHARMAP.encode(t)
            cls = None if enc is None else enc.translate(_CLASSES)
    if _dotnum_hint(t):
        out = _dotnum_pass(t, passes)
        if out is not t:
            t, enc, cls = out, None, None
    # Letters split apart are rejoined before whitespace is collapsed: a wider gap between letters
    # spaced one apart is a word break ("h à n g  n ộ i").
    if (
        b"sas" in cls.translate(_DOT_AS_SEP)  # _split_hint(cls), inlined
        if cls is not None
        else _SPLIT_HINT.search(t)
    ):
        edits = _split_edits(t, cls)
        if edits:
            out = _apply(t, edits)[0]
            passes.append(_lazy(t, out, _split_edits))
            t = out
            enc = None if enc is None else _CHARMAP.encode(t)  # as after the leet pass
            cls = None if enc is None else enc.translate(_CLASSES)
    if b"ada" in cls if cls is not None else _inner_hint(t):
        edits = _inner_edits(t)
        if edits:
            t, pm = _apply(t, edits)
            passes.append(pm)
            enc = None if enc is None else _CHARMAP.encode(t)
    out = _stretch_echo_pass(t, passes, enc)
    if out is not t:
        t, enc = out, None
    if (
        b"  " in enc.translate(_NEWLINE_AS_SPACE)  # one search for "  ", "\n ", " \n" and "\n\n"
        if enc is not None
        else ("  " in t or "\n " in t or " \n" in t or "\n\n" in t)
    ):
        out = _WS_RE.sub(_ws_rep, t)
        passes.append(_lazy(t, out, _ws_edits))
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _teensound_pass(t, passes, enc)
    if out is not t:
        t, enc = out, None
    edits = _teen_pass(t)
    if edits:
        t, pm = _apply(t, edits)
        passes.append(pm)
        enc = None if enc is None else _teen_splice(enc, edits)  # not a second encode of the text
    if enc is None:
        enc = _CHARMAP.encode(t)
    folded = _fold(t) if enc is None else enc.translate(_FOLD_BYTES).decode("ascii")
    return NormText(original, t, folded, tuple(passes), changed or bool(passes))


def normalize_reference(original: str) -> NormText:
    """What :func:`normalize` computes, without the one-byte fast path (kept for tests)."""
    passes: list[PassMap] = []
    t = _filler_pass(original, [])
    if t is not original:
        passes.append(_lazy(original, t, _filler_edits))
    if _SPECIAL_HINT.search(t):
        out = _special_fast(t, _nfc_reference)
        if out != t:
            passes.append(_lazy(t, out, _special_edits))
            t = out
    t = _emoji_word_pass(t, passes)
    if _CAMEL_HINT.search(t):
        t = _camel_pass(t, passes)
    t = t.lower()
    changed = bool(passes)
    if _EXOTIC_RE.search(t):
        t = _EXOTIC_RE.sub(_map_char, _symsep(t))
        changed = True
    t = _typing_pass(t, passes)
    t = _underscore_pass(t, passes)
    t = _widesep_pass(t, passes)
    if _leetx_hint(t):
        out = _leet_extra(t)
        if out is not t:
            changed, t = True, out
    out = _leet(t)
    if out is not t:
        changed = True
        t = out
    if _dotnum_hint(t):
        t = _dotnum_pass(t, passes)
    if _SPLIT_HINT.search(t):
        edits = _split_edits(t)
        if edits:
            out = _apply(t, edits)[0]
            passes.append(_lazy(t, out, _split_edits))
            t = out
    edits = _inner_edits(t)
    if edits:
        t, pm = _apply(t, edits)
        passes.append(pm)
    t = _stretch_pass(t, passes)
    t = _echo_pass(t, passes)
    if "  " in t or "\n " in t or " \n" in t or "\n\n" in t:
        out = _WS_RE.sub(_ws_rep, t)
        passes.append(_lazy(t, out, _ws_edits))
        t = out
    t = _teensound_pass(t, passes)
    if next(_TEEN_HINTS.iter(" " + t), None) is not None:
        edits = _teen_edits(t)
        if edits:
            t, pm = _apply(t, edits)
            passes.append(pm)
    return NormText(original, t, _fold(t), tuple(passes), changed or bool(passes))


def normalize_term(term: str) -> str:
    """Normalise a rule keyword the same way listing text is normalised (accents kept)."""
    return normalize(term).text.strip()


# --- Seller disguises, second round (issue 3 follow-up) -----------------------------------------------
# Each pass is a function of its own with a cheap gate; the hooks in normalize() and
# normalize_reference() call them at the same point, so both give the same text.

# Invisible fillers: Hangul fillers look like a blank but are letters ("v\u3164a\u3164p\u3164e"), and an
# invisible character between a letter and its combining mark ("a\u00ad\u0301") would leave the mark stray.
_FILLERS = "\u115f\u1160\u3164\uffa0"
_INVISIBLE = "\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff"
_FILLER_RE = re.compile(f"[{_FILLERS}]+|[{_INVISIBLE}]+(?={_MARK_CLASS})")
_FILLER_HINT = re.compile(f"[{_FILLERS}{_INVISIBLE}]")


def _filler_edits(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), "") for m in _FILLER_RE.finditer(text)]


# An emoji inside a word ("ye✨tti", "ho💥kka", "sừn🎁g"): letters on both sides, no space. Real titles
# put emoji between words, or split every letter with them (the symbol-split pass).
_EMOJI_IN_WORD = re.compile(
    "(?<=[^\\W\\d_])(?:[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff][\ufe0f\u200d]*)+(?=[^\\W\\d_])"
)
_EMOJI_HINT = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff]")  # not 🅃, 🄰: letters


def _emoji_word_edits(text: str) -> list[tuple[int, int, str]]:
    """An emoji with a piece of one or two letters on one side and letters on the other ("ye✨tti",
    "sừn🎁g"); whole words on either side stay apart ("pod🔥vape", "tay✨mỹ"), and letters split one
    by one are left to the symbol-split pass ("v🔥a🔥p🔥e")."""
    edits = []
    n = len(text)
    for m in _EMOJI_IN_WORD.finditer(text):
        a = m.start()
        while a > 0 and text[a - 1].isalpha():
            a -= 1
        b = m.end()
        while b < n and text[b].isalpha():
            b += 1
        left, right = m.start() - a, b - m.end()
        if min(left, right) > 2 or max(left, right) < 2:
            continue
        if _vn_syllable(_plain_piece(text[a : m.start()])) and _vn_syllable(_plain_piece(text[m.end() : b])):
            continue  # two Vietnamese words ("tay✨mỹ")
        edits.append((m.start(), m.end(), ""))
    # an emoji on a letter spaced apart from its neighbours ("S Ừ N💯 G   T Ê  🎁 G I Á C"): the letters
    # are a word split apart, so the emoji goes and the split pass sees the letters and their gaps
    n = len(text)
    for m in _EMOJI_RUN.finditer(text):
        a, b = m.start(), m.end()
        before = a > 0 and text[a - 1].isalpha() and (a == 1 or not text[a - 2].isalpha())
        before = before and b < n and (text[b] == " " or text[b].isalpha())  # inside the run, not at its end
        after = b < n and text[b] == " " and b + 1 < n and text[b + 1].isalpha()
        after = after and (b + 2 == n or not text[b + 2].isalpha()) and a > 0 and text[a - 1] == " "
        if (before or after) and not (edits and edits[-1][1] > a):
            edits.append((a, b, ""))
    return sorted(set(edits))


_EMOJI_RUN = re.compile("(?:[\U0001f300-\U0001faff\u2600-\u27bf\u2b00-\u2bff][\ufe0f\u200d]*)+")


def _plain_piece(piece: str) -> str:
    """Letters as the later steps will read them (look-alike and stylised letters folded), no marks."""
    return _fold("".join(_MAP.get(c, c) for c in piece.lower()))


def _emoji_word_pass(text: str, passes: list[PassMap]) -> str:
    """Delete an emoji inside a word; ``text`` itself if there is none."""
    if _EMOJI_HINT.search(text) is None:
        return text
    return _edit_pass(text, passes, _emoji_word_edits)


def _filler_pass(text: str, passes: list[PassMap]) -> str:
    """Delete Hangul fillers, and invisible characters right before a combining mark (so the mark
    stays on its letter: "𝘢\u00ad\u0301" -> "𝘢\u0301"); ``text`` itself if there are none."""
    if _FILLER_HINT.search(text) is None:
        return text
    return _edit_pass(text, passes, _filler_edits)


# Single letters or digits split by one separator the letter-split pass does not know, the same one
# throughout the run ("d/u/p/e", "c#h#ữ#a##t#ự", "h:s:d", "l\\o\\g\\o"); a doubled separator is a word
# break. Runs of sizes ("s/m/l") and runs with fewer than two letters ("1/2/3", "12:30") are left
# alone, and a run must stand alone ("s/m/l/xl", "a/b/c1" are not runs).
_WSEP = "/\\\\:^=#"
_WIDE_RUN = re.compile(
    f"(?<![\\w{_WSEP}])[^\\W_](?P<s>[{_WSEP}])(?P=s)?[^\\W_](?:(?P=s){{1,2}}[^\\W_])+(?!\\w|(?P=s)+[^\\W_])"
)
_WIDE_HINT = re.compile(f"[{_WSEP}|~*+][^\\W_][{_WSEP}|~*+]")
# Single digits of a date or a grade split the same way ("0|6|/|2|0|2|6", "0~5~/~2~0~2~3", "1~:~1"):
# with "/", "." or ":" among them, so lists ("1-2-3") and ranges stay.
_DIGIT_RUN = re.compile(
    f"(?<![\\w{_WSEP}|~*+])[\\d/.:](?P<s>[{_WSEP}|~*+])[\\d/.:](?:(?P=s)[\\d/.:])+(?!\\w|(?P=s)[\\d/.:])"
)
_SIZE_LETTERS = frozenset("smlx")
# Single digits spaced out with a date separator among them ("0 5 / 2 0 2 6", "1 0 . 2 0 2 5").
_SPACED_DATE = re.compile(r"(?<![\w/.])\d(?: [\d/.]){4,}(?![\w/.])")
_SPACED_DATE_HINT = re.compile(r"\d [/.] \d")


def _widesep_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for m in _WIDE_RUN.finditer(text):
        run, sep = m.group(), m.group("s")
        units = run.replace(sep, "")
        letters = [c for c in units if c.isalpha()]
        if len(letters) < 2 or set(units) <= _SIZE_LETTERS:
            continue
        i, at = 0, m.start()
        while i < len(run):
            if run[i] == sep:
                wide = i + 1 < len(run) and run[i + 1] == sep
                edits.append((at + i, at + i + (2 if wide else 1), " " if wide else ""))
                i += 2 if wide else 1
            else:
                i += 1
    for m in _DIGIT_RUN.finditer(text):
        run, sep = m.group(), m.group("s")
        units = run.replace(sep, "")
        if sum(c.isdigit() for c in units) >= 2 and not units.isdigit() and sep not in "/.:":
            edits.extend((m.start() + i, m.start() + i + 1, "") for i, c in enumerate(run) if c == sep)
    if _SPACED_LEET_HINT.search(text):
        edits.extend(_spaced_leet_edits(text))
    if _SPACED_DATE_HINT.search(text):
        for m in _SPACED_DATE.finditer(text):
            run = m.group()
            if sum(c.isdigit() for c in run) >= 4 and any(c in "/." for c in run):
                edits.extend((m.start() + i, m.start() + i + 1, "") for i, c in enumerate(run) if c == " ")
    return sorted(edits)


# Capitals spaced apart with leet digits inside the words ("C H 4 N E L", "F 0 N G"): the run is joined (a gap
# of two spaces or more is a word break) so that the leet passes, which run next, read it. Only runs of four
# units or more with three letters or more, more letters than digits, and no digit at a word's edge.
_SPACED_LEET = re.compile(r"(?<!\S)[^\W_](?: {1,4}[^\W_])+(?!\S)")
_SPACED_LEET_HINT = re.compile(r"(?<!\S)[01345789] [^\W\d_] |(?<!\S)[^\W\d_] [01345789] ")


def _spaced_leet_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    for m in _SPACED_LEET.finditer(text):
        run = m.group()
        units = run.replace(" ", "")
        digits = sum(c.isdigit() for c in units)
        if len(units) < 4 or digits == 0 or len(units) - digits < 3 or digits >= len(units) - digits:
            continue
        if not set(units) & set("01345789") or "  " not in run and " " not in run:
            continue
        words = [w.replace(" ", "") for w in re.split(r" {2,}", run)]
        if any(w[0].isdigit() or w[-1].isdigit() for w in words):
            continue  # a number beside a split word ("P A R A Q U A T 1", "T a n g  5 k g"): digits only inside
        if any(len(w.replace(" ", "")) > 1 and " " not in w for w in re.split(r" {2,}", run)):
            continue  # a word of several letters inside: not one split word
        at = m.start()
        i = 0
        while i < len(run):
            if run[i] == " ":
                j = i
                while j < len(run) and run[j] == " ":
                    j += 1
                edits.append((at + i, at + j, "" if j - i == 1 else " "))
                i = j
            else:
                i += 1
    return edits


def _widesep_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Rejoin letters split by other separators, spaced-out dates and capitals spaced apart with leet
    digits; ``text`` itself if none. ``enc``: the text one byte per character, for a cheaper gate."""
    if enc is not None:
        if not _widesep_gate(enc):
            return text
    elif (
        _WIDE_HINT.search(text) is None
        and " / " not in text
        and " . " not in text
        and _SPACED_LEET_HINT.search(text) is None
    ):
        return text
    return _edit_pass(text, passes, _widesep_edits)


_WIDESEP_CLASSES = _CHARMAP.class_table(
    {
        ord("w"): lambda c: c in "\\:^=#|~*+",
        ord("p"): lambda c: c == "/",
        ord("o"): lambda c: c == ".",
        ord(" "): lambda c: c == " ",
        ord("d"): lambda c: c in "01345789",
        ord("n"): str.isdigit,
        ord("a"): str.isalpha,
    },
    other=ord("x"),
)
# over the classes: a unit between two separators of one kind ("d/u/p/e", "0|6|/|2", "1~:~1"), a spaced
# date separator, a leet digit between single letters spaced apart ("C H 4 N E L")
_WIDESEP_GATE = re.compile(rb"w[adnpo]w|p[adnpo]p| [po] | a d a ")
# The same gate as byte searches (the regular expression tries its four branches at every byte): units
# ("u": a letter or a digit) and separators, then the leet-digit branch over the classes above.
_WIDESEP_UNITS = _CHARMAP.class_table(
    {
        ord("w"): lambda c: c in "\\:^=#|~*+",
        ord("p"): lambda c: c == "/",
        ord("o"): lambda c: c == ".",
        ord(" "): lambda c: c == " ",
        ord("u"): lambda c: c.isdigit() or c.isalpha(),
    },
    other=ord("x"),
)


def _widesep_gate(enc: bytes) -> bool:
    """``_WIDESEP_GATE.search(enc.translate(_WIDESEP_CLASSES)) is not None``, by byte searches."""
    u = enc.translate(_WIDESEP_UNITS)
    if b"w" in u and (b"wuw" in u or b"wpw" in u or b"wow" in u):
        return True
    if b"p" in u and (b"pup" in u or b"ppp" in u or b"pop" in u or b" p " in u):
        return True
    return b" o " in u or b" a d a " in enc.translate(_WIDESEP_CLASSES)


# Long stretches in plain words: a letter said three times or more inside or at the end of a word
# without Vietnamese letters ("xonggg", "gaaaan", "innnn", "trrrong") is one letter when the squeezed
# word is one Vietnamese syllable (not "Chivasss", "bluetoooth", "EeePC", "AAA", "zzz"); and a word
# without vowels that ends in a letter three times ("hsddd", "nsxxx") keeps one when three letters
# or more are left (an abbreviation stretched; not "pccc").
_RUN3 = re.compile(r"([a-z])\1\1")
_RUN3_SQUEEZE = re.compile(r"([a-z])\1\1+")
_UNITS = frozenset("kg g mg cm mm m km ml l lit kcal".split())  # stretched after a number: "6kggg"
_ROMAN = re.compile("[ivxlcdm]+")
_RUN2 = re.compile(r"([a-z])\1+")
_DOUBLE_CONSONANT = re.compile(r"(?<=[a-z])([b-df-hj-np-tv-xz])\1")  # not first: "Bbia", "llama"
_NO_VOWEL = re.compile(r"[b-df-hj-np-tv-xz]+")


def _squeeze_plain(word: str) -> str | None:
    """A plain word's letters squeezed when it is a stretched Vietnamese syllable, else None: a
    letter three times ("xonggg"), or a doubled consonant when the syllable is recognisably
    Vietnamese ("trrong", "thanhh"; not "matt", "mann"). Not Roman numerals ("viii")."""
    if len(set(word)) < 2 or _ROMAN.fullmatch(word):
        return None
    run3 = _RUN3.search(word) is not None
    if not run3 and _DOUBLE_CONSONANT.search(word) is None:
        return None
    squeezed = _RUN2.sub(r"\1", word)
    if not _vn_syllable(squeezed) or not (run3 or _vn_distinct(squeezed)):
        return None
    return squeezed


def _stretch3_word(word: str) -> str | None:
    """The word unstretched, or None (memoised): see the comment above."""
    out = _STRETCH3_MEMO.get(word, False)
    if out is False:
        if len(_STRETCH3_MEMO) > 100_000:
            _STRETCH3_MEMO.clear()
        out = _STRETCH3_MEMO[word] = _unstretch(word)
    return out


_STRETCH3_MEMO: dict[str, str | None] = {}


def _unstretch(word: str) -> str | None:
    if word.isascii():
        if not word.isalpha():
            return None
        if len(word) >= 4 and _NO_VOWEL.fullmatch(word):
            # a letter three times or more: "hsddd", "hssssd", "nsxxx" (not "tnhh", "tgdd", "pccc", "xxxl")
            out = _RUN3_SQUEEZE.sub(r"\1", word)
            return out if out != word and len(out) >= 3 else None
        return _squeeze_plain(word) if len(word) >= 4 else None
    # "pháoo": the stretch pass keeps "oo" ("xoong"), which is no syllable here
    if "oo" in word and not _vn_syllable(_fold(word)) and one_syllable(word.replace("oo", "o")):
        return word.replace("oo", "o")
    return None


def _stretch3_edits(text: str, doubles: list[int] | None = None) -> list[tuple[int, int, str]]:
    """``doubles``: where :data:`_STRETCH_HINT` matches, ascending, if already known."""
    edits: list[tuple[int, int, str]] = []
    done = -1
    n = len(text)
    for i in (m.start() for m in _STRETCH_HINT.finditer(text)) if doubles is None else doubles:
        if i < done:
            continue
        c = text[i]
        if text[i + 2 : i + 3] != c:  # a double, not said thrice
            if c not in "hrgcmnpto" or i == 0 or not text[i - 1].isalpha():
                continue  # no Vietnamese syllable squeezes it ("ss", "ll", "ee"), or it starts a word, a unit
        a, b = i, i + 2
        while a > 0 and text[a - 1].isalpha():
            a -= 1
        while b < n and text[b].isalpha():
            b += 1
        done = b
        if (a > 0 and text[a - 1].isdigit()) or (b < n and text[b].isdigit()):
            # a unit stretched after a number ("6kggg"), not a code ("hstnn2", "10mm")
            unit = text[a:b]
            if a > 0 and text[a - 1].isdigit() and unit.isascii() and _RUN3_SQUEEZE.search(unit):
                if (squeezed := _RUN3_SQUEEZE.sub(r"\1", unit)) in _UNITS:
                    edits.append((a, b, squeezed))
            continue
        out = _stretch3_word(text[a:b])
        if out is not None and out != text[a:b]:
            edits.append((a, b, out))
    return edits


def _doubles(zeros: bytes) -> list[int]:
    """The :data:`_STRETCH_HINT` matches of one-byte text from its :func:`_double_marks`: the zero
    bytes, each one after the end of the last (matches do not overlap)."""
    found: list[int] = []
    i = zeros.find(0)
    while i >= 0:
        found.append(i)
        i = zeros.find(0, i + 2)
    return found


def _exact_doubles(enc: bytes, zeros: bytes) -> list[int]:
    """:func:`_doubles` from the zero bytes of a wider test (:func:`_stretch_echo_pass`'s, where a
    vowel and its marked forms are one letter): only the exact doubles, non-overlapping."""
    found: list[int] = []
    i = zeros.find(0)
    while i >= 0:
        if enc[i] == enc[i + 1] and (not found or i >= found[-1] + 2):
            found.append(i)
        i = zeros.find(0, i + 1)
    return found


def _stretch3_fast(text: str, passes: list[PassMap], doubles: list[int]) -> str:
    """:func:`_stretch3_pass` for one-byte text whose doubled letters are known (:func:`_doubles`):
    no regex scan of the whole text."""
    if not doubles:
        return text
    edits = _stretch3_edits(text, doubles)
    if not edits:
        return text
    out = _apply(text, edits)[0]
    passes.append(_lazy(text, out, _stretch3_edits))
    return out


def _stretch3_pass(text: str, passes: list[PassMap]) -> str:
    """Undo the stretches the stretch pass leaves (see above); ``text`` itself if none. Called by
    :func:`_stretch_pass` on the texts with a doubled letter."""
    return _edit_pass(text, passes, _stretch3_edits)


def _case_disguise(tok: str) -> bool:
    """A token whose case changes are a disguise, not word breaks: one Vietnamese syllable once leet
    digits are read and stretched letters squeezed ("cHữ4", "tTtTẩY", "hÀaaNg")."""
    if not any(
        tok[i].islower() and tok[i + 1].isupper() and tok[i + 2].islower() for i in range(len(tok) - 2)
    ):
        return False  # no lower-upper-lower ("TrònG9", "BếpP": a word and a code or a typo)
    word = _fold("".join(_LEET_ALL.get(c, _MAP.get(c, c)) for c in tok.lower()))
    return word.isascii() and word.isalpha() and _vn_syllable(_RUN2.sub(r"\1", word))


# Teencode sounds on Vietnamese words (they carry Vietnamese marks, so they are no English words): "j" for
# "gi" ("jữ", "já", "jảm"), "w" for "qu" ("wá", "wần"), "f" for "ph" ("fải") right before a marked vowel; a
# word is rewritten only when it then is one Vietnamese syllable and was not one before.
# Not "k" for "c": "Hồng Kông" is written so.
_VN_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_TEENSOUND_RE = re.compile("(?<![^\\W\\d_])[jwf][^\\W\\d_]{1,7}(?![^\\W\\d_])")
_TEENSOUND_HINT = re.compile(f"[jwf][{_VN_MARKED}]")  # the teencode onset right before a marked vowel
_TEEN_ONSETS = {"j": "gi", "w": "qu", "f": "ph"}
_TEENSOUND_CLASSES = _CHARMAP.class_table(
    {ord("j"): lambda c: c in "jwf", ord("v"): lambda c: c in _VN_MARKED}
)


def _teensound_word(word: str) -> str | None:
    if _DIA.isdisjoint(word) or _vn_syllable(_fold(word)):
        return None
    out = word
    if out[0] in _TEEN_ONSETS:
        out = _TEEN_ONSETS[out[0]] + out[1:]
    return out if out != word and one_syllable(out) and _vn_syllable(_fold(out)) else None


def _teensound_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _TEENSOUND_RE.finditer(text):
        out = _teensound_word(m.group())
        if out is not None:
            edits.append((m.start(), m.end(), out))
    return edits


def _teensound_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Undo teencode sounds in Vietnamese words; ``text`` itself if there are none. ``enc``: the text
    one byte per character, for a cheaper first test."""
    if enc is not None:
        if b"jv" not in enc.translate(_TEENSOUND_CLASSES):
            return text
    elif _TEENSOUND_HINT.search(text) is None:
        return text
    return _edit_pass(text, passes, _teensound_edits)


# --- Seller disguises, third round --------------------------------------------------------------------
# Vietnamese typed without the input method converting it: Telex ("hangf xachs tay", "thuoocs las":
# a final s/f/r/x/j is the tone, aa/ee/oo/aw/ow/uw/dd the letters â ê ô ă ơ ư đ) and VNI ("ha2ng xa1ch
# tay": digits 1-5 the tones, 6-9 the letters). A word is read so only when it then is one Vietnamese
# syllable and was none before, and only beside another such word, or when it has both a tone key and a
# letter key ("thuoocs"): a lone "bus", "teen", "a1" or "chef" stays.
_TYPING_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_TELEX_LETTERS = (("uow", "ươ"), ("aa", "â"), ("ee", "ê"), ("oo", "ô"), ("aw", "ă"), ("ow", "ơ"), ("uw", "ư"))
_VNI_LETTERS = (
    ("u7o7", "ươ"),
    ("uo7", "ươ"),
    ("a6", "â"),
    ("e6", "ê"),
    ("o6", "ô"),
    ("a8", "ă"),
    ("o7", "ơ"),
    ("u7", "ư"),
)
_TYPING_TOKEN = re.compile(r"(?<!\S)[a-z0-9]{3,8}(?=[\s,;:!?)]|$)")
_TYPING_VOWELS = "aăâeêioôơuưy"
_TYPING_HATS = "ăâêôơư"
_TYPING_CLASSES = _CHARMAP.class_table(
    {
        ord("t"): lambda c: c in "sfrxj",
        ord("d"): lambda c: c in "12345",
        ord("a"): lambda c: c.isascii() and c.isalpha() and c not in "sfrxj",
        ord("v"): lambda c: c.isalnum() and not (c.isascii() and c.isalpha()) and c not in "12345",
    }
)  # "v": other letters and digits, which no typed word holds ("tr" in "trắng" ends no word)


def _place_tone(word: str, mark: str) -> str | None:
    """``word`` (Vietnamese letters, no tone) with the tone ``mark`` on the vowel that carries it."""
    k = 0
    for onset in ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr"):
        if word.startswith(onset) and len(word) > len(onset) and word[len(onset)] in _TYPING_VOWELS:
            k = len(onset)
            break
    else:
        while k < len(word) and word[k] not in _TYPING_VOWELS:
            k += 1
    j = k
    while j < len(word) and word[j] in _TYPING_VOWELS:
        j += 1
    if j == k:
        return None
    nucleus = range(k, j)
    hats = [i for i in nucleus if word[i] in _TYPING_HATS]
    if hats:
        at = hats[-1]
    elif j - k == 1 or j < len(word):
        at = j - 1
    else:
        at = k + 1 if j - k == 3 else k
    return unicodedata.normalize("NFC", word[: at + 1] + mark + word[at + 1 :])


_HAT_NEXT = {"â": "uy", "ê": "u", "ô": "i", "ơ": "i", "ư": "aiuơ", "ă": ""}  # vowels a hat letter may precede


def _hats_valid(word: str) -> bool:
    """Each of â ê ô ơ ư ă in ``word`` is followed by a vowel it may be followed by, a final
    consonant, or nothing ("pơe" from "power" is no syllable); ă never ends a syllable."""
    for i, c in enumerate(word):
        nxt = _HAT_NEXT.get(c)
        if nxt is None:
            continue
        after = word[i + 1 : i + 2]
        if after in _TYPING_VOWELS and after not in nxt if after else c == "ă":
            return False
    return True


def _typed_word(tok: str) -> tuple[str, bool] | None:
    """Telex or VNI typing read as Vietnamese: the word, and whether both a tone and a letter key
    were typed."""
    if "0" in tok or _vn_syllable(tok) or tok.isdigit() or tok[0] == "p" and tok[1:2] != "h":
        return None
    mark = None
    if not tok.isalpha():  # VNI: one digit, after a vowel
        digits = [i for i, c in enumerate(tok) if c.isdigit()]
        at = digits[0] if len(digits) == 1 else 0
        if not at or tok[at - 1] not in "aeiouy" and at + 1 < len(tok) and tok[at] != "9":
            return None
        d = tok[digits[0]]
        if d in _VNI_TONES:
            mark, tok = _VNI_TONES[d], tok.replace(d, "")
        word = tok
        for key, letter in _VNI_LETTERS:
            word = word.replace(key, letter)
        word = word.replace("d9", "đ", 1)
        if not word.isalpha():
            return None
    else:
        if tok[-1] in _TYPING_TONES:
            mark, tok = _TYPING_TONES[tok[-1]], tok[:-1]
        word = "đ" + tok[2:] if tok.startswith("dd") else tok
        for key, letter in _TELEX_LETTERS:
            word = word.replace(key, letter)
        if "w" in word:
            return None
    keyed = word != tok
    if not keyed and mark is None:
        return None
    if mark is not None:
        placed = _place_tone(word, mark)
        if placed is None:
            return None
        word = placed
    if not one_syllable(word) or not _vn_syllable(_fold(word)) or not _hats_valid(word):
        return None
    return word, keyed and mark is not None


def _typing_edits(text: str) -> list[tuple[int, int, str]]:
    """Typed words read where two or more come in a run of words (plain unaccented syllables may stand
    between them: "hangf xachs tay nhaatj"), one of them with a tone and either a letter key or five
    characters ("hangf", "thuoocs"); not "air max", "moon tee", "giày boots nam"."""
    edits: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str, bool]] = []
    end = -1
    for m in _TYPING_TOKEN.finditer(text):
        a, b = m.span()
        if text[end:a] not in (" ", "  "):
            if len(run) > 1 and any(r[3] for r in run):
                edits.extend((s, e, w) for s, e, w, _ in run)
            run = []
        end = b
        tok = m.group()
        typed = _typed_word_memo(tok)
        if typed is not None:
            long_toned = b - a >= 5 and typed[0] != _fold(typed[0])
            run.append((a, b, typed[0], typed[1] or long_toned))
        elif not (tok.isalpha() and _vn_syllable(tok)):
            end = -1  # neither typed nor a plain syllable: the run ends
    if len(run) > 1 and any(r[3] for r in run):
        edits.extend((s, e, w) for s, e, w, _ in run)
    return edits


def _typing_words(text: str, enc: bytes) -> int:
    """How many words of one-byte text (lower case) read as typed Vietnamese, counting up to two
    (two are needed for a run): words ending in a tone key after a letter, or with a VNI tone digit
    after one; each word is looked up once in :func:`_typed_word_memo`."""
    cls = enc.translate(_TYPING_CLASSES) + b" "
    count = 0
    for needle in (b"t ", b"ad"):
        p = cls.find(needle)
        while p >= 0:
            a = cls.rfind(b" ", 0, p) + 1
            b = cls.find(b" ", p + 1)
            p = cls.find(needle, b)
            if (
                2 < b - a < 9
                and (a == 0 or text[a - 1].isspace())
                and _typed_word_memo(text[a:b]) is not None
            ):
                count += 1
                if count > 1:
                    return count
    return count


_TYPED_MEMO: dict[str, tuple[str, bool] | None] = {}


# the shape of a typed syllable, keys included: a cheap test before :func:`_typed_word` ("sm-a525f",
# "inbox", "plus" fail here)
_TYPED_SHAPE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|dd|d9|[bcdghklmnprstvx])?[aeiouyw1-8]{1,6}(?:ch|ng|nh|[cmnpt])?[1-5sfrxj]?"
)


def _typed_word_memo(tok: str) -> tuple[str, bool] | None:
    """:func:`_typed_word`, remembered for the words a crawl sees again (bounded)."""
    if _TYPED_SHAPE.fullmatch(tok) is None:
        return None
    try:
        return _TYPED_MEMO[tok]
    except KeyError:
        if len(_TYPED_MEMO) > 50_000:
            _TYPED_MEMO.clear()
        out = _TYPED_MEMO[tok] = _typed_word(tok)
        return out


def _typing_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Read Telex / VNI typing; ``text`` itself if there is none. First test, on the text one byte
    per character (``enc``, or made with other characters as "?"): two words that read as typed."""
    if _typing_words(text, _CHARMAP.encode_lossy(text) if enc is None else enc) < 2:
        return text
    return _edit_pass(text, passes, _typing_edits)


# Stretched marked vowels: the marked vowel with plain or marked copies of the same vowel beside it
# ("vaảy", "hàaàng", "teê", "làa"): a run of one vowel letter is the marked one, when the word then is
# one Vietnamese syllable. "ưu" (hưu, cứu) and a pair "oo" (xoong, quần soóc) are rhymes and stay.
_ECHO_FAMILY = {c: b for b, cs in (("a", "aàáảãạ"), ("e", "eèéẻẽẹ"), ("i", "iìíỉĩị"), ("o", "oòóỏõọ"), ("u", "uùúủũụ"), ("y", "yỳýỷỹỵ"), ("â", "âầấẩẫậ"), ("ê", "êềếểễệ"), ("ô", "ôồốổỗộ"), ("ă", "ăằắẳẵặ"), ("ơ", "ơờớởỡợ")) for c in cs}  # fmt: skip
_ECHO_BASES = {"a": "a", "â": "a", "ă": "a", "e": "e", "ê": "e", "o": "o", "ô": "o", "ơ": "o", "i": "i", "u": "u", "y": "y"}  # fmt: skip
_ECHO_RUN = re.compile("[aàáảãạâầấẩẫậăằắẳẵặ]{2,}|[eèéẻẽẹêềếểễệ]{2,}|[iìíỉĩị]{2,}|[oòóỏõọôồốổỗộơờớởỡợ]{2,}|[uùúủũụ]{2,}|[yỳýỷỹỵ]{2,}")  # fmt: skip
_ECHO_WORD = re.compile(r"[^\W\d_]+")


def _echo_letter(run: str) -> str | None:
    """The one letter a stretched run stands for: its only marked form, the hat letter if any."""
    marked = {c for c in run if c not in "aeiouy"}
    if len(marked) == 1:
        return marked.pop()
    if len(marked) == 2:  # a hat letter and that letter with a tone ("teêế" is rare; "ôố" -> "ố")
        a, b = sorted(marked, key=lambda c: len(unicodedata.normalize("NFD", c)))
        if _ECHO_FAMILY.get(b) == a:
            return b
    return None


def _echo_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _ECHO_RUN.finditer(text):
        run = m.group()
        if run.isascii() or len(run) == 2 and run[0] in "oòóỏõọ" and run[1] in "oòóỏõọ":
            continue  # plain doubles are the stretch pass's ("coffee"); "oo" is a rhyme ("soóc", "xoòng")
        letter = _echo_letter(run)
        if letter is None:
            continue
        w = _ECHO_WORD.search(text, max(0, m.start() - 8), m.end() + 8)
        while w is not None and w.end() < m.start():
            w = _ECHO_WORD.search(text, w.end(), m.end() + 8)
        if w is None or w.start() > m.start():
            continue
        a, b = w.span()
        while b < len(text) and text[b].isalpha():
            b += 1
        word = text[a : m.start()] + letter + text[m.end() : b]
        if one_syllable(word) and _vn_syllable(_fold(word)):
            edits.append((m.start(), m.end(), letter))
    return edits


# one byte per character: a plain vowel as its letter (a e i o u y), a marked one as the capital of
# its base letter, "ư" and all else as 0; neighbours XOR to 0x20 where they are one vowel, once marked
_ECHO_CLASSES = bytes(
    ord(b) if c == b else ord(b.upper()) if b else 0
    for c in _CHARMAP.decoding
    for b in [_ECHO_BASES.get(_ECHO_FAMILY.get(c, ""), "")]
)


def _echo_hint(enc: bytes) -> bool:
    """Two neighbours of one base vowel, one marked and one not: XOR of the class bytes with the next
    ones (one shift of one big integer) holds 0x20 there."""
    x = int.from_bytes(enc.translate(_ECHO_CLASSES), "little")
    return b" " in (x ^ (x >> 8)).to_bytes(len(enc), "little")


def _echo_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Squeeze stretched marked vowels; ``text`` itself if there are none."""
    if enc is None:
        enc = _CHARMAP.encode_lossy(text)  # other characters as "?" for the test: no vowel
    x = int.from_bytes(enc.translate(_ECHO_CLASSES), "little")  # _echo_hint(enc), inlined
    if b" " not in (x ^ (x >> 8)).to_bytes(len(enc), "little"):
        return text
    return _edit_pass(text, passes, _echo_edits)


def _base_bytes(fill: int) -> bytes:
    """:func:`_letter_bytes` with each vowel as its plain base letter ("à", "â", "ậ" as "a"; "ư"
    apart), so that a stretched marked vowel is a double too."""
    out = bytearray(_letter_bytes(fill))
    plain = _CHARMAP.encode("aeiouy")
    assert plain is not None
    for b, c in enumerate(_CHARMAP.decoding):
        base = _ECHO_BASES.get(_ECHO_FAMILY.get(c, ""))
        if base is not None:
            out[b] = plain["aeiouy".index(base)]
    return bytes(out)


_BASE_A, _BASE_B = _base_bytes(0x20), _base_bytes(0x21)


def _base_double_marks(enc: bytes) -> bytes:
    """:func:`_double_marks` with a vowel and its marked forms as one letter ("aà" is a double)."""
    n = len(enc)
    if n < 2:
        return b""
    x = int.from_bytes(enc.translate(_BASE_A)[:-1], "little") ^ int.from_bytes(
        enc.translate(_BASE_B)[1:], "little"
    )
    return x.to_bytes(n - 1, "little")


def _stretch_echo_pass(text: str, passes: list[PassMap], enc: bytes | None) -> str:
    """:func:`_stretch_pass` then :func:`_echo_pass`, for one-byte text sharing their first test:
    the doubles found with vowels as their base letters hold every exact double (the stretch
    pass's) and every pair of one vowel, once marked and once not (the echo pass's)."""
    if enc is None:
        return _echo_pass(_stretch_pass(text, passes), passes)
    zeros = _base_double_marks(enc)
    i = zeros.find(0)
    if i < 0:
        return text
    echo = False
    while i >= 0 and not echo:
        echo = enc[i] != enc[i + 1]
        i = zeros.find(0, i + 1)
    # _stretch_pass(text, passes, enc) on these zeros: every exact double is among them
    if _stretch_sure_enc(text, zeros):
        out = _stretch3_pass(_edit_pass(text, passes, _stretch_edits), passes)
    else:  # the text is unchanged: its exact doubles are among the zero bytes
        out = _stretch3_fast(text, passes, _exact_doubles(enc, zeros))
    if echo or out is not text:
        out = _echo_pass(out, passes, None if out is not text else enc)
    return out
