"""Character tables and byte classes shared by every normalisation pass.

The field separator, the homoglyph / stylised-letter map and the regular expressions built from it,
the diacritics fold (:func:`fold`, :func:`fold_pattern`), the common alphabet (:data:`_CHARMAP`:
ASCII and Vietnamese letters, one byte per character) and the class tables over it that turn the
passes' hints into substring tests, with the small byte-search helpers over those classes. Built
once at import; nothing here imports another :mod:`rules.text` module.
"""

from __future__ import annotations

import re
import unicodedata

import ahocorasick

from rules.charmap import Charmap, vietnamese_letters
from rules.textdata import HOMOGLYPHS, LEET, PUNCTUATION, TEENCODE, UPPER_HOMOGLYPHS

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


_SEPS = frozenset(" .-_*+~|'")


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


_DIA = frozenset(c for c in vietnamese_letters())  # letters only Vietnamese has, both cases
_DIA_LOWER = "".join(sorted(c for c in _DIA if c.islower()))


def _find_all(data: bytes, needles: tuple[tuple[bytes, int], ...]) -> list[int]:
    """Ascending positions of each needle in ``data``, shifted by the needle's offset."""
    found: set[int] = set()
    for needle, shift in needles:
        i = data.find(needle)
        while i >= 0:
            found.add(i + shift)
            i = data.find(needle, i + 1)
    return sorted(found)


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
