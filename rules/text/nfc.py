"""Special characters, piecewise NFC and stylised letters with marks.

The edits that fold homoglyphs and stylised letters (:func:`_special_edits`, :func:`_special_fast`),
the letter-by-letter composition of decomposed text (:func:`_nfc`, checked against
:func:`_nfc_reference`), whitespace runs, and the marks kept after a stylised letter
(:func:`_styled_marks`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from rules.text.memo import WordMemo
from rules.text.spans import _apply
from rules.text.tables import (
    _CHARMAP,
    _JAMO_RE,
    _MARK_CLASS,
    _MARKS,
    _NFC_CHARMAP,
    _NFC_MARK_CLASSES,
    _RANGES,
    _SPECIAL,
    _SPECIAL_HINT,
    _SPECIAL_RE,
    _SPECIAL_SUB,
    _SYMBOL_LETTERS,
    _VN_MARKS,
    _WS_RE,
)
from rules.textdata import HOMOGLYPHS


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
        pieces.append(_NFC_RUNS[run])
        pos = j
        i = cls.find(b"m", j)
    pieces.append(text[pos:])
    out = "".join(pieces)
    return out if unicodedata.is_normalized("NFC", out) else unicodedata.normalize("NFC", text)


_NFC_RUNS = WordMemo(lambda run: unicodedata.normalize("NFC", run), 10_000)  # a letter and its marks


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


# -- Disguises of issue 3: stylised letters with marks, words run together, letters split by
# symbols, digits in dotted runs, leetspeak digits beyond 0/1/3/4. Each pass is its own function
# behind a cheap hint; normalize() and normalize_reference() call them at the same points.


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
