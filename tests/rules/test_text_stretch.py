"""Letters stretched by repetition ("đầuu pod", "xịnnn", "rẻeee", "vapeee") are squeezed back, and
look-alike letters that carry marks (Cyrillic "ӑ", Greek "ά") stand for the Latin letter with the
same marks; innocent doubles (English words, marks, codes, two words run together) are left alone."""

from __future__ import annotations

import random

import pytest

from rules.engine import Engine
from rules.text import (
    _CHARMAP,
    _STRETCH_HINT,
    _STRETCH_SURE,
    _base_double_marks,
    _double_marks,
    _exact_doubles,
    _stretch_sure,
    _stretch_sure_enc,
    normalize,
)
from tests.rules.test_text_fast import assert_fast_matches_reference

CASES = [
    # (original, normalised text)
    ("Hộp đựng pod kèm 2 đầuu pod", "hộp đựng pod kèm 2 đầu pod"),
    ("Đeo là hết cao huyếtt áp", "đeo là hết cao huyết áp"),
    ("hàngg xịnnn giá rẻeee quáaa", "hàng xịn giá rẻ quá"),
    ("ơiiii chịuuu", "ơi chịu"),
    ("vapeee fakeeee lenovooo", "vape fake lenovo"),
    ("Хӑng A95 can 20 lít", "xăng a95 can 20 lít"),  # Cyrillic a with breve
    ("Cά phê", "cá phê"),  # Greek alpha with tonos
    # left alone
    ("nồi xoong inox, boong tàu", "nồi xoong inox, boong tàu"),
    ("ưu tiên cừu lưu", "ưu tiên cừu lưu"),  # "ư" then "u" are two letters
    ("Dầu gội TRESemmé", "dầu gội tresemmé"),
    ("nútthời trang", "nútthời trang"),  # two words run together, not a stretch
    ("Guccii Adidass Chivasss", "guccii adidass chivasss"),  # look-alike marks stay look-alikes
    ("Pin AAA, áo XXXL, Stanmore III", "pin aaa, áo xxxl, stanmore iii"),
    ("Asus EeePC bluetoooth coffee free", "asus eeepc bluetoooth coffee free"),
]


@pytest.mark.parametrize(("original", "text"), CASES)
def test_stretch_undone(original: str, text: str) -> None:
    assert normalize(original).text == text


@pytest.mark.parametrize(("original", "text"), CASES)
def test_fast_path_matches_reference(original: str, text: str) -> None:
    assert_fast_matches_reference(original)
    assert_fast_matches_reference(f"Tiêu đề {original} hết")


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Combo 2 đầuu pod và 1 chai tinh dầu 30ml", "prohibited"),
        ("Vòng điều hòa đeo là hết cao huyếtt áp, không cần uống thuốc", "misleading"),
        ("Giày Jordan 1 hàng fakeee giá rẻ", "counterfeit"),
        ("Хӑng A95 can nhựa 20 lít giao tận nơi", "restricted"),
    ],
)
def test_stretched_signal_flags(engine: Engine, title: str, category: str) -> None:
    assert category in engine.assess({"title": title}).categories


def test_evidence_maps_back_to_the_stretched_text(engine: Engine) -> None:
    title = "Combo 2 đầuu pod vị dâu"
    spans = [
        title[e.start : e.end]
        for h in engine.evaluate({"title": title})
        if h.category == "prohibited"
        for e in h.evidence
        if e.field == "title"
    ]
    assert any("đầuu pod" in s for s in spans), spans


def test_sure_search_around_doubles_is_the_whole_search() -> None:
    """The stretch gate looks for its pattern only around doubled letters: same answer."""
    rng = random.Random(11)
    letters = "aaeeouyđờiệxnt ươ"
    texts = ["".join(rng.choice(letters) for _ in range(rng.randint(1, 16))) for _ in range(20000)]
    texts += [normalize(t).text for t, _ in CASES] + [
        "ờiii",
        "xaaaa",
        "ngườii",
        "đddd",
        "rẻeee",
        "coffee",
        "",
        "a",
    ]
    for text in texts:
        sure = _STRETCH_SURE.search(text) is not None
        assert _stretch_sure(text) == sure, text
        enc = _CHARMAP.encode(text)
        if enc is not None:  # the one-byte path finds the doubles with a XOR
            zeros = _double_marks(enc)
            assert (zeros.find(0) >= 0) == (_STRETCH_HINT.search(text) is not None), text
            assert _stretch_sure_enc(text, zeros) == sure, text


def test_exact_doubles_from_the_vowel_base_test_are_the_regex_doubles() -> None:
    """The stretch and stretched-vowel passes share one XOR test where a vowel and its marked forms are
    one letter; the exact doubles taken from it are the ones the stretch regex finds, non-overlapping."""
    rng = random.Random(7)
    letters = "aàảâầeêếiooóuưyđnt "
    texts = ["".join(rng.choice(letters) for _ in range(rng.randint(0, 18))) for _ in range(20000)]
    texts += ["aàà", "àaa", "hàaàng", "coffee", "aaaa", "vaảy", ""]
    for text in texts:
        enc = _CHARMAP.encode(text)
        if enc is not None:
            expected = [m.start() for m in _STRETCH_HINT.finditer(text)]
            assert _exact_doubles(enc, _base_double_marks(enc)) == expected, text
