"""Second round of seller disguises: letters split by any separator ("d/u/p/e", "c#h#ữ#a"), spaced-out
dates ("0 5 / 2 0 2 6", "0|6|/|2|0|2|6"), emoji inside a word ("ye✨tti"), teencode sounds ("jữ", "wá", "fải"), Hangul fillers and invisible characters before a combining mark, long
stretches in plain words ("xonggg", "gaaaan", "hsddd") and alternating case with leet digits or
stretched letters ("cHữ4", "tTtTẩY"). Their innocent twins (sizes "S/M/L", options "đen / trắng",
prices, dates, codes, names) are left alone."""

from __future__ import annotations

import pytest

from rules.engine import Engine
from rules.text import normalize
from tests.rules.test_text_fast import assert_fast_matches_reference

CASES = [
    # (original, normalised text)
    # any separator between letters, the same one throughout; a doubled one is a word break
    ("Nước hoa d/U/p/E b/A/c/C/a/R/a/T", "nước hoa dupe baccarat"),
    ("K/i/ế/m N*h*ậ*t k/a/t/a/n/a", "kiếm nhật katana"),
    ("Siro c#h#ữ#a##t#ự##k#ỷ cho bé", "siro chữa tự kỷ cho bé"),
    ("h:s:d 10/2025, l\\o\\g\\o Dior", "hsd 10/2025, logo dior"),
    ("đ=i=ệ=n t=h=o=ạ=i, r^ư^ợ^u", "điện thoại, rượu"),
    ("l^á x=y", "l^á x=y"),  # two letters are no run
    # single digits of a date or a grade split by one separator
    ("date| 0|6|/|2|0|2|6, clone 1~:~1", "date| 06/2026, clone 1:1"),
    # an emoji inside a word, beside a piece of one or two letters
    ("bình giữ nhiệt ye✨tti, sừn🎁g tê giác", "bình giữ nhiệt yetti, sừng tê giác"),
    ("Giày ⒣⒪💥⒦⒦⒜ Clifton", "giày hokka clifton"),
    # emoji on letters spaced apart, stretched letters among them
    ("S Ừ N💯 G   T Ê  🎁 G I Á C🌸 châu Phi", "sừng tê giác châu phi"),
    ("T H U Ố👉 C⚡ C  🎁 H Ú💯 Ú Ú T💥 tẩu", "thuốc hút tẩu"),
    # a unit stretched after a number, a stretched abbreviation inside
    ("giảm 6kggg, hssssd 2 năm", "giảm 6kg, hsd 2 năm"),
    # teencode sounds in Vietnamese words
    ("bình jữ nhiệt, đã wá date, wần jean, fải thử", "bình giữ nhiệt, đã quá date, quần jean, phải thử"),
    ("Hồng Kông, wifi, jean, fake, kem", "hồng kông, wifi, jean, fake, kem"),
    # Greek capitals read as the capitals they look like
    ("ΗＳＤＤＤ 02/2026, ΝΙΚΕ", "hsd 02/2026, nike"),
    # capitals spaced apart with leet digits inside the words; a number beside a split word stays apart
    ("Túi vải F 0 N G   C Á C H   C H 4 N E L", "túi vải phong cách chanel"),  # "fong cách": teencode
    ("Thuốc P A R A Q U A T 1 lít, T a n g  5 k g  c h i", "thuốc paraquat 1 lít, tang 5 kg chi"),
    # spaced-out dates
    ("H S D   0 5 / 2 0 2 6", "hsd 05/2026"),
    ("date 1 0 . 2 0 2 5 nhé", "date 10.2025 nhé"),
    # Hangul fillers and invisible characters before a mark
    ("v\u3164a\u3164p\u3164e pod", "vape pod"),
    ("P\ufeffh\u00ada\u00ad\u0301o hoa", "pháo hoa"),
    # long stretches in plain words, a stretched abbreviation, a doubled consonant in a Vietnamese word
    ("Mayyy xonggg hoaaa quaaa", "may xong hoa qua"),
    ("khỏi hẳn bệnh gaaaan, innnn lại", "khỏi hẳn bệnh gan, in lại"),
    ("trrong 1 thang HSDDD 02/2025", "trong 1 thang hsd 02/2025"),
    ("P\ufeffh\u00ad\U0001d622\u00ad\u0301ｏ\ufeffｏ\ufeffｏ", "pháo"),
    # alternating case is a disguise when the token is one syllable once leet and stretches are undone
    ("Thuốc cHữ4 vÔ s1nH", "thuốc chữa vô sinh"),
    ("tTtTẩY đẾt in lại", "tẩy đết in lại"),
    ("тҺа̂̀n dược", "thần dược"),  # a Cyrillic lower-case t before a capital shha: one syllable
    # left alone
    ("Áo size S/M/L/XL màu đen / trắng / xám", "áo size s/m/l/xl màu đen / trắng / xám"),
    ("Size S/M/L, giá 1.200.000, HSD 02/2026", "size s/m/l, giá 1.200.000, hsd 02/2026"),
    ("Kem SPF50+/PA++++ 1/2/3 lần, 12:30, US/UK/EU", "kem spf50+/pa++++ 1/2/3 lần, 12:30, us/uk/eu"),
    ("Ốp iPad mini 1 - 2 - 3 - 4 - 5", "ốp ipad mini 1 - 2 - 3 - 4 - 5"),
    (
        "Bbia coffee matt boss Chivasss EeePC AAA zzz viii",
        "bbia coffee matt boss chivasss eeepc aaa zzz viii",
    ),
    ("Công ty TNHH, TGDD, PCCC, 10mm", "công ty tnhh, tgdd, pccc, 10mm"),
    ("nồi xoong inox", "nồi xoong inox"),
    ("pod🔥vape, hàng xách tay✨mỹ, 1-2-3, 10mm", "pod vape, hàng xách tay mỹ, 1-2-3, 10mm"),
    ("Áo XXXL, PCCC", "áo xxxl, pccc"),
    ("Giảm10cmVòngEoSau1Tuần LấyCảmHứngTừFearOfGod", "giảm 10cm vòng eosau 1 tuần lấy cảm hứng từ fearofgod"),
    ("Đèn VuôngG8 TrònG9, HàNội", "đèn vuông g8 tròn g9, hà nội"),
]


