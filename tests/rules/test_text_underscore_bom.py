"""Two disguises the normaliser undoes: words chained by underscores (snake_case, "đường_chín_đoạn",
"f_a_k_e") and the zero-width no-break space U+FEFF between letters, like the other zero-width marks."""

from __future__ import annotations

import pytest

from rules.engine import Engine
from rules.text import normalize
from tests.rules.test_text_fast import assert_fast_matches_reference

CASES = [
    # (original, normalised text)
    ("Áo in bản đồ đường_chín_đoạn", "áo in bản đồ đường chín đoạn"),
    ("IQOS nội_địa_Nhật + 2 cây", "iqos nội địa nhật + 2 cây"),
    ("Chữa_khỏi_ung_thư giai đoạn 1", "chữa khỏi ung thư giai đoạn 1"),
    ("SX_04/2025_HD:_1_năm", "sx 04/2025 hd: 1 năm"),
    ("Mọc_tóc_100% cho người hói", "mọc tóc 100% cho người hói"),
    ("f_a_k_e", "fake"),  # single letters chained: one word
    ("Túi h_à_n_g x_á_c_h Mỹ", "túi hàng xách mỹ"),  # the space between chains is a word break
    ("fa_ke order_Taobao", "fake order taobao"),  # one underscore: the inner pass, unchanged
    ("h\ufeffà\ufeffn\ufeffg x\ufeffá\ufeffc\ufeffh tay", "hàng xách tay"),
    ("v\u00ada\u2060p\ufeffe", "vape"),
    # innocent text keeps its words
    ("Mã SP_001 áo thun", "mã sp_001 áo thun"),  # one underscore beside digits: a code, kept
    ("file_name_v2.txt", "file name v2.txt"),
]


@pytest.mark.parametrize(("original", "text"), CASES)
def test_disguise_undone(original: str, text: str) -> None:
    assert normalize(original).text == text


@pytest.mark.parametrize(("original", "text"), CASES)
def test_fast_path_matches_reference(original: str, text: str) -> None:
    assert_fast_matches_reference(original)
    assert_fast_matches_reference(f"Tiêu đề {original} hết")


def test_evidence_maps_back_to_the_disguised_text(engine: Engine) -> None:
    title = "Kem dưỡng nội_địa_Nhật chính hãng"
    hits = [h for h in engine.evaluate({"title": title}) if h.category == "smuggled"]
    assert hits, "an underscore chain hides no signal"
    spans = [(e.start, e.end) for h in hits for e in h.evidence if e.field == "title"]
    assert any("nội_địa_Nhật" in title[s:e] or title[s:e] in "nội_địa_Nhật" for s, e in spans), spans


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Áo thun in bản đồ đường_chín_đoạn", "prohibited"),
        ("Cao sâm Hàn Quốc chữa_khỏi_ung_thư", "misleading"),
        ("Pod đ\ufeffầ\ufeffu p\ufeffo\ufeffd vị dâu", "prohibited"),
    ],
)
def test_disguised_signal_flags(engine: Engine, title: str, category: str) -> None:
    assert category in engine.assess({"title": title}).categories
