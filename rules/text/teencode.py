"""Teencode and typing-method passes.

Teencode expansion from :data:`rules.textdata.TEENCODE` ("ko" → "không"), teencode sounds on
Vietnamese words ("jữ", "wá", "fải"), and words typed with Telex or VNI keys left in
("hangf xachs tay", "ha2ng xa1ch tay") composed back into one Vietnamese syllable.
"""

from __future__ import annotations

import re
import unicodedata

from rules.text.leet import _vn_syllable, one_syllable
from rules.text.memo import WordMemo
from rules.text.spans import PassMap, _edit_pass
from rules.text.tables import _CHARMAP, _DIA, _TEEN_ENC, _TEEN_KEYS, _fold

_TEEN_BEFORE = frozenset(" \n\x00([{,.;:/-\"'")  # what _TEEN_HINTS puts before a key


def _teen_pass(text: str) -> list[tuple[int, int, str]]:
    """:func:`_teen_edits` if the text has a hint (see _TEEN_HINTS), else none: one scan for both."""
    found: list[tuple[int, int, str]] = []
    hinted = False
    n = len(text)
    for end, (length, rep) in _TEEN_KEYS.iter(text):
        start, stop = end + 1 - length, end + 1
        if start == 0 or text[start - 1] in _TEEN_BEFORE:
            hinted = True
        elif text[start - 1].isalnum() or text[start - 1] == "_":
            continue
        if stop < n and (text[stop].isalnum() or text[stop] == "_"):
            continue
        found.append((start, stop, rep))
    if not hinted or len(found) < 2:
        return found if hinted else []
    return _leftmost_longest(found)


