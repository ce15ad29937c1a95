"""Write ``labelled_obfuscated4.jsonl``: each positive of ``labelled_holdout4.jsonl`` and about forty
percent of its innocent listings, rewritten the way a seller dodging keyword filters would write them.

A new generator, written without reference to ``obfuscate2.py`` / ``obfuscate3.py``. Each variant gets a
*stack* of one to three phrase disguises applied to the listing's ``keys`` (its signal or trap phrases),
taken from different families so that they compose:

* spelling: teencode sounds (``ph``→``f``, ``qu``→``w``, ``gi``→``j``, final ``ng``→``g``, ``c``→``k``),
  tone marks moved to the other vowel or dropped (hats kept), Telex keystrokes typed raw (``hangf xachs``);
* letter shapes: letters of other scripts (Cyrillic, Greek, Armenian, IPA, small capitals), alternating case
  over several syllables;
* splitting: any separator between letters (``/ \\ · • , : ^ = # - _ | * + ~``), emoji inside words, invisible
  characters (ZWSP, word joiner, soft hyphen, BOM, invisible separator, CGJ, Hangul filler), words split in
  two, words glued (``hàngxáchtay``, ``HÀNG.XÁCH.TAY``), stretched letters, spaced capitals.

On about forty percent of variants a whole-text trick follows (no diacritics, teencode, upper case, tone
marks moved, emoji between words). Brand marks are never disguised: in listings labelled
brand_infringement only, the keys never contain the mark (see ``hold4_pos.py``), and whole-text tricks only
touch Vietnamese words, so every variant keeps its base listing's labels. The field ``trick`` names what was
done; evaluators ignore it. Deterministic: ``.venv/bin/python tests/data/tools/obfuscate4.py`` rewrites the
same bytes.
"""

from __future__ import annotations

import json
import random
import sys
import unicodedata
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import report, validate  # noqa: E402

SEED = 404
SRC = HERE.parent / "labelled_holdout4.jsonl"
DST = HERE.parent / "labelled_obfuscated4.jsonl"
INNOCENT_SHARE = 0.4

