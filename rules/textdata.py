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

# Capital letters whose lower case looks like another Latin letter than the capital does (Greek "Η" is
# an H, its "η" an n): folded before lower-casing.
UPPER_HOMOGLYPHS: dict[str, str] = {"Η": "h", "Ν": "n", "Υ": "y", "Μ": "m", "Ζ": "z"}

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
    # hand-carried, domestic-market and negation short forms
    "xtay": "xách tay", "xachtay": "xách tay", "khg": "không", "kô": "không",
    "noidia": "nội địa", "nộiđịa": "nội địa",
    # "f" for "ph" in a word with no mark to tell it by ("fong cách": the style of a brand, not the brand)
    "fong cách": "phong cách", "fong cach": "phong cách",
}  # fmt: skip

# Vietnamese syllable structure, without diacritics: onsets and rhymes (folded: "ươ" is "uo").
# Used to tell Vietnamese words from brand and model names where a disguise is undone only for
# Vietnamese words (words run together, leetspeak digits beyond 0/1/3/4).
VN_ONSETS: frozenset[str] = frozenset(
    "b c ch d g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
)
VN_RHYMES: frozenset[str] = frozenset(
    """a ac ach ai am an ang anh ao ap at au ay e ec ech em en eng enh eo ep et eu
    i ia ic ich iec iem ien ieng iep iet ieu im in inh ip it iu
    o oa oac oach oai oam oan oang oanh oao oap oat oay oc oe oem oen oeo oet oi om on ong ooc oong op ot
    u ua uan uang uanh uat uay uc ue uenh ui um un ung uo uoc uoi uom uon uong uop uot uou up ut uu
    uy uya uych uyen uyet uynh uyt uyu y yen yet yeu""".split()
)
# Onsets and rhymes that English and brand names rarely have: two plain (unaccented) words run
# together ("XachTay", "ThuocLa") are split only if one of them has such a part and they are not
# the same word twice ("SamSung", "MiuMiu", "MoMo" are kept; three or more plain Vietnamese words
# are split whatever their parts).
VN_DISTINCT_ONSETS: frozenset[str] = frozenset("ng ngh nh kh ph th tr gh gi qu".split())
# Not "ai", "ao", "ang"...: "DaiKin", "BangKok" are names too.
VN_DISTINCT_RHYME_PARTS: tuple[str, ...] = (
    "uo", "ie", "ia", "ye", "ua", "uy", "oa", "oe", "ach", "anh", "ich", "inh", "ech", "enh", "ong",
)  # fmt: skip
# Names written in camel case whose halves are Vietnamese syllables: never split (lower case, no
# diacritics). "SamSung" is also kept by the rule above; listed so the intent is explicit.
CAMEL_KEEP: frozenset[str] = frozenset(
    {"samsung", "daikin", "honda", "miumiu", "momo", "nokia", "coach", "mango", "satria", "legion"}
)

# Leetspeak digits the general pass leaves alone (they are sizes and models far more often):
# undone only in a token that is clearly disguised (see rules.text._leet_extra).
LEET_EXTRA: dict[str, str] = {"5": "s", "7": "t", "8": "b", "9": "g"}
