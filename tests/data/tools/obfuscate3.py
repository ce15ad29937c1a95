"""Write ``labelled_obfuscated3.jsonl``: disguised spellings of the listings in ``labelled_holdout3.jsonl``.

A different generator from ``obfuscate2.py``: every variant *mixes* tricks, the way sellers stack them.
Each positive listing gets one variant ``<id>-o`` with the same labels; ``N_INNOCENT`` innocent listings get
one too. On the listing's ``keys`` (its signal or trap phrases) two or three of these are stacked:

- ``teenleet``: teencode letter swaps (``qu``→``w``, ``gi``→``j``, ``ph``→``f``, ``c``→``k``) with leetspeak
  on some letters (``h4ng x4ch t4y``, ``kh0ng``);
- ``glyphmix``: each letter drawn from a different look-alike alphabet (Cyrillic, Greek, full-width,
  bold-italic, script, fraktur, double-struck, sans-serif italic), so one word mixes scripts;
- ``squared``: negative-circled / squared / parenthesised letters (``🅥🅐🅟🅔``, ``🄵🄰🄺🄴``, ``⒱⒜⒫⒠``);
- ``combining``: a strike-through or underline mark after every letter (``v̶a̶p̶e̶``);
- ``sepmix``: letters split by one of ``- | * ~ · • /`` (``v-a-p-e``, ``x·á·c·h t·a·y``);
- ``emojiword``: words joined by an emoji instead of a space, or a word split by one (``hàng🔥xách🔥tay``);
- ``zwmix``: soft hyphens, word joiners, BOMs and zero-width spaces between letters;
- ``stretch``: a repeated letter (``vapeee``, ``xáchhh``), ``capsspaced`` (``X Á C H   T A Y``),
  ``altcase`` (``hÀnG xÁcH``), ``stripdiac`` (the phrase alone loses its diacritics, ``đ``→``d``),
  ``sound`` (Vietnamese spellings of English slang: ``phếch``, ``rép``, ``vếp``, ``au``).

About half the variants also get a whole-text trick: ``nodiac``, ``teen3`` (``k``/``hok``, ``dc``, ``j``,
``z``, ``w``, ``ck`` and friends), ``upper`` or ``emojispam``. Marks are only disguised in listings labelled
``brand_infringement`` (a disguised mark is a signal by the guideline); the words in ``MARKS`` stay plain
elsewhere. A look-alike mark of goods of the brand's own kind (``OWN_KIND_MARKS``) written in disguise
makes the variant "both", so it gains ``counterfeit``; no other label changes. Digits are never changed, so dates stay readable.

Run from the repository root::

    .venv/bin/python tests/data/tools/obfuscate3.py
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

SEED = 20261130
DATA = Path(__file__).resolve().parent.parent
SRC = DATA / "labelled_holdout3.jsonl"
DST = DATA / "labelled_obfuscated3.jsonl"
N_INNOCENT = 50

KEY_TRICKS = ["teenleet", "glyphmix", "squared", "combining", "sepmix", "emojiword", "zwmix", "stretch",
              "capsspaced", "altcase", "stripdiac", "sound"]
# Tricks that rewrite letters: at most one of them per variant (stacking two would make text no reader
# could follow); the others (separators, case, stretching, diacritics) combine freely with them.
LETTER_TRICKS = {"teenleet", "glyphmix", "squared", "combining", "sound"}
# The order stacked tricks are applied in: letters first, then case and stretching, then separators.
ORDER = ["stripdiac", "sound", "teenleet", "glyphmix", "squared", "stretch", "altcase", "capsspaced", "combining",
         "sepmix", "zwmix", "emojiword"]
# Tricks that split letters or words: at most one per variant.
SEPARATING = {"sepmix", "zwmix", "capsspaced", "emojiword"}
WHOLE_TRICKS = ["nodiac", "teen3", "upper", "emojispam"]
# Marks (and mark-like trap words) never disguised outside brand_infringement listings.
MARKS = {"esse", "jet", "terea", "iqos", "iluma", "levitra", "stilnox", "cialis", "augmentin", "chamisul",
         "chivas", "ozempic", "acnotin", "juvederm", "elf", "bar", "marlboro", "cohiba", "apple", "replay",
         "jordan", "omega", "vespa", "biti's", "ananas", "airpods", "tiger", "balm", "panadol", "strepsils",
         "zippo", "nicorette", "raid", "omo", "super", "glue", "viettel", "thăng", "long", "walmart", "fake",
         "van", "polo", "z121"}

# Look-alike marks of brand_infringement listings that sell goods of the brand's own kind. Written in
# disguise (letters styled, split or leet) by a non-official seller they are "both" by the labelling
# guideline (tests/data/README.md, "counterfeit vs brand_infringement"), so the variant gains counterfeit.
OWN_KIND_MARKS = {"Burbery", "Lululemom", "Marsall", "Hubolt", "Conversse", "Yetti", "Laneigh", "Cetaphyl",
                  "Jansportt", "Beets", "Gentle Monter", "Birkenstok", "Charless & Keith", "Casino", "Stussi",
                  "Hokka"}
STYLING = {"teenleet", "glyphmix", "squared", "combining", "sepmix", "zwmix", "capsspaced", "emojiword"}

CYR = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у", "i": "і", "s": "ѕ", "h": "һ",
       "j": "ј", "A": "А", "B": "В", "C": "С", "E": "Е", "H": "Н", "K": "К", "M": "М", "O": "О", "P": "Р",
       "T": "Т", "X": "Х"}
GRK = {"o": "ο", "v": "ν", "i": "ι", "k": "κ", "u": "υ", "A": "Α", "B": "Β", "E": "Ε", "H": "Η", "I": "Ι",
       "K": "Κ", "M": "Μ", "N": "Ν", "O": "Ο", "P": "Ρ", "T": "Τ", "X": "Χ", "Y": "Υ", "Z": "Ζ"}
# Mathematical alphabets (capital A, small a), with the holes Unicode fills elsewhere.
MATH = {"bold_italic": (0x1D468, 0x1D482, {}), "script": (0x1D49C, 0x1D4B6, {
    "B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ", "e": "ℯ", "g": "ℊ", "o": "ℴ"}),
    "fraktur": (0x1D504, 0x1D51E, {"C": "ℭ", "H": "ℌ", "I": "ℑ", "R": "ℜ", "Z": "ℨ"}),
    "double": (0x1D538, 0x1D552, {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}),
    "sans_italic": (0x1D608, 0x1D622, {})}
LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "t": "7", "s": "5", "g": "9", "b": "8"}
SEPS = ["-", "|", "*", "~", "·", "•", "/"]
EMOJI = ["🔥", "💥", "✨", "🌸", "💯", "👉", "⚡", "🍀", "❤️", "🎁"]
ZW = ["\u00ad", "\u2060", "\ufeff", "\u200b"]
SOUND = {"fake": "phếch", "rep": "rép", "vape": "vếp", "auth": "au", "pod": "pót", "date": "đết",
         "copy": "cốp pi", "super": "siu pơ", "replica": "rép li ca", "mirror": "mi rơ", "clone": "cờ lôn",
         "air": "e", "bill": "biu", "order": "o đơ", "coil": "coi", "filler": "phi lơ", "gin": "din",
         "vodka": "vốt ka", "whisky": "quýt ky", "sim": "xim"}
TEEN3_WORDS = {"không": "hok", "được": "dc", "gì": "j", "vậy": "z", "quá": "wá", "rồi": "rùi", "với": "vs",
               "yêu": "iu", "chồng": "ck", "vợ": "vk", "mình": "mk", "biết": "bít", "thế": "thế", "nhé": "nha",
               "hàng": "hàg", "giá": "já", "còn": "kòn", "có": "cóa", "ship": "sip", "shop": "sop"}

VOWELS = set("aeiouyàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")


def strip_diac(s: str) -> str:
    s = s.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", s)
                                                if not unicodedata.combining(c)))


def letter_map(word: str, fn) -> str:
    """Apply ``fn`` to each base letter, keeping Vietnamese marks as combining characters after it."""
    out = []
    for ch in unicodedata.normalize("NFD", word):
        out.append(ch if unicodedata.combining(ch) else fn(ch))
    return "".join(out)


def math_letter(ch: str, style: str) -> str:
    up, lo, holes = MATH[style]
    if ch in holes:
        return holes[ch]
    if "A" <= ch <= "Z":
        return chr(up + ord(ch) - 65)
    if "a" <= ch <= "z":
        return chr(lo + ord(ch) - 97)
    return ch


def t_teenleet(w: str, rng: random.Random) -> str:
    low = w.lower()
    low = re.sub(r"^qu", "w", low)
    low = re.sub(r"^gi", "j", low)
    low = re.sub(r"^ph", "f", low)
    low = re.sub(r"^c(?=[aăâoôơuư])", "k", unicodedata.normalize("NFC", low))
    return "".join(LEET[c] if c in LEET and rng.random() < 0.5 else c for c in low)


def t_glyphmix(w: str, rng: random.Random) -> str:
    def one(ch: str) -> str:
        opts = [ch]
        if ch in CYR:
            opts.append(CYR[ch])
        if ch in GRK:
            opts.append(GRK[ch])
        if ch.isascii() and ch.isalpha():
            opts += [chr(ord(ch) + 0xFEE0), math_letter(ch, rng.choice(list(MATH)))]
        return rng.choice(opts[1:] or opts)
    return letter_map(w, one)


def t_squared(w: str, rng: random.Random) -> str:
    # Fancy-text generators only know the 26 plain letters: Vietnamese letters are left as typed.
    kind = rng.choice(["negcircled", "squared", "paren"])

    def one(ch: str) -> str:
        if not (ch.isascii() and ch.isalpha()):
            return ch
        i = ord(ch.upper()) - 65
        if kind == "negcircled":
            return chr(0x1F150 + i)
        if kind == "squared":
            return chr(0x1F130 + i)
        return chr(0x249C + ord(ch.lower()) - 97)
    return "".join(one(ch) for ch in unicodedata.normalize("NFC", w))


def t_combining(w: str, rng: random.Random) -> str:
    mark = rng.choice(["\u0336", "\u0332"])
    return "".join(ch + mark if ch.isalpha() else ch for ch in w)


def t_sepmix(w: str, rng: random.Random) -> str:
    sep = rng.choice(SEPS)
    return sep.join(w)


def t_zwmix(w: str, rng: random.Random) -> str:
    return "".join(ch + (rng.choice(ZW) if i < len(w) - 1 else "") for i, ch in enumerate(w))


def t_stretch(w: str, rng: random.Random) -> str:
    idx = [i for i, c in enumerate(w) if c.isalpha()]
    if not idx:
        return w
    i = idx[-1] if rng.random() < 0.6 else rng.choice(idx)
    return w[: i + 1] + w[i] * rng.randint(1, 3) + w[i + 1:]


def t_capsspaced(w: str, rng: random.Random) -> str:
    return " ".join(w.upper())


def t_altcase(w: str, rng: random.Random) -> str:
    return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(w))


def t_stripdiac(w: str, rng: random.Random) -> str:
    return strip_diac(w)


def t_sound(w: str, rng: random.Random) -> str:
    return SOUND.get(w.lower(), t_stretch(w, rng))


WORD_TRICKS = {"teenleet": t_teenleet, "glyphmix": t_glyphmix, "squared": t_squared, "combining": t_combining,
               "sepmix": t_sepmix, "zwmix": t_zwmix, "stretch": t_stretch, "capsspaced": t_capsspaced,
               "altcase": t_altcase, "stripdiac": t_stripdiac, "sound": t_sound}


def disguise(phrase: str, tricks: list[str], rng: random.Random, marks_ok: bool) -> str:
    words = phrase.split(" ")
    out = []
    for w in words:
        if not marks_ok and w.lower().strip("'") in MARKS:
            out.append(w)
            continue
        for t in sorted(tricks, key=ORDER.index):
            if t != "emojiword":
                w = WORD_TRICKS[t](w, rng)
        out.append(w)
    if "emojiword" in tricks:
        e = rng.choice(EMOJI)
        if len(out) > 1:
            return e.join(out)
        w = out[0]
        mid = max(1, len(w) // 2)
        return w[:mid] + e + w[mid:]
    joiner = "   " if "capsspaced" in tricks else " "
    return joiner.join(out)


def whole(text: str, trick: str, rng: random.Random) -> str:
    if not text:
        return text
    if trick == "nodiac":
        return strip_diac(text)
    if trick == "upper":
        return text.upper()
    if trick == "emojispam":
        words = text.split(" ")
        return " ".join(w + (rng.choice(EMOJI) if rng.random() < 0.3 else "") for w in words)
    # teen3: whole words, then letter habits, all lower case
    out = []
    for w in text.split(" "):
        lw = w.lower()
        if lw in TEEN3_WORDS:
            out.append(TEEN3_WORDS[lw])
            continue
        lw = re.sub(r"^qu", "w", lw)
        lw = re.sub(r"^gi(?=[^aăâeêioôơuưy]|$)", "j", lw)
        out.append(lw)
    return " ".join(out)


def pick_tricks(rng: random.Random, deck: list[str]) -> list[str]:
    first = deck.pop() if deck else rng.choice(KEY_TRICKS)
    chosen = [first]
    n = rng.choice([1, 2, 2, 3])
    while len(chosen) < n:
        t = rng.choice(KEY_TRICKS)
        if t in chosen or (t in LETTER_TRICKS and any(c in LETTER_TRICKS for c in chosen)):
            continue
        if t in SEPARATING and any(c in SEPARATING for c in chosen):
            continue
        chosen.append(t)
    return chosen


def variant(row: dict, rng: random.Random, deck: list[str]) -> dict:
    marks_ok = "brand_infringement" in row["labels"]
    tricks = pick_tricks(rng, deck)
    # A listing without a marked phrase always gets a whole-text trick, so that no variant is a copy.
    whole_trick = rng.choice(WHOLE_TRICKS) if rng.random() < 0.5 or not row["keys"] else None
    out = dict(row)
    both = False
    for field in ("title", "description", "shop_name"):
        text = row[field]
        if whole_trick and whole_trick != "emojispam":
            text = whole(text, whole_trick, rng)
        for key in row["keys"]:
            k = whole(key, whole_trick, rng) if whole_trick in ("nodiac", "upper") else key
            for cand in (k, k.lower(), key):
                if cand and cand in text:
                    text = text.replace(cand, disguise(cand, tricks, rng, marks_ok), 1)
                    both |= marks_ok and key in OWN_KIND_MARKS and bool(STYLING & set(tricks))
                    break
        if whole_trick == "emojispam":
            text = whole(text, whole_trick, rng)
        out[field] = text
    if both and "counterfeit" not in out["labels"]:
        out["labels"] = ["counterfeit", *out["labels"]]
    out["id"] = row["id"] + "-o"
    out["trick"] = "+".join(tricks + ([whole_trick] if whole_trick else []))
    del out["keys"]
    return out


def main() -> None:
    rng = random.Random(SEED)
    rows = [json.loads(line) for line in SRC.open(encoding="utf-8")]
    pos = [r for r in rows if r["labels"]]
    neg = [r for r in rows if not r["labels"] and r["keys"]]
    chosen_neg = rng.sample(neg, N_INNOCENT)
    deck: list[str] = []
    out = []
    for r in pos + chosen_neg:
        if not deck:
            deck = KEY_TRICKS[:]
            rng.shuffle(deck)
        out.append(variant(r, rng, deck))
    out.sort(key=lambda r: r["id"])
    with DST.open("w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{DST.name}: {len(out)} variants ({len(pos)} positive, {len(chosen_neg)} innocent)")


if __name__ == "__main__":
    main()
