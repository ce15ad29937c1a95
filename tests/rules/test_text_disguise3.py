"""Third round of seller disguises: Vietnamese typed without the input method converting it (Telex
"hangf xachs tay", VNI "ha2ng xa1ch tay"), stretched marked vowels ("vaảy", "hàaàng"). Their innocent
twins (English words that are also Telex
keys: "Air Max", "boots", "moon tee", "power"; codes such as "A56C", "BC5000") are left alone."""

from __future__ import annotations

import pytest

from rules.engine import Engine
from rules.text import normalize
from tests.rules.test_text_fast import assert_fast_matches_reference

CASES = [
    # (original, normalised text)
    # Telex: a final s/f/r/x/j is the tone; aa ee oo aw ow uw dd the letters â ê ô ă ơ ư đ
    ("Hangf xachs tay Nhaatj", "hàng xách tay nhật"),
    ("thuoocs las Thanh Hóa", "thuốc lá thanh hóa"),
    ("ddoonf hoof Thụy Sĩ", "đồn hồ thụy sĩ"),
    # VNI: digits 1-5 the tones (after the vowel or at the end), 6-9 the letters
    ("ha2ng xa1ch tay", "hàng xách tay"),
    ("hang2 xach1 tay", "hàng xách tay"),
    # left alone: English words and codes, a typed-looking word on its own
    ("Nike Air Max Plus, High Power, Mens Hair Care", "nike air max plus, high power, mens hair care"),
    ("Giày boots nam, moon tee, máy par par", "giày boots nam, moon tee, máy par par"),
    ("Pin Asus A56 A56C U47, BC5000, H2O, lux sa2.0", "pin asus a56 a56c u47, bc5000, h2o, lux sa2.0"),
    ("Kem thuoocs", "kem thuoocs"),
    # stretched marked vowels: a run of one vowel, plain or marked, is its marked form
    ("Vaảy tê tê, hàaàng xách tay, máy làa phẳng", "vảy tê tê, hàng xách tay, máy là phẳng"),
    ("ν\u2060ａ\ufeffａ\u2060ａ\ufeff\u0309у 𝓉\u2060ｅ\u2060ｅ\ufeff\u0302", "vảy tê"),
    # left alone: "ưu" and a pair "oo" are rhymes
    ("về hưu, cứu hộ, quần soóc, Chú Thoòng, nồi xoong", "về hưu, cứu hộ, quần soóc, chú thoòng, nồi xoong"),
    # "f" for "ph" in "fong cách", a word with no mark to tell it by
    ("Túi tote fong cách Chanel, áo fong cach Hàn", "túi tote phong cách chanel, áo phong cách hàn"),
]


@pytest.mark.parametrize(("original", "text"), CASES)
def test_disguise_undone(original: str, text: str) -> None:
    assert normalize(original).text == text


@pytest.mark.parametrize(("original", "text"), CASES)
def test_fast_path_matches_reference(original: str, text: str) -> None:
    assert_fast_matches_reference(original)
    assert_fast_matches_reference(f"Tiêu đề {original} hết")


def test_evidence_maps_back_to_the_typed_text(engine: Engine) -> None:
    title = "Sữa bột Aptamil hangf xachs tay Đức"
    hits = [h for h in engine.evaluate({"title": title}) if h.category == "smuggled"]
    assert hits
    spans = [(e.start, e.end) for h in hits for e in h.evidence if e.field == "title"]
    assert any(title[s:e].startswith("hangf") for s, e in spans), [title[s:e] for s, e in spans]


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Sữa bột Aptamil hangf xachs tay Đức", "smuggled"),
        ("Bán thuoocs las điện tử pod", "prohibited"),
        ("Sữa Meiji ha2ng xa1ch tay Nhật", "smuggled"),
        ("Bán vaảy tê tê nguyên con", "prohibited"),
        ("Siro bổ não cho bé tăng IQ 20 điểm", "misleading"),
        ("Nấm linh chi đỏ khỏi hẳn bệnh gan", "misleading"),
        ("Gin Bombay Sapphire 750ml", "restricted"),
        ("Bán khỉ rừng con mới bắt", "prohibited"),
        ("Móc khóa logo xe hơi Porsche", "brand_infringement"),
    ],
)
def test_disguised_signal_flags(engine: Engine, title: str, category: str) -> None:
    assert category in engine.assess({"title": title}).categories


@pytest.mark.parametrize(
    "title",
    [
        "Giày Nike Air Max Plus chính hãng",
        "Giày boots nam Chelsea",
        "Pin laptop Asus A56 A56C U47",
        "Bộ đồ lót nữ ren GIN Lingerie",
        "Máy xông khí rung Oromi",
        "Kẹp điện thoại đuôi khỉ",
        "Áo fong cách Hàn Quốc",
    ],
)
def test_innocent_twins_stay_clean(engine: Engine, title: str) -> None:
    assert not engine.assess({"title": title}).categories
