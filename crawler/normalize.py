"""Pure normalisation shared by every source: text, prices, provinces.

Vietnam merged its provinces on 1 July 2025 (63 → 34, Nghị quyết 202/2025/QH15). A seller's location
is kept as written, plus the pre-2025 province and the current one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_WS = re.compile(r"\s+")
# control characters (but tab and line breaks) and zero-width characters
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200d\u2060\ufeff]")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """NFC, control and zero-width characters removed, whitespace collapsed."""
    if not value:
        return ""
    text = value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if not text.isprintable():  # printable text has no control (Cc) or format (Cf) characters
        text = _CONTROL.sub("", text)
    # str.split() and re's \s agree on what whitespace is (str.isspace)
    if multiline:
        lines = (" ".join(line.split()) for line in text.splitlines())
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


def fold(text: str) -> str:
    """Lower-case, diacritics removed, đ→d: for matching names, not for display."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


# --- prices -------------------------------------------------------------------------------------

PRICE_UNITS = {"vnd": 1, "shopee": 100_000}


def price_to_vnd(value: int | float | str | None, unit: str = "vnd") -> int | None:
    """Convert a numeric price in a source's unit to integer VND (Shopee sends VND × 100000)."""
    if value is None or value == "":
        return None
    number = float(value)
    return int(round(number / PRICE_UNITS[unit]))


_PRICE_TEXT = re.compile(
    r"(?P<num>\d{1,3}(?:[.,\s]\d{3})+|\d+(?:[.,]\d+)?)\s*"
    r"(?P<unit>tr(?:iệu|ieu)?(?P<frac>\d{1,3})?|k|nghìn|nghin|ngàn|ngan|đ|d|vnd|₫|vnđ)?",
    re.IGNORECASE,
)


def parse_price_text(text: str | None) -> int | None:
    """Read a price written freely ("1tr2", "350k", "1.200.000đ", "2 triệu"); None for "giá ib"."""
    if not text:
        return None
    match = _PRICE_TEXT.search(clean_text(text).lower())
    if not match:
        return None
    raw, unit = match["num"], (match["unit"] or "").lower()
    if re.fullmatch(r"\d{1,3}(?:[.,\s]\d{3})+", raw):
        number = float(re.sub(r"[.,\s]", "", raw))
    else:
        number = float(raw.replace(",", "."))
    if unit.startswith("tr"):
        frac = match["frac"]
        value = number * 1_000_000
        if frac:
            value += int(frac) * 10 ** (6 - len(frac))
        return int(value)
    if unit in {"k", "nghìn", "nghin", "ngàn", "ngan"}:
        return int(number * 1000)
    return int(number)


# --- provinces ----------------------------------------------------------------------------------

# current province (since 1 July 2025) -> the pre-2025 provinces it absorbed (itself first)
MERGED_PROVINCES: dict[str, tuple[str, ...]] = {
    "Hà Nội": ("Hà Nội",),
    "Huế": ("Thừa Thiên Huế",),
    "Lai Châu": ("Lai Châu",),
    "Điện Biên": ("Điện Biên",),
    "Sơn La": ("Sơn La",),
    "Lạng Sơn": ("Lạng Sơn",),
    "Quảng Ninh": ("Quảng Ninh",),
    "Thanh Hóa": ("Thanh Hóa",),
    "Nghệ An": ("Nghệ An",),
    "Hà Tĩnh": ("Hà Tĩnh",),
    "Cao Bằng": ("Cao Bằng",),
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"),
    "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"),
    "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"),
    "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"),
    "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"),
    "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"),
    "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"),
    "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"),
    "TP. Hồ Chí Minh": ("TP. Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"),
    "Tây Ninh": ("Tây Ninh", "Long An"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"),
    "Cà Mau": ("Cà Mau", "Bạc Liêu"),
    "An Giang": ("An Giang", "Kiên Giang"),
}

# extra spellings sellers and sites use -> pre-2025 province
_ALIASES = {
    "ho chi minh": "TP. Hồ Chí Minh",
    "tp ho chi minh": "TP. Hồ Chí Minh",
    "tphcm": "TP. Hồ Chí Minh",
    "tp hcm": "TP. Hồ Chí Minh",
    "hcm": "TP. Hồ Chí Minh",
    "sai gon": "TP. Hồ Chí Minh",
    "saigon": "TP. Hồ Chí Minh",
    "thanh pho ho chi minh": "TP. Hồ Chí Minh",
    "hn": "Hà Nội",
    "ha noi": "Hà Nội",
    "tp ha noi": "Hà Nội",
    "thanh pho ha noi": "Hà Nội",
    "hue": "Thừa Thiên Huế",
    "thua thien hue": "Thừa Thiên Huế",
    "tt hue": "Thừa Thiên Huế",
    "ba ria vung tau": "Bà Rịa - Vũng Tàu",
    "brvt": "Bà Rịa - Vũng Tàu",
    "br vt": "Bà Rịa - Vũng Tàu",
    "vung tau": "Bà Rịa - Vũng Tàu",
    "dak lak": "Đắk Lắk",
    "daklak": "Đắk Lắk",
    "dac lac": "Đắk Lắk",
    "dak nong": "Đắk Nông",
    "daknong": "Đắk Nông",
    "bac can": "Bắc Kạn",
    "kontum": "Kon Tum",
    "thanh hoa": "Thanh Hóa",
    "hoa binh": "Hòa Bình",
    "khanh hoa": "Khánh Hòa",
    "tp can tho": "Cần Thơ",
    "tp da nang": "Đà Nẵng",
    "tp hai phong": "Hải Phòng",
}

ABROAD_WORDS = {"nuoc ngoai", "overseas", "abroad", "quoc te", "trung quoc", "china", "hong kong"}

_PREFIX = re.compile(r"^(?:tinh|thanh pho|tp\.?)\s+")


def _key(name: str) -> str:
    return _WS.sub(" ", re.sub(r"[^a-z0-9 ]", " ", fold(name))).strip()


_BY_KEY: dict[str, str] = {}
_CURRENT_OF: dict[str, str] = {}
for _current, _olds in MERGED_PROVINCES.items():
    for _old in _olds:
        _BY_KEY[_key(_old)] = _old
        _CURRENT_OF[_old] = _current
for _alias, _old in _ALIASES.items():
    _BY_KEY[_alias] = _old


@dataclass(frozen=True, slots=True)
class Location:
    written: str | None
    province_legacy: str | None  # the pre-2025 province
    province: str | None  # the current (post-2025) province
    is_abroad: bool = False


def normalize_location(written: str | None) -> Location:
    """Map a location as a site writes it to the pre-2025 and the current province."""
    text = clean_text(written)
    if not text:
        return Location(None, None, None)
    key = _key(text)
    if key in ABROAD_WORDS:
        return Location(text, None, None, is_abroad=True)
    candidates = [key, _PREFIX.sub("", key)]
    # "Quận Thanh Xuân, Hà Nội": the province is the last comma-separated part
    if "," in text:
        candidates.append(_PREFIX.sub("", _key(text.rsplit(",", 1)[1])))
    for candidate in candidates:
        old = _BY_KEY.get(candidate)
        if old:
            return Location(text, old, _CURRENT_OF[old])
    return Location(text, None, None)
