"""Contacts in a seller's own words: Vietnamese phone numbers, Zalo, Facebook and Telegram links.

Pure functions over text (titles, descriptions, shop bios, a page's visible text) and link targets.
Phones come out as ``+84…`` (E.164 without spaces); links as ``https://host/path`` without tracking
queries. Sellers hide numbers from filters: "0909.123.456", "09O9 123 456", "０９０９…", keycap emoji
"0️⃣9️⃣…", and digits spelled out in Vietnamese ("không chín không chín một hai ba …") are all read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from crawler.normalize import fold

_DIGIT_WORDS = {
    "khong": "0",
    "linh": "0",
    "mot": "1",
    "hai": "2",
    "ba": "3",
    "bon": "4",
    "tu": "4",
    "nam": "5",
    "lam": "5",
    "sau": "6",
    "bay": "7",
    "tam": "8",
    "chin": "9",
}
_SPOKEN = (*_DIGIT_WORDS, "không", "một", "bốn", "tư", "năm", "lăm", "sáu", "bảy", "bẩy", "tám", "chín")
_WORD_RUN = re.compile(r"\b(?:(?:" + "|".join(_SPOKEN) + r")\b[\s,.\-]*){9,12}", re.I)
# Every word of a _WORD_RUN match is a whole \w+ token: fewer than 9 such tokens, no spelled number.
_SPOKEN_TOKENS = frozenset(w.lower() for w in _SPOKEN)
_CASE_FIX = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})  # letters re.I matches to ASCII that lower() keeps
_WORD = re.compile(r"\w+")
_KEYCAP = re.compile(r"([0-9])\ufe0f?\u20e3")
# a run of digits with the separators people type between groups; O/o between digits is a zero
_RUN = re.compile(r"(?<![\w=])\+?\(?\d[\d\s.\-()oO]{7,60}\d(?!\w)")
_GROUP = re.compile(r"\d+")
_MOBILE = re.compile(r"0[35789]\d{8}")
_LANDLINE = re.compile(r"02\d{9}")
_ZALO_LABEL = re.compile(r"\bzalo\b\s*[:：-]?\s*(\+?[\d\s.\-()]{9,20}\d)", re.I)
_LINK = re.compile(
    r"(?<![\w.\-@])(?:https?://)?(?:www\.|m\.|web\.|mbasic\.)?"
    r"(?P<host>zalo\.me|chat\.zalo\.me|facebook\.com|fb\.com|fb\.me|m\.me|t\.me|telegram\.me)"
    r"(?P<path>/[\w\-./%?=&+@]*)?",
    re.I,
)
# what every _LINK match contains (its hosts have no letter whose case folding leaves ASCII)
_LINK_HOSTS = ("zalo.me", "facebook.com", "fb.com", "fb.me", "m.me", "t.me", "telegram.me")
# tax codes and business registration numbers look like mobile numbers ("MST: 0312345678")
_NOT_A_PHONE = re.compile(
    r"(?:\bmst|ma so thue|ma so doanh nghiep|msdn|gpkd|dkkd|giay phep|so dang ky)\W*(?:so)?\W*$"
)
_LINK_NOISE = re.compile(
    r"^/(?:sharer|share|dialog|plugins|tr|login|privacy|policies|help|hashtag)\b|^/?$", re.I
)


@dataclass(slots=True)
class Contacts:
    phones: list[str] = field(default_factory=list)  # +84…, every phone found (Zalo numbers too)
    zalo: list[str] = field(default_factory=list)  # +84… Zalo numbers and zalo.me links
    links: list[str] = field(default_factory=list)  # facebook / messenger / telegram links

    def __bool__(self) -> bool:
        return bool(self.phones or self.zalo or self.links)


def normalize_phone(digits: str) -> str | None:
    """Digits of a Vietnamese number (0…, 84…, 840…) → ``+84…``; None when it is not one."""
    if digits.startswith("840"):
        digits = digits[2:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return "+84" + digits[1:]
    return None


def _plain(text: str) -> str:
    """Fullwidth and styled digits → ASCII (NFKC), keycap emoji → digits, spelled digits → digits."""
    text = unicodedata.normalize("NFKC", text)
    if "\u20e3" in text:
        text = _KEYCAP.sub(r"\1", text)
    if not _may_spell_digits(text):  # the common case; the run regex tries every word boundary
        return text
    return _WORD_RUN.sub(lambda m: _spelled(m.group(0)) + " ", text)


def _may_spell_digits(text: str) -> bool:
    count = 0
    if "İ" in text or "ı" in text or "ſ" in text:
        text = text.translate(_CASE_FIX)
    for word in _WORD.findall(text.lower()):
        if word in _SPOKEN_TOKENS:
            count += 1
            if count == 9:
                return True
    return False


def _spelled(run: str) -> str:
    return "".join(_DIGIT_WORDS[w] for w in re.findall(r"\w+", fold(run)) if w in _DIGIT_WORDS)


def find_phones(text: str, *, plain: str | None = None) -> list[str]:
    """Every Vietnamese phone number in ``text``, normalised, in order of appearance, once each.

    ``plain``: ``text`` already passed through :func:`_plain`, when the caller has it."""
    found: list[str] = []
    if plain is None:
        plain = _plain(text)
    for match in _RUN.finditer(plain):
        if _NOT_A_PHONE.search(fold(plain[max(0, match.start() - 40) : match.start()])):
            continue
        run = re.sub(r"(?<=\d)[oO](?=[\doO])|(?<=[\doO])[oO](?=\d)", "0", match.group(0))
        found.extend(_phones_in_run(run))
    return list(dict.fromkeys(found))


def _phones_in_run(run: str) -> list[str]:
    """Digit groups of a run, greedily joined into numbers ("0909 123 456 - 0912 345 678" is two)."""
    groups = _GROUP.findall(run.replace("(0)", ""))
    phones, i = [], 0
    while i < len(groups):
        digits, j, phone = "", i, None
        while j < len(groups) and len(digits) < 12:
            digits += groups[j]
            j += 1
            phone = normalize_phone(digits)
            if phone:
                break
        if phone:
            phones.append(phone)
            i = j
        else:
            i += 1
    return phones


def normalize_link(raw: str) -> str | None:
    """``fb.com/Shop.ABC?ref=x`` → ``https://facebook.com/Shop.ABC``; share/login/pixel links → None."""
    match = _LINK.search(raw)
    if not match:
        return None
    host = match["host"].lower().replace("fb.com", "facebook.com").replace("telegram.me", "t.me")
    host = "zalo.me" if host == "chat.zalo.me" else host
    parts = urlsplit("https://" + host + (match["path"] or "/"))
    path = parts.path.rstrip("/.,;")
    if _LINK_NOISE.search(path):
        return None
    query = parts.query if host == "facebook.com" and path == "/profile.php" else ""
    query = "&".join(q for q in query.split("&") if q.startswith("id="))
    return urlunsplit(("https", host, path, query, ""))