TONES = {"\u0300": "f", "\u0301": "s", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
HATS = {"â": "aa", "ê": "ee", "ô": "oo", "ă": "aw", "ơ": "ow", "ư": "uw", "đ": "dd"}
VOWELS = set("aeiouyăâêôơư")
SCRIPT = {
    "a": "аɑα", "c": "сϲᴄ", "d": "ԁ", "e": "е", "g": "ɡց", "h": "һհ", "i": "іı", "j": "ј", "k": "κᴋ",
    "l": "ӏ", "m": "ᴍ", "n": "ո", "o": "оοօᴏ", "p": "рρ", "q": "ԛ", "r": "ɾ", "s": "ѕꜱ", "t": "ᴛ",
    "u": "սυᴜ", "v": "νᴠ", "w": "ԝᴡ", "x": "х", "y": "уʏ", "z": "ᴢ",
}
SEPARATORS = ["/", "\\", "·", "•", ",", ":", "^", "=", "#", "-", "_", "|", "*", "+", "~"]
EMOJI = ["🔥", "✨", "💥", "🌸", "🍓", "💯", "⭐", "🎀", "💖", "🌿", "🍀", "😍", "👉", "❤️"]
INVISIBLE = ["\u200b", "\u2060", "\u00ad", "\ufeff", "\u2063", "\u034f", "\u3164", "\u180e"]
WORD_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789")


def _is_letter(ch: str) -> bool:
    return ch.isalpha()


def _words(phrase: str) -> list[str]:
    return phrase.split(" ")


def _vn_word(w: str) -> bool:
    """A Vietnamese word: has a letter outside ASCII (brands such as "Clé" are left alone below)."""
    return any(ord(c) > 127 and c.isalpha() for c in w) and not w[:1].isupper()


# --- spelling ------------------------------------------------------------------------------------------------
def teen_word(w: str, rng: random.Random) -> str:
    low = w.lower()
    out = low
    for a, b in (("ph", "f"), ("qu", "w"), ("gi", rng.choice("jz"))):
        if out.startswith(a):
            out = b + out[len(a):]
    if out.startswith("c") and not out.startswith("ch"):
        out = "k" + out[1:]
    for a, b in (("ng", "g"), ("nh", "nk"), ("ch", "ck")):
        if out.endswith(a) and len(out) > 2:
            out = out[: -len(a)] + b
            break
    return out if w == low else out.upper() if w.isupper() else out[:1].upper() + out[1:]


def _split_tone(w: str) -> tuple[str, str | None, int]:
    d = unicodedata.normalize("NFD", w)
    for i, ch in enumerate(d):
        if ch in TONES:
            return unicodedata.normalize("NFC", d[:i] + d[i + 1:]), ch, i
    return w, None, -1


def tone_word(w: str, rng: random.Random, drop: bool = False) -> str:
    base, tone, _ = _split_tone(w)
    if tone is None:
        return w
    if drop:
        return base
    vowel_at = [i for i, c in enumerate(base) if c.lower() in VOWELS]
    if len(vowel_at) < 2:
        return w
    d_old = unicodedata.normalize("NFD", w)
    choices = [i for i in vowel_at if unicodedata.normalize("NFD", base[: i + 1]) + tone not in d_old]
    at = rng.choice(choices or vowel_at)
    return unicodedata.normalize("NFC", base[: at + 1] + tone + base[at + 1:])


def telex_word(w: str) -> str:
    base, tone, _ = _split_tone(w)
    out = "".join(HATS.get(c, HATS.get(c.lower(), c)) for c in base)
    if tone is not None:
        out += TONES[tone]
    return out


def t_teen(p: str, rng: random.Random) -> str:
    return " ".join(teen_word(w, rng) for w in _words(p))


def t_tonemove(p: str, rng: random.Random) -> str:
    return " ".join(tone_word(w, rng) for w in _words(p))


def t_tonedrop(p: str, rng: random.Random) -> str:
    return " ".join(tone_word(w, rng, drop=rng.random() < 0.8) for w in _words(p))


def t_telex(p: str, rng: random.Random) -> str:
    return " ".join(telex_word(w) for w in _words(p))


# --- letter shapes -------------------------------------------------------------------------------------------
def t_scripts(p: str, rng: random.Random) -> str:
    out = []
    for ch in p:
        opts = SCRIPT.get(ch.lower())
        out.append(rng.choice(opts) if opts and rng.random() < 0.45 else ch)
    return "".join(out)


def t_altcase(p: str, rng: random.Random) -> str:
    up = rng.random() < 0.5
    out = []
    for ch in p:
        if ch.isalpha():
            out.append(ch.upper() if up else ch.lower())
            up = not up
        else:
            out.append(ch)
    return "".join(out)


# --- splitting -----------------------------------------------------------------------------------------------
def t_sep(p: str, rng: random.Random) -> str:
    sep = rng.choice(SEPARATORS)
    gap = rng.choice(["  ", " ", sep * 2, " " + sep + " "])
    return gap.join(sep.join(w) for w in _words(p))


def t_emoji_in(p: str, rng: random.Random) -> str:
    out = []
    for w in _words(p):
        if len(w) >= 3:
            k = rng.randrange(1, len(w))
            w = w[:k] + rng.choice(EMOJI) + w[k:]
        out.append(w)
    return " ".join(out)


def t_invisible(p: str, rng: random.Random) -> str:
    chars = rng.sample(INVISIBLE, 2)
    return "".join(ch + (rng.choice(chars) if ch.isalpha() and rng.random() < 0.6 else "") for ch in p).rstrip(
        "".join(INVISIBLE)
    )


def t_splitword(p: str, rng: random.Random) -> str:
    out = []
    for w in _words(p):
        if len(w) >= 4:
            k = rng.randrange(2, len(w) - 1)
            w = w[:k] + rng.choice([" ", "-", " "]) + w[k:]
        out.append(w)
    return " ".join(out)


def t_glue(p: str, rng: random.Random) -> str:
    joiner = rng.choice(["", "", ".", "-"])
    glued = joiner.join(_words(p))
    return glued.upper() if rng.random() < 0.4 else glued.lower()


def t_stretch(p: str, rng: random.Random) -> str:
    out = []
    for w in _words(p):
        letters = [i for i, c in enumerate(w) if c.isalpha()]
        if letters and rng.random() < 0.8:
            vow = [i for i in letters if unicodedata.normalize("NFD", w[i].lower())[0] in "aeiouy"]
            i = rng.choice(vow or letters)
            w = w[: i + 1] + w[i] * rng.randint(2, 4) + w[i + 1:]
        out.append(w)
    return " ".join(out)


def t_spacedcaps(p: str, rng: random.Random) -> str:
    return "   ".join(" ".join(w.upper()) for w in _words(t_stretch(p, rng)))


FAMILIES = {
    "spelling": [t_teen, t_tonemove, t_tonedrop, t_telex],
    "shape": [t_scripts, t_altcase],
    "split": [t_sep, t_emoji_in, t_invisible, t_splitword, t_glue, t_stretch, t_spacedcaps],
}
ORDER = ["spelling", "shape", "split"]


def pick_stack(rng: random.Random) -> list:
    n = rng.choices([1, 2, 3], weights=[4, 4, 2])[0]
    fams = sorted(rng.sample(ORDER, n), key=ORDER.index)
    stack = [rng.choice(FAMILIES[f]) for f in fams]
    # glue and spaced capitals hide the other splitting tricks' shape; keep shapes before them readable
    return stack


def disguise(phrase: str, stack: list, rng: random.Random) -> str:
    for fn in stack:
        phrase = fn(phrase, rng)
    return phrase


# Names of medicines, spirits, tobacco, vapes and pesticides inside keys stay plain, as marks do: a disguised
# name would be a disguised mark, which would change the labels.
PROTECT = frozenset(
    "Oxva Xlim Jack Daniel's Glenfiddich 12 Cohiba Camel Ballantine's Cognac Rémy Martin VSOP Relx Men Ozempic "
    "Mounjaro Saxenda Clomid Rivotril Regent Bayluscide Gentamicin Hennessy XO Tiên Lãng Ivape Vaporesso HQD "
    "Cialis Viagra Herbalife".split()
)


def protected_disguise(key: str, stack: list, rng: random.Random) -> str:
    """Disguise the runs of ``key``'s words that are not protected names; names stay as written."""
    out: list[str] = []
    run: list[str] = []
    for w in key.split(" ") + [None]:
        if w is None or w in PROTECT:
            if run:
                out.append(disguise(" ".join(run), stack, rng))
                run = []
            if w is not None:
                out.append(w)
        else:
            run.append(w)
    return " ".join(out)


# --- whole-text tricks ---------------------------------------------------------------------------------------
def _each_word(text: str, fn) -> str:
    return " ".join(fn(w) if _vn_word(w) else w for w in text.split(" "))


def w_nodiac(text: str, rng: random.Random) -> str:
    def strip(w: str) -> str:
        d = unicodedata.normalize("NFD", w.replace("đ", "d").replace("Đ", "D"))
        return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))

    return _each_word(text, strip)