def _leftmost_longest(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping edits from the automaton's matches: leftmost first, then the longest."""
    found.sort(key=lambda e: (e[0], e[0] - e[1]))
    edits: list[tuple[int, int, str]] = []
    for e in found:
        if not edits or e[0] >= edits[-1][1]:
            edits.append(e)
    return edits


def _teen_splice(enc: bytes, edits: list[tuple[int, int, str]]) -> bytes | None:
    """``_apply`` of teencode ``edits`` on one-byte text: the replacements' bytes spliced in (None if
    one is outside the common alphabet)."""
    pieces: list[bytes] = []
    pos = 0
    for s, e, r in edits:
        b = _TEEN_ENC.get(r)
        if b is None:
            return None
        pieces.append(enc[pos:s])
        pieces.append(b)
        pos = e
    pieces.append(enc[pos:])
    return b"".join(pieces)


def _teen_edits(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for end, (length, rep) in _TEEN_KEYS.iter(text):
        start, stop = end + 1 - length, end + 1
        if (start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_")) or (
            stop < len(text) and (text[stop].isalnum() or text[stop] == "_")
        ):
            continue
        found.append((start, stop, rep))
    return _leftmost_longest(found)


# Teencode sounds on Vietnamese words (they carry Vietnamese marks, so they are no English words): "j" for
# "gi" ("jữ", "já", "jảm"), "w" for "qu" ("wá", "wần"), "f" for "ph" ("fải") right before a marked vowel; a
# word is rewritten only when it then is one Vietnamese syllable and was not one before.
# Not "k" for "c": "Hồng Kông" is written so.
_VN_MARKED = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_TEENSOUND_RE = re.compile("(?<![^\\W\\d_])[jwf][^\\W\\d_]{1,7}(?![^\\W\\d_])")
_TEENSOUND_HINT = re.compile(f"[jwf][{_VN_MARKED}]")  # the teencode onset right before a marked vowel
_TEEN_ONSETS = {"j": "gi", "w": "qu", "f": "ph"}
_TEENSOUND_CLASSES = _CHARMAP.class_table(
    {ord("j"): lambda c: c in "jwf", ord("v"): lambda c: c in _VN_MARKED}
)


def _teensound_word(word: str) -> str | None:
    if _DIA.isdisjoint(word) or _vn_syllable(_fold(word)):
        return None
    out = word
    if out[0] in _TEEN_ONSETS:
        out = _TEEN_ONSETS[out[0]] + out[1:]
    return out if out != word and one_syllable(out) and _vn_syllable(_fold(out)) else None


def _teensound_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _TEENSOUND_RE.finditer(text):
        out = _teensound_word(m.group())
        if out is not None:
            edits.append((m.start(), m.end(), out))
    return edits


def _teensound_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Undo teencode sounds in Vietnamese words; ``text`` itself if there are none. ``enc``: the text
    one byte per character, for a cheaper first test."""
    if enc is not None:
        if b"jv" not in enc.translate(_TEENSOUND_CLASSES):
            return text
    elif _TEENSOUND_HINT.search(text) is None:
        return text
    return _edit_pass(text, passes, _teensound_edits)


# --- Seller disguises, third round --------------------------------------------------------------------
# Vietnamese typed without the input method converting it: Telex ("hangf xachs tay", "thuoocs las":
# a final s/f/r/x/j is the tone, aa/ee/oo/aw/ow/uw/dd the letters â ê ô ă ơ ư đ) and VNI ("ha2ng xa1ch
# tay": digits 1-5 the tones, 6-9 the letters). A word is read so only when it then is one Vietnamese
# syllable and was none before, and only beside another such word, or when it has both a tone key and a
# letter key ("thuoocs"): a lone "bus", "teen", "a1" or "chef" stays.
_TYPING_TONES = {"s": "\u0301", "f": "\u0300", "r": "\u0309", "x": "\u0303", "j": "\u0323"}
_VNI_TONES = {"1": "\u0301", "2": "\u0300", "3": "\u0309", "4": "\u0303", "5": "\u0323"}
_TELEX_LETTERS = (("uow", "ươ"), ("aa", "â"), ("ee", "ê"), ("oo", "ô"), ("aw", "ă"), ("ow", "ơ"), ("uw", "ư"))
_VNI_LETTERS = (
    ("u7o7", "ươ"),
    ("uo7", "ươ"),
    ("a6", "â"),
    ("e6", "ê"),
    ("o6", "ô"),
    ("a8", "ă"),
    ("o7", "ơ"),
    ("u7", "ư"),
)
_TYPING_TOKEN = re.compile(r"(?<!\S)[a-z0-9]{3,8}(?=[\s,;:!?)]|$)")
_TYPING_VOWELS = "aăâeêioôơuưy"
_TYPING_HATS = "ăâêôơư"
_TYPING_CLASSES = _CHARMAP.class_table(
    {
        ord("t"): lambda c: c in "sfrxj",
        ord("d"): lambda c: c in "12345",
        ord("a"): lambda c: c.isascii() and c.isalpha() and c not in "sfrxj",
        ord("v"): lambda c: c.isalnum() and not (c.isascii() and c.isalpha()) and c not in "12345",
    }
)  # "v": other letters and digits, which no typed word holds ("tr" in "trắng" ends no word)


def _place_tone(word: str, mark: str) -> str | None:
    """``word`` (Vietnamese letters, no tone) with the tone ``mark`` on the vowel that carries it."""
    k = 0
    for onset in ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr"):
        if word.startswith(onset) and len(word) > len(onset) and word[len(onset)] in _TYPING_VOWELS:
            k = len(onset)
            break
    else:
        while k < len(word) and word[k] not in _TYPING_VOWELS:
            k += 1
    j = k
    while j < len(word) and word[j] in _TYPING_VOWELS:
        j += 1
    if j == k:
        return None
    nucleus = range(k, j)
    hats = [i for i in nucleus if word[i] in _TYPING_HATS]
    if hats:
        at = hats[-1]
    elif j - k == 1 or j < len(word):
        at = j - 1
    else:
        at = k + 1 if j - k == 3 else k
    return unicodedata.normalize("NFC", word[: at + 1] + mark + word[at + 1 :])


_HAT_NEXT = {"â": "uy", "ê": "u", "ô": "i", "ơ": "i", "ư": "aiuơ", "ă": ""}  # vowels a hat letter may precede


def _hats_valid(word: str) -> bool:
    """Each of â ê ô ơ ư ă in ``word`` is followed by a vowel it may be followed by, a final
    consonant, or nothing ("pơe" from "power" is no syllable); ă never ends a syllable."""
    for i, c in enumerate(word):
        nxt = _HAT_NEXT.get(c)
        if nxt is None:
            continue
        after = word[i + 1 : i + 2]
        if after in _TYPING_VOWELS and after not in nxt if after else c == "ă":
            return False
    return True


def _typed_word(tok: str) -> tuple[str, bool] | None:
    """Telex or VNI typing read as Vietnamese: the word, and whether both a tone and a letter key
    were typed."""
    if "0" in tok or _vn_syllable(tok) or tok.isdigit() or tok[0] == "p" and tok[1:2] != "h":
        return None
    mark = None
    if not tok.isalpha():  # VNI: one digit, after a vowel
        digits = [i for i, c in enumerate(tok) if c.isdigit()]
        at = digits[0] if len(digits) == 1 else 0
        if not at or tok[at - 1] not in "aeiouy" and at + 1 < len(tok) and tok[at] != "9":
            return None
        d = tok[digits[0]]
        if d in _VNI_TONES:
            mark, tok = _VNI_TONES[d], tok.replace(d, "")
        word = tok
        for key, letter in _VNI_LETTERS:
            word = word.replace(key, letter)
        word = word.replace("d9", "đ", 1)
        if not word.isalpha():
            return None
    else:
        if tok[-1] in _TYPING_TONES:
            mark, tok = _TYPING_TONES[tok[-1]], tok[:-1]
        word = "đ" + tok[2:] if tok.startswith("dd") else tok
        for key, letter in _TELEX_LETTERS:
            word = word.replace(key, letter)
        if "w" in word:
            return None
    keyed = word != tok
    if not keyed and mark is None:
        return None
    if mark is not None:
        placed = _place_tone(word, mark)
        if placed is None:
            return None
        word = placed
    if not one_syllable(word) or not _vn_syllable(_fold(word)) or not _hats_valid(word):
        return None
    return word, keyed and mark is not None


def _typing_edits(text: str) -> list[tuple[int, int, str]]:
    """Typed words read where two or more come in a run of words (plain unaccented syllables may stand
    between them: "hangf xachs tay nhaatj"), one of them with a tone and either a letter key or five
    characters ("hangf", "thuoocs"); not "air max", "moon tee", "giày boots nam"."""
    edits: list[tuple[int, int, str]] = []
    run: list[tuple[int, int, str, bool]] = []
    end = -1
    for m in _TYPING_TOKEN.finditer(text):
        a, b = m.span()
        if text[end:a] not in (" ", "  "):
            if len(run) > 1 and any(r[3] for r in run):
                edits.extend((s, e, w) for s, e, w, _ in run)
            run = []
        end = b
        tok = m.group()
        typed = _typed_word_memo(tok)
        if typed is not None:
            long_toned = b - a >= 5 and typed[0] != _fold(typed[0])
            run.append((a, b, typed[0], typed[1] or long_toned))
        elif not (tok.isalpha() and _vn_syllable(tok)):
            end = -1  # neither typed nor a plain syllable: the run ends
    if len(run) > 1 and any(r[3] for r in run):
        edits.extend((s, e, w) for s, e, w, _ in run)
    return edits


def _typing_words(text: str, enc: bytes) -> int:
    """How many words of one-byte text (lower case) read as typed Vietnamese, counting up to two
    (two are needed for a run): words ending in a tone key after a letter, or with a VNI tone digit
    after one; each word is looked up once in :func:`_typed_word_memo`."""
    cls = enc.translate(_TYPING_CLASSES) + b" "
    count = 0
    for needle in (b"t ", b"ad"):
        p = cls.find(needle)
        while p >= 0:
            a = cls.rfind(b" ", 0, p) + 1
            b = cls.find(b" ", p + 1)
            p = cls.find(needle, b)
            if (
                2 < b - a < 9
                and (a == 0 or text[a - 1].isspace())
                and _typed_word_memo(text[a:b]) is not None
            ):
                count += 1
                if count > 1:
                    return count
    return count


_TYPED_MEMO = WordMemo(lambda tok: _typed_word(tok), 50_000)


# the shape of a typed syllable, keys included: a cheap test before :func:`_typed_word` ("sm-a525f",
# "inbox", "plus" fail here)
_TYPED_SHAPE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|dd|d9|[bcdghklmnprstvx])?[aeiouyw1-8]{1,6}(?:ch|ng|nh|[cmnpt])?[1-5sfrxj]?"
)


def _typed_word_memo(tok: str) -> tuple[str, bool] | None:
    """:func:`_typed_word`, remembered for the words a crawl sees again (bounded)."""
    if _TYPED_SHAPE.fullmatch(tok) is None:
        return None
    return _TYPED_MEMO[tok]  # type: ignore[no-any-return]


def _typing_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Read Telex / VNI typing; ``text`` itself if there is none. First test, on the text one byte
    per character (``enc``, or made with other characters as "?"): two words that read as typed."""
    if _typing_words(text, _CHARMAP.encode_lossy(text) if enc is None else enc) < 2:
        return text
    return _edit_pass(text, passes, _typing_edits)