def extract_contacts(text: str, *, links: list[str] | tuple[str, ...] = ()) -> Contacts:
    """Phones, Zalo and social links in ``text`` and in link targets (``href``s: tel:, zalo.me, …)."""
    plain = _plain(text)
    contacts = Contacts(phones=find_phones(text, plain=plain))
    zalo_phones = (
        [p for m in _ZALO_LABEL.finditer(plain) for p in find_phones(m.group(1))]
        if "zalo" in plain.lower()
        else []
    )
    lowered = text.lower()
    in_text = _LINK.finditer(text) if any(h in lowered for h in _LINK_HOSTS) else ()
    for target in [*links, *(m.group(0) for m in in_text)]:
        if target.lower().startswith("tel:"):
            contacts.phones.extend(find_phones(target[4:]))
            continue
        link = normalize_link(target)
        if link is None:
            continue
        if link.startswith("https://zalo.me/"):
            number = find_phones(link.rsplit("/", 1)[-1])
            if number:
                zalo_phones.extend(number)
                contacts.phones.extend(number)
            else:
                contacts.zalo.append(link)
        else:
            contacts.links.append(link)
    contacts.phones = list(dict.fromkeys(contacts.phones))
    contacts.zalo = list(dict.fromkeys(zalo_phones + contacts.zalo))
    contacts.links = list(dict.fromkeys(contacts.links))
    return contacts


def merge_contacts(*found: dict[str, list[str]] | Contacts) -> dict[str, list[str]]:
    """Contacts as a listing stores them ({"phones": [...], "zalo": [...], "links": [...]}), merged, de-duplicated."""
    merged: dict[str, list[str]] = {}
    for contacts in found:
        data = contacts if isinstance(contacts, dict) else {
            "phones": contacts.phones, "zalo": contacts.zalo, "links": contacts.links,
        }  # fmt: skip
        for key, values in data.items():
            if values:
                merged[key] = list(dict.fromkeys([*merged.get(key, []), *values]))
    return merged