def w_teen(text: str, rng: random.Random) -> str:
    small = {"không": "hông", "được": "đc", "với": "vs", "rất": "rất", "nhé": "nha", "hàng": "hàg"}
    return _each_word(text, lambda w: small.get(w, teen_word(w, rng) if rng.random() < 0.5 else w))


def w_upper(text: str, rng: random.Random) -> str:
    return text.upper()


def w_tonemove(text: str, rng: random.Random) -> str:
    return _each_word(text, lambda w: tone_word(w, rng))


def w_emoji(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    return " ".join(w + (" " + rng.choice(EMOJI) if rng.random() < 0.3 else "") for w in words)


WHOLE = [w_nodiac, w_teen, w_upper, w_tonemove, w_emoji]
FIELDS = ("title", "description", "shop_name")


def variant(row: dict) -> dict:
    rng = random.Random(SEED * 1_000_003 + zlib.crc32(row["id"].encode()))
    out = {k: v for k, v in row.items() if k != "keys"}
    out["id"] = row["id"] + "-o"
    tricks: list[str] = []
    stack = pick_stack(rng)
    done = False
    for key in sorted(set(row.get("keys", [])), key=lambda k: (-len(k), k)):
        new = protected_disguise(key, stack, rng)
        for f in FIELDS:
            if key in out[f]:
                out[f] = out[f].replace(key, new, 1)
                done = True
    if done:
        tricks += [fn.__name__[2:] for fn in stack]
    if not done or rng.random() < 0.4:
        whole = rng.choice(WHOLE)
        for f in ("title", "description"):
            out[f] = whole(out[f], rng)
        tricks.append("whole_" + whole.__name__[2:])
    for f in FIELDS:
        out[f] = unicodedata.normalize("NFC", out[f])
    out["trick"] = "+".join(tricks)
    return out


def main() -> None:
    rows = [json.loads(line) for line in SRC.open(encoding="utf-8")]
    pick = random.Random(SEED)
    out = [variant(r) for r in rows if r["labels"] or pick.random() < INNOCENT_SHARE]
    with DST.open("w", encoding="utf-8") as f:
        for r in out:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    report(DST.name, validate(DST))


if __name__ == "__main__":
    main()
