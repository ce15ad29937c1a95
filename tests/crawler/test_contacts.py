"""Contacts in sellers' texts: Vietnamese phone numbers (however written), Zalo, Facebook, Telegram."""

from __future__ import annotations

import pytest

from crawler.contacts import Contacts, extract_contacts, find_phones, merge_contacts, normalize_link

PHONES = [
    # (text, phones)
    ("Hotline: 0909123456", ["+84909123456"]),
    ("LH 0909.123.456", ["+84909123456"]),
    ("Gọi 0909 123 456 nhé", ["+84909123456"]),
    ("sđt 0909-123-456", ["+84909123456"]),
    ("(+84) 909 123 456", ["+84909123456"]),
    ("+84 (0) 912 345 678", ["+84912345678"]),
    ("84.912.345.678", ["+84912345678"]),
    ("ĐT: (028) 3822 1234", ["+842838221234"]),
    ("0236.3822.123", ["+842363822123"]),
    ("0909.123.456 - 0912 345 678", ["+84909123456", "+84912345678"]),
    ("0909123456/0912345678", ["+84909123456", "+84912345678"]),
    ("09O9 123 456", ["+84909123456"]),  # letter O for a zero
    ("０９０９１２３４５６", ["+84909123456"]),  # fullwidth digits
    ("𝟎𝟗𝟎𝟗𝟏𝟐𝟑𝟒𝟓𝟔", ["+84909123456"]),  # mathematical bold digits
    ("0️⃣9️⃣0️⃣9️⃣1️⃣2️⃣3️⃣4️⃣5️⃣6️⃣", ["+84909123456"]),  # keycap emoji
    ("không chín không chín một hai ba bốn năm sáu", ["+84909123456"]),
    ("khong chin tam tam mot hai ba bon nam sau", ["+84988123456"]),
    ("0909 123 456 và 0909.123.456 (cùng số)", ["+84909123456"]),
    # not phone numbers
    ("Giá 1.200.000đ, ship 30.000đ", []),
    ("Giá: 450.000 - 600.000", []),
    ("Mã vạch 8935049500018", []),
    ("HSD 09/12/2026", []),
    ("0123 456 789", []),  # the 01x mobile prefixes ended in 2018
    ("MST: 0312345678", []),  # tax code: ten digits like a mobile
    ("Giấy phép ĐKKD số: 0108123456", []),
    ("SP0909123456", []),  # glued to a product code
    ("ba năm hai tháng", []),  # digit words, but not a number
]


@pytest.mark.parametrize(("text", "phones"), PHONES)
def test_find_phones(text: str, phones: list[str]) -> None:
    assert find_phones(text) == phones


LINKS = [
    ("https://www.facebook.com/shop.abc/?ref=bookmarks", "https://facebook.com/shop.abc"),
    ("fb.com/shopabc", "https://facebook.com/shopabc"),
    ("https://m.facebook.com/profile.php?id=1000123&ref=x", "https://facebook.com/profile.php?id=1000123"),
    ("https://facebook.com/groups/hangxachtay/", "https://facebook.com/groups/hangxachtay"),
    ("https://m.me/donghosang", "https://m.me/donghosang"),
    ("t.me/vapedanang.", "https://t.me/vapedanang"),
    ("https://telegram.me/shop_vn", "https://t.me/shop_vn"),
    ("https://chat.zalo.me/g/abc123", "https://zalo.me/g/abc123"),
    ("https://www.facebook.com/sharer/sharer.php?u=https://shop.vn", None),
    ("https://www.facebook.com/tr?id=123&ev=PageView", None),
    ("https://facebook.com/", None),
    ("https://shop.vn/lien-he", None),
]


@pytest.mark.parametrize(("raw", "link"), LINKS)
def test_normalize_link(raw: str, link: str | None) -> None:
    assert normalize_link(raw) == link


CONTACTS = [
    # (text, hrefs, expected)
    ("Zalo: 0987 654 321", [], Contacts(["+84987654321"], ["+84987654321"], [])),
    ("zalo 0987.654.321 - hotline 0912345678", [], Contacts(["+84987654321", "+84912345678"], ["+84987654321"], [])),
    ("Nhắn zalo.me/0987654321", [], Contacts(["+84987654321"], ["+84987654321"], [])),
    ("", ["https://zalo.me/84912345678"], Contacts(["+84912345678"], ["+84912345678"], [])),
    ("", ["https://zalo.me/g/dhsang2024", "tel:0909.123.456"],
     Contacts(["+84909123456"], ["https://zalo.me/g/dhsang2024"], [])),
    ("fanpage fb.com/myshop, kênh t.me/myshop", ["https://www.facebook.com/myshop/"],
     Contacts([], [], ["https://facebook.com/myshop", "https://t.me/myshop"])),
    ("somecart.me/abc và smart.me/x", [], Contacts()),  # not t.me / m.me
]  # fmt: skip


@pytest.mark.parametrize(("text", "hrefs", "expected"), CONTACTS)
def test_extract_contacts(text: str, hrefs: list[str], expected: Contacts) -> None:
    assert extract_contacts(text, links=hrefs) == expected


def test_merge_contacts_keeps_order_drops_duplicates_and_empty_kinds() -> None:
    page = Contacts(["+84909123456", "+84912345678"], [], ["https://t.me/x"])
    merged = merge_contacts({"phones": ["+84912345678"], "zalo": []}, page)
    assert merged == {"phones": ["+84912345678", "+84909123456"], "links": ["https://t.me/x"]}
    assert merge_contacts(Contacts()) == {} and not Contacts()


@pytest.mark.parametrize(
    "text",
    [
        "🔥#không chín không-chín một.hai ba,bốn năm sáu",  # symbols glued to the first word
        "LH KHÔNG CHİN KHONG CHIN MOT HAI BA BON NAM SAU nhé",  # a Turkish dotted capital I (re.I reads it as i)
        "gọi không chín không chín một hai ba bốn năm ſáu",  # long s
    ],
)
def test_spelled_numbers_are_read_whatever_surrounds_the_words(text: str) -> None:
    # the quick "could there be nine spelled digits?" test must never hide a number the full pattern reads
    assert find_phones(text) == ["+84909123456"]


@pytest.mark.parametrize("text", ["Liên hệ FACEBOOK.COM/shop.abc", "tg: T.ME/shopabc", "Zalo.Me/0909123456"])
def test_links_are_found_in_any_case(text: str) -> None:
    assert extract_contacts(text)