@pytest.mark.parametrize(("original", "text"), CASES)
def test_disguise_undone(original: str, text: str) -> None:
    assert normalize(original).text == text


@pytest.mark.parametrize(("original", "text"), CASES)
def test_fast_path_matches_reference(original: str, text: str) -> None:
    assert_fast_matches_reference(original)
    assert_fast_matches_reference(f"Tiêu đề {original} hết")


def test_evidence_maps_back_to_the_disguised_text(engine: Engine) -> None:
    title = "Nước hoa d/U/p/E Baccarat Rouge 540"
    hits = [h for h in engine.evaluate({"title": title}) if h.category == "brand_infringement"]
    assert hits
    spans = [(e.start, e.end) for h in hits for e in h.evidence if e.field == "title"]
    assert any(title[s:e] == "d/U/p/E" for s, e in spans), spans


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Máy xông hoa quả mayyy xonggg", "prohibited"),
        ("K/i/ế/m N*h*ậ*t k/a/t/a/n/a mài sắc", "prohibited"),
        ("Thuốc nam cHữ4 vÔ s1nH hiếm muộn", "misleading"),
        ("Son MAC HSD 0 5 / 2 0 2 5 xả kho", "expired"),
        ("Dầu gội thanh lý, đã wá date 1 tuần", "expired"),
        (
            "Nhận i\u2060n\u2060n\ufeffn l\ufeffạ\ufeffi h\u200bạ\u200bn s\u2060ử d\u00adụ\u00adn\u00adg",
            "expired",
        ),
    ],
)
def test_disguised_signal_flags(engine: Engine, title: str, category: str) -> None:
    assert category in engine.assess({"title": title}).categories


@pytest.mark.parametrize(
    "title",
    [
        "Áo thun nam size S/M/L/XL màu đen / trắng",
        "Pin AAA vỉ 4 viên, giá 1.200.000",
        "Ốp lưng iPad mini 1 - 2 - 3 - 4 - 5",
    ],
)
def test_innocent_twins_stay_clean(engine: Engine, title: str) -> None:
    assert not engine.assess({"title": title}).categories
