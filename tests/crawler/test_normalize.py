from __future__ import annotations

import unicodedata

import pytest

from crawler.normalize import MERGED_PROVINCES, clean_text, normalize_location, parse_price_text, price_to_vnd


@pytest.mark.parametrize(
    ("written", "legacy", "current", "abroad"),
    [
        ("TP. Hồ Chí Minh", "TP. Hồ Chí Minh", "TP. Hồ Chí Minh", False),
        ("Hồ Chí Minh", "TP. Hồ Chí Minh", "TP. Hồ Chí Minh", False),
        ("tp hcm", "TP. Hồ Chí Minh", "TP. Hồ Chí Minh", False),
        ("Bình Dương", "Bình Dương", "TP. Hồ Chí Minh", False),
        ("Kiên Giang", "Kiên Giang", "An Giang", False),
        ("Tỉnh Kiên Giang", "Kiên Giang", "An Giang", False),
        ("kien giang", "Kiên Giang", "An Giang", False),
        ("An Giang", "An Giang", "An Giang", False),
        ("Bạc Liêu", "Bạc Liêu", "Cà Mau", False),
        ("Quận Thanh Xuân, Hà Nội", "Hà Nội", "Hà Nội", False),
        ("Thừa Thiên Huế", "Thừa Thiên Huế", "Huế", False),
        ("Đắk Nông", "Đắk Nông", "Lâm Đồng", False),
        ("Nước ngoài", None, None, True),
        ("Atlantis", None, None, False),
    ],
)
def test_location_keeps_written_and_maps_old_and_new_province(written, legacy, current, abroad) -> None:
    location = normalize_location(written)
    assert location.written == written
    assert (location.province_legacy, location.province, location.is_abroad) == (legacy, current, abroad)


def test_province_table_has_63_old_and_34_new() -> None:
    old = [p for olds in MERGED_PROVINCES.values() for p in olds]
    assert len(MERGED_PROVINCES) == 34
    assert len(old) == len(set(old)) == 63
    for name in old:
        assert normalize_location(name).province is not None, name


def test_empty_location() -> None:
    assert normalize_location("  ").written is None


@pytest.mark.parametrize(
    ("text", "vnd"),
    [("1tr2", 1_200_000), ("350k", 350_000), ("1.200.000đ", 1_200_000), ("1,200,000 VND", 1_200_000),
     ("2 triệu", 2_000_000), ("1,5tr", 1_500_000), ("99.000 ₫", 99_000), ("giá ib", None), ("", None)],
)  # fmt: skip
def test_parse_price_text(text: str, vnd: int | None) -> None:
    assert parse_price_text(text) == vnd


def test_shopee_price_units() -> None:
    assert price_to_vnd(15_700_000_000, "shopee") == 157_000
    assert price_to_vnd(133_900) == 133_900
    assert price_to_vnd(None) is None


def test_clean_text_nfc_controls_and_spaces() -> None:
    decomposed = unicodedata.normalize("NFD", "Nước hoa  Đức\u200b\x07 chính hãng")
    assert clean_text(decomposed) == "Nước hoa Đức chính hãng"
    assert unicodedata.is_normalized("NFC", clean_text(decomposed))
    assert clean_text("a\n\n  b  \n", multiline=True) == "a\nb"
