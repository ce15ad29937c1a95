"""Words run together, split where the case or a digit changes.

The camel-case pass breaks "DaoGăm", "Giảm10cmVòngEo" where a side is Vietnamese and leaves
"iPhone", "SamSung" and case disguises (:func:`_case_disguise`: "cHữ4", "hÀaaNg") alone; it runs
before lower-casing, on the text or on its one-byte classes (:func:`_camel_fast`).
"""

from __future__ import annotations

import re
import unicodedata

from rules.text.leet import _LEET_ALL, _vn_distinct, _vn_syllable
from rules.text.memo import WordMemo
from rules.text.spans import PassMap, _apply, _edit_pass, _lazy
from rules.text.stretch import _RUN2
from rules.text.tables import (
    _ALNUM_CLASSES,
    _ASCII_LETTERS,
    _CASE_DIGIT_CLASSES,
    _DIA,
    _DIGIT_DIA_CLASSES,
    _MAP,
    _char_class,
    _find_all,
    _fold,
)
from rules.textdata import CAMEL_KEEP

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


def _camel_cuts(tok: str) -> tuple[int, ...]:
    """Where a word break goes inside one alphanumeric token (memoised), see :func:`_camel_split`."""
    return _CAMEL[tok]  # type: ignore[no-any-return]


_CAMEL = WordMemo(lambda tok: _camel_split(tok))


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


def _camel_pass(text: str, passes: list[PassMap]) -> str:
    return _edit_pass(text, passes, _camel_edits)


def _case_disguise(tok: str) -> bool:
    """A token whose case changes are a disguise, not word breaks: one Vietnamese syllable once leet
    digits are read and stretched letters squeezed ("cHữ4", "tTtTẩY", "hÀaaNg")."""
    if not any(
        tok[i].islower() and tok[i + 1].isupper() and tok[i + 2].islower() for i in range(len(tok) - 2)
    ):
        return False  # no lower-upper-lower ("TrònG9", "BếpP": a word and a code or a typo)
    word = _fold("".join(_LEET_ALL.get(c, _MAP.get(c, c)) for c in tok.lower()))
    return word.isascii() and word.isalpha() and _vn_syllable(_RUN2.sub(r"\1", word))
