"""Data tables for text normalisation: homoglyphs, leetspeak, teencode.

These are data, kept apart from the code in :mod:`rules.text` so analysts can extend them. Tables
are applied to *lower-cased* text; every key and value is lower case.
"""

from __future__ import annotations

# Look-alike letters from other scripts and stylised sets that NFKC does not fold (Cyrillic, Greek,
# IPA, small capitals). Keys are single characters, values single Latin letters.
HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "і": "i", "ї": "i", "ј": "j", "к": "k", "м": "m",
    "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l", "ɡ": "g", "ѵ": "v", "ү": "y", "ь": "b",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ω": "w", "ϳ": "j", "ς": "c",
    # Latin look-alikes and IPA
    "ı": "i", "ſ": "s", "ɑ": "a", "ɩ": "i", "ɪ": "i", "ʏ": "y", "ɴ": "n", "ʀ": "r", "ʜ": "h",
    "ʟ": "l", "ʙ": "b", "ɢ": "g", "ǫ": "q", "ꜱ": "s", "ꜰ": "f", "ø": "o",
    # Small capitals
    "ᴀ": "a", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴊ": "j", "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z",
}  # fmt: skip

# Punctuation folded to one ASCII form (length-preserving).
PUNCTUATION: dict[str, str] = {
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "‘": "'", "’": "'", "‚": "'", "′": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
    "…": ".", "•": " ", "·": " ", "・": " ", "●": " ", "◆": " ", "★": " ", "☆": " ",
    "\u00a0": " ", "\u3000": " ", "\t": " ", "\x0b": " ", "\x0c": " ", "\u2028": "\n", "\u2029": "\n",
}  # fmt: skip

# Leetspeak: digit or symbol -> letter, applied only inside alphabetic tokens (see rules.text).
LEET: dict[str, str] = {
    "0": "o",
    "1": "i",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "@": "a",
    "$": "s",
    "!": "i",
}

# Teencode and common abbreviations -> full form. Keys are whole tokens (or token sequences) of
# lower-cased text; matching is whole-word. Both accented and unaccented spellings are listed where
# sellers use both. Expansions are normal Vietnamese, so rules are written in full words only.
TEENCODE: dict[str, str] = {
    # không
    "ko": "không", "k0": "không", "hok": "không", "khum": "không", "kg có": "không có",
    "k có": "không có", "k rõ": "không rõ", "k bán": "không bán", "k hóa đơn": "không hóa đơn",
    "k hoá đơn": "không hóa đơn", "k tem": "không tem", "k nhãn": "không nhãn", "k cần": "không cần",
    # hàng / chính hãng / nguyên
    "hàg": "hàng", "hàq": "hàng", "hãg": "hãng", "hãq": "hãng", "ng gốc": "nguyên gốc",
    "ng.gốc": "nguyên gốc", "ng seal": "nguyên seal", "ng hộp": "nguyên hộp", "ng tem": "nguyên tem",
    # authenticity words
    "authentic": "auth", "authen": "auth", "authentics": "auth", "autk": "auth",
    # frequent short forms
    "sp": "sản phẩm", "đt": "điện thoại", "đc": "được", "cty": "công ty", "zl": "zalo",
    "za lo": "zalo", "fb": "facebook", "tlđt": "thuốc lá điện tử", "tldt": "thuốc lá điện tử",
    "tl điện tử": "thuốc lá điện tử", "xxứ": "xuất xứ",
}  # fmt: skip
