"""The piecewise NFC of :func:`rules.text._nfc` gives exactly ``unicodedata.normalize("NFC", ...)``,
and :func:`rules.text.normalize` agrees with the reference on decomposed text."""

from __future__ import annotations

import random
import unicodedata

import pytest

from rules.text import _CHARMAP, _CLASSES, _SPLIT_HINT_CLS, _nfc, _split_hints
from tests.rules.test_text_fast import assert_fast_matches_reference

_NFD = unicodedata.normalize("NFD", "Nước hoa Chanel chiết 10ml hàng xách tay, ĐẸP rẻ, Ệ ỗ ử ậ")

NFC_CASES = [
    "",
    "plain ascii",
    _NFD,
    "\u0301leading mark",  # a mark with nothing before it
    "a\u0323\u0302 e\u0302\u0323",  # two marks in either order (canonical reordering)
    "1\u0301 x\u0301 \u0300\u0300 .\u0303",  # marks after a digit, a letter that does not compose, a space
    "\u2126hm \u212bngstr\u00f6m " + _NFD,  # singletons that NFC changes although no mark follows
    "\u1100\u1161\u11a8 " + _NFD,  # Hangul jamo compose without marks
    "Đ\u0301 đ\u0323 đ",
    _NFD + "\u200b🔥𝐌\u00a0–" + _NFD,  # outside the alphabet: whole-text NFC
    "e\u0302\u0301\u0301 o\u031b\u0300 u\u031b\u0309 a\u0306\u0303",
    "a\u0308\u0301 i\u0307",  # marks that are not Vietnamese
]


@pytest.mark.parametrize("text", NFC_CASES)
def test_nfc_matches_unicodedata(text: str) -> None:
    assert _nfc(text) == unicodedata.normalize("NFC", text)


def test_nfc_random_mixtures() -> None:
    rng = random.Random(3)
    alphabet = list("aeiouydđAĐ .1\n\x00") + ["\u0300", "\u0301", "\u0302", "\u0303", "\u0306", "\u0309"]
    alphabet += ["\u031b", "\u0323", "\u0308", "ệ", "Ω", "\u2126", "\u200b", "🔥"]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert _nfc(text) == unicodedata.normalize("NFC", text), repr(text)


@pytest.mark.parametrize("text", NFC_CASES[1:])
def test_normalize_decomposed_matches_reference(text: str) -> None:
    assert_fast_matches_reference(text)
    assert_fast_matches_reference(f"Túi {text} G.U.C.C.I ch@nel hàg ko")


@pytest.mark.parametrize(
    "text", ["", "a", " a ", " s m l xl", "r e p . a . b", "x.y.z_w a b c", "  a  b  ", ".a.a.a.a.", "ab c d"]
)
def test_split_hints_match_the_class_pattern(text: str) -> None:
    cls = _CHARMAP.encode(text)
    assert cls is not None
    cls = cls.translate(_CLASSES)
    assert _split_hints(cls) == [m.start() for m in _SPLIT_HINT_CLS.finditer(cls)]
