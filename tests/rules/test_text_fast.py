"""The one-byte fast path of :func:`rules.text.normalize` gives exactly what the general steps give:
same text, folded text, ``changed`` flag and offset map back to the original."""

from __future__ import annotations

import unicodedata
from types import MappingProxyType

import pytest

from rules.charmap import Charmap, vietnamese_letters
from rules.document import from_mapping, to_document
from rules.matcher import _BOUNDARY, pad
from rules.text import _CHARMAP, _FOLD_STR, SEPARATOR, fold, normalize, normalize_reference

CASES = [
    "",
    "Túi xách nữ da thật",
    "Giày Nike AF1 rep 1:1 full box bill",
    "Thắt lưng Gucc1 nam khóa GG vàng hàng đẹp",
    "Kính mát D!or So Real, like auth 99%",
    "$upreme áo thun; adida$ chính hãng",
    "Pin 5000mAh, size 500ml, date 2024, f1, 3ce",
    "f.a.k.e r e p G U C C I h.à.n.g x.á.c.h t.a.y",
    "C-h-a-n-e-l   túi  \n\n  ví",
    "hàg ko hóa đơn, sp k có tem, ng.gốc, za lo 0909",
    "Mã SP 12345, còn 3 sản phẩm!ko +ko (ko) ko_",
    "ĐỒNG HỒ ROLEX SUBMARINER MẶT XANH",
    unicodedata.normalize("NFD", "Nước hoa Chanel chiết 10ml hàng xách tay"),
    "Ｃｈａｎｅｌ 𝐌𝐋𝐁 Сhanel ᴄʜᴀɴᴇʟ 🅰🅱 v🔥a🔥p🔥e",
    "zero\u200bwidth\u200dtext and soft\u00adhyphen – dash … ellipsis\u00a0nbsp",
    "tab\there\r\nwindows line, İstanbul ΣΊΣΥΦΟΣ",
    f"title G.u.c.c.i{SEPARATOR}mô tả sp ko{SEPARATOR}Shop LV",
    "l0uis vuitt0n, ch@nel, d10r, gucc1, hermè$, pr@da",
    "a1b2c3d4e5 x441ua A441U 12 tháng lỗi 1 đổi 1 trong 7 ngày",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa4aaaa long token leet",
    "va.pe fa_ke hà.ng xá.ch t.ay hàng.fake order_Taobao p.Tân C.K ng.gốc",
    "Sữa h à n g  n ộ i  đ ị a  N g a r e p  1 1 r  e  p",
    "nộ1 đị4 x4ch t4y ps4 US$50 date_10.2026 E.x.p 07 2026",
    "Ｈàng.fake 𝐍.ội đ.ịa — v.v. www.abc.com abc@gmail.com",
]


def assert_fast_matches_reference(text: str) -> None:
    """normalize() and normalize_reference() agree on the text and on every short span's offsets."""
    fast, ref = normalize(text), normalize_reference(text)
    assert (fast.text, fast.folded, fast.changed) == (ref.text, ref.folded, ref.changed)
    n = len(fast.text)
    for start in range(n + 1):
        for end in range(start, min(n, start + 12) + 1):
            assert fast.to_original(start, end) == ref.to_original(start, end), (start, end)


@pytest.mark.parametrize("text", CASES)
def test_fast_path_matches_reference(text: str) -> None:
    assert_fast_matches_reference(text)


@pytest.mark.parametrize("text", CASES)
def test_pad_matches_table(text: str) -> None:
    folded = normalize(text).folded
    assert pad(folded) == " " + folded.translate(_BOUNDARY) + " "


def test_common_alphabet() -> None:
    assert _CHARMAP.encode("Hàng xách tay Việt Nam\nđẹp") is not None
    for outside in ("\u0323", "–", "\u00a0", "𝐌", "\t", "\r", "ß"):
        assert _CHARMAP.encode(f"abc{outside}") is None, repr(outside)
    letters = vietnamese_letters()
    assert len(letters) == 134 and all(c in _CHARMAP.chars for c in letters)


def test_charmap_tables() -> None:
    cm = Charmap(["a", "b", "é", "É"])
    data = cm.encode("abÉé")
    assert data is not None and len(data) == 4 and cm.decode(data) == "abÉé"
    assert cm.decode(data.translate(cm.byte_table(str.lower))) == "abéé"
    classes = data.translate(cm.class_table({ord("v"): lambda c: c in "aé"}, other=ord("-")))
    assert classes == b"v--v"
    with pytest.raises(ValueError, match="not one character"):
        cm.byte_table(lambda c: "zz")


def test_fold_of_common_text() -> None:
    text = "hàng xách tay nội địa đức"
    assert normalize(text).folded == fold(text) == "hang xach tay noi dia duc"


@pytest.mark.parametrize(
    "text", [*CASES, "ĐỨC Đà Lạt", "日本 ไทย ĐÀ", "ǅ ǆ Ạ ạ ₫", "".join(map(chr, range(0x3000)))]
)
def test_fold_matches_code_point_table(text: str) -> None:
    """fold() takes the byte translation for common text and the code-point table otherwise."""
    assert fold(text) == text.replace("đ", "d").translate(_FOLD_STR)


@pytest.mark.parametrize(
    "record",
    [
        {
            "title": "Túi LV",
            "price": "690.000",
            "attributes": {"xuất xứ": "Pháp"},
            "crawled_at": "2024-11-22",
        },
        {"title": "Áo", "description": None, "brand": "Gucci", "shop_location": "Nước ngoài"},
    ],
)
def test_dict_fast_path_same_document(record: dict[str, object]) -> None:
    a, b = to_document(record), from_mapping(MappingProxyType(record))
    assert to_document(MappingProxyType(record)).__repr__() == a.__repr__()
    assert all(getattr(a, k) == getattr(b, k) for k in a.__slots__)
