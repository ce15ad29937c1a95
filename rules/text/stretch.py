"""Letters stretched by repetition and stretched marked vowels.

The stretch pass ("xịnnn", "rẻeee", "vapeee"), the long-stretch pass in plain words ("6kggg",
"podddd"), the echo pass ("hàaàng", "vaảy") and the shared byte tests that find the exact doubles
of a text once for all of them (:func:`_double_marks`, :func:`_exact_doubles`,
:func:`_stretch_sure_enc`).
"""

from __future__ import annotations

import re
import unicodedata

from rules.text.leet import _vn_distinct, _vn_syllable, one_syllable
from rules.text.memo import WordMemo
from rules.text.spans import PassMap, _apply, _edit_pass, _lazy
from rules.text.tables import _CHARMAP, _DIA, _LETTER, _LETTER_RE, SEPARATOR, _fold

# Letters stretched by repetition ("xịnnn", "đầuu pod", "huyếtt áp", "rẻeee", "vapeee", "fakeeee"). A
# Vietnamese syllable never doubles a letter except "oo" ("xoong"): in a word with a Vietnamese letter
# every run becomes one letter ("o" runs two) and a plain vowel echoing the toned one before it goes,
# if what is left is one syllable (not "nútthời", two words run together, nor "TRESemmé"). In other
# words only a vowel said three times or more at the end is cut ("vapeee", "lenovooo"; not "EeePC",
# "bluetoooth", "AAA"), and any letter four times or more after two letters ("podddd", "HSDDDD"), so
# "Guccii", "Adidass" and "Chivasss" stay look-alikes of their marks.
_RUN = re.compile(r"([^\W\d_])\1+")
_WORD_RE = re.compile(r"[^\W\d_]+")
_DIA_RE = re.compile(f"[{''.join(sorted(_DIA))}]")
_TRAILING_VOWELS = re.compile(r"([aeouy])\1{2,}$")  # not "i": "III", "iii" are numerals
# any letter four times or more at the end of a word of two letters or more before it ("podddd",
# "HSDDDD"; not "AAAA", "Chivasss")
_TRAILING_RUN = re.compile(r"(?<=[^\W\d_]{2})([^\W\d_])\1{3,}$")
# a tone mark on a plain vowel, then that vowel plain ("ẻe"; not "ưu", "ôo": other letters)
_ECHO_BASE = {
    c: b
    for b, cs in zip("aeoiuy", ["àáảãạ", "èéẻẽẹ", "òóỏõọ", "ìíỉĩị", "ùúủũụ", "ỳýỷỹỵ"], strict=True)
    for c in cs
}
# where a stretch may be: a doubled letter ("rẻeee" has one; a lone echo "rẻe" is left alone)
_STRETCH_HINT = re.compile(f"([{_LETTER}])\\1")  # the text is lower case here
# then, on the few texts with a double: one a Vietnamese letter starts or ends, or a vowel three times
_DIA_LOWER_CLASS = "".join(sorted(c for c in _DIA if c.islower()))
_STRETCH_SURE = re.compile(
    f"[{_DIA_LOWER_CLASS}][a-z]{{0,2}}([{_LETTER}])\\1|([{_DIA_LOWER_CLASS}])\\2|([aeouy])\\3\\3"
    f"|([{_LETTER}])\\4\\4\\4"
)


def _squeeze_vn(m: re.Match[str]) -> str:
    ch = m.group(1)
    return ch * 2 if ch == "o" else ch


def _drop_echo(word: str) -> str:
    """Drop plain vowels echoing the marked vowel before them ("rẻeee" -> "rẻ", "quáaa" -> "quá")."""
    out = [word[0]]
    for c in word[1:]:
        if _ECHO_BASE.get(out[-1]) == c:
            continue
        out.append(c)
    return "".join(out)


def _stretch_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    done = -1
    for m in _STRETCH_HINT.finditer(text):
        i = m.start()
        if i < done:
            continue
        lo = max(text.rfind(" ", 0, i), text.rfind("\n", 0, i), text.rfind(SEPARATOR, 0, i)) + 1
        if (
            _DIA_RE.search(text, lo, m.end() + 24) is None
            and (m.group(1) not in "aeouy" or text[m.end() : m.end() + 1] != m.group(1))
            and text[m.end() : m.end() + 2] != m.group(1) * 2
        ):
            continue  # a plain double ("coffee") with no Vietnamese letter near: three vowels or four letters
        word_at = next(
            (w for w in _WORD_RE.finditer(text, lo, m.end() + 1) if w.start() <= i < w.end()), None
        )
        if word_at is None:
            continue
        a, b = word_at.span()
        while b < len(text) and text[b].isalpha():  # the window may have cut the word
            b += 1
        done = b
        word = text[a:b]
        if _DIA_RE.search(word):
            squeezed = _drop_echo(_RUN.sub(_squeeze_vn, word))
            out = squeezed if one_syllable(squeezed) else word  # not "nútthời": two words run together
        else:
            tail = _TRAILING_VOWELS.search(word) or _TRAILING_RUN.search(word)
            out = word[: tail.start() + 1] if tail and tail.start() > 0 else word  # not "aaa": a grade
        if out != word:
            edits.append((a, b, out))
    return edits


def _stretch_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Undo stretched letters; ``text`` itself if there are none. ``enc``: the text one byte per
    character, if it is in the common alphabet. A text with a doubled letter that is surely a stretch
    gets the stretch edits; any text with a doubled letter then gets the longer-stretch pass."""
    if enc is None:
        if _STRETCH_HINT.search(text) is None:
            return text  # no doubled letter
        sure = _stretch_sure(text)
    else:
        zeros = _double_marks(enc)
        if zeros.find(0) < 0:
            return text  # no doubled letter
        sure = _stretch_sure_enc(text, zeros)
    if sure:
        text = _edit_pass(text, passes, _stretch_edits)
    elif enc is not None:  # the text is unchanged: its doubles are the zero bytes
        return _stretch3_fast(text, passes, _doubles(zeros))
    return _stretch3_pass(text, passes)


def _letter_bytes(fill: int) -> bytes:
    """A translation keeping the bytes of the letters of :data:`_STRETCH_HINT` and making every
    other byte ``fill`` (the byte of a character that is not such a letter)."""
    return bytes(b if _LETTER_RE.match(c) else fill for b, c in enumerate(_CHARMAP.decoding))


_DOUBLE_A, _DOUBLE_B = _letter_bytes(0x20), _letter_bytes(0x21)  # " " and "!": not letters


def _double_marks(enc: bytes, a: bytes = _DOUBLE_A, b: bytes = _DOUBLE_B) -> bytes:
    """For one-byte text, the doubled letters found in C: XOR the letter bytes (others made " ") with
    the next ones (others made "!"); a zero byte is a letter equal to the next one. ``a`` and ``b``:
    the two translations (see :func:`_base_double_marks` for another pair)."""
    n = len(enc)
    if n < 2:
        return b""
    x = int.from_bytes(enc.translate(a)[:-1], "little") ^ int.from_bytes(enc.translate(b)[1:], "little")
    return x.to_bytes(n - 1, "little")


def _stretch_sure_enc(text: str, zeros: bytes) -> bool:
    """:func:`_stretch_sure` for one-byte text whose doubled letters are the zero bytes of ``zeros``
    (:func:`_double_marks`): each double is searched around, as there."""
    search = _STRETCH_SURE.search
    i = zeros.find(0)
    while i >= 0:
        if search(text, max(0, i - 5), i + 7) is not None:
            return True
        i = zeros.find(0, i + 1)
    return False


def _stretch_sure(text: str) -> bool:
    """``_STRETCH_SURE.search(text) is not None``, searched only around the doubled letters: every
    match holds a doubled letter, and the doubles found one after the other (non-overlapping) start
    at that one or the letter before it, so a match lies within 5 characters before and 7 after."""
    search = _STRETCH_SURE.search
    for m in _STRETCH_HINT.finditer(text):
        d = m.start()
        if search(text, max(0, d - 5), d + 7) is not None:
            return True
    return False


# Long stretches in plain words: a letter said three times or more inside or at the end of a word
# without Vietnamese letters ("xonggg", "gaaaan", "innnn", "trrrong") is one letter when the squeezed
# word is one Vietnamese syllable (not "Chivasss", "bluetoooth", "EeePC", "AAA", "zzz"); and a word
# without vowels that ends in a letter three times ("hsddd", "nsxxx") keeps one when three letters
# or more are left (an abbreviation stretched; not "pccc").
_RUN3 = re.compile(r"([a-z])\1\1")
_RUN3_SQUEEZE = re.compile(r"([a-z])\1\1+")
_UNITS = frozenset("kg g mg cm mm m km ml l lit kcal".split())  # stretched after a number: "6kggg"
_ROMAN = re.compile("[ivxlcdm]+")
_RUN2 = re.compile(r"([a-z])\1+")
_DOUBLE_CONSONANT = re.compile(r"(?<=[a-z])([b-df-hj-np-tv-xz])\1")  # not first: "Bbia", "llama"
_NO_VOWEL = re.compile(r"[b-df-hj-np-tv-xz]+")


def _squeeze_plain(word: str) -> str | None:
    """A plain word's letters squeezed when it is a stretched Vietnamese syllable, else None: a
    letter three times ("xonggg"), or a doubled consonant when the syllable is recognisably
    Vietnamese ("trrong", "thanhh"; not "matt", "mann"). Not Roman numerals ("viii")."""
    if len(set(word)) < 2 or _ROMAN.fullmatch(word):
        return None
    run3 = _RUN3.search(word) is not None
    if not run3 and _DOUBLE_CONSONANT.search(word) is None:
        return None
    squeezed = _RUN2.sub(r"\1", word)
    if not _vn_syllable(squeezed) or not (run3 or _vn_distinct(squeezed)):
        return None
    return squeezed


def _stretch3_word(word: str) -> str | None:
    """The word unstretched, or None (memoised): see the comment above."""
    return _STRETCH3_MEMO[word]  # type: ignore[no-any-return]


_STRETCH3_MEMO = WordMemo(lambda word: _unstretch(word))


def _unstretch(word: str) -> str | None:
    if word.isascii():
        if not word.isalpha():
            return None
        if len(word) >= 4 and _NO_VOWEL.fullmatch(word):
            # a letter three times or more: "hsddd", "hssssd", "nsxxx" (not "tnhh", "tgdd", "pccc", "xxxl")
            out = _RUN3_SQUEEZE.sub(r"\1", word)
            return out if out != word and len(out) >= 3 else None
        return _squeeze_plain(word) if len(word) >= 4 else None
    # "pháoo": the stretch pass keeps "oo" ("xoong"), which is no syllable here
    if "oo" in word and not _vn_syllable(_fold(word)) and one_syllable(word.replace("oo", "o")):
        return word.replace("oo", "o")
    return None


def _stretch3_edits(text: str, doubles: list[int] | None = None) -> list[tuple[int, int, str]]:
    """``doubles``: where :data:`_STRETCH_HINT` matches, ascending, if already known."""
    edits: list[tuple[int, int, str]] = []
    done = -1
    n = len(text)
    for i in (m.start() for m in _STRETCH_HINT.finditer(text)) if doubles is None else doubles:
        if i < done:
            continue
        c = text[i]
        if text[i + 2 : i + 3] != c:  # a double, not said thrice
            if c not in "hrgcmnpto" or i == 0 or not text[i - 1].isalpha():
                continue  # no Vietnamese syllable squeezes it ("ss", "ll", "ee"), or it starts a word, a unit
        a, b = i, i + 2
        while a > 0 and text[a - 1].isalpha():
            a -= 1
        while b < n and text[b].isalpha():
            b += 1
        done = b
        if (a > 0 and text[a - 1].isdigit()) or (b < n and text[b].isdigit()):
            # a unit stretched after a number ("6kggg"), not a code ("hstnn2", "10mm")
            unit = text[a:b]
            if a > 0 and text[a - 1].isdigit() and unit.isascii() and _RUN3_SQUEEZE.search(unit):
                if (squeezed := _RUN3_SQUEEZE.sub(r"\1", unit)) in _UNITS:
                    edits.append((a, b, squeezed))
            continue
        out = _stretch3_word(text[a:b])
        if out is not None and out != text[a:b]:
            edits.append((a, b, out))
    return edits


def _doubles(zeros: bytes) -> list[int]:
    """The :data:`_STRETCH_HINT` matches of one-byte text from its :func:`_double_marks`: the zero
    bytes, each one after the end of the last (matches do not overlap)."""
    found: list[int] = []
    i = zeros.find(0)
    while i >= 0:
        found.append(i)
        i = zeros.find(0, i + 2)
    return found


def _exact_doubles(enc: bytes, zeros: bytes) -> list[int]:
    """:func:`_doubles` from the zero bytes of a wider test (:func:`_stretch_echo_pass`'s, where a
    vowel and its marked forms are one letter): only the exact doubles, non-overlapping."""
    found: list[int] = []
    i = zeros.find(0)
    while i >= 0:
        if enc[i] == enc[i + 1] and (not found or i >= found[-1] + 2):
            found.append(i)
        i = zeros.find(0, i + 1)
    return found


def _stretch3_fast(text: str, passes: list[PassMap], doubles: list[int]) -> str:
    """:func:`_stretch3_pass` for one-byte text whose doubled letters are known (:func:`_doubles`):
    no regex scan of the whole text."""
    if not doubles:
        return text
    edits = _stretch3_edits(text, doubles)
    if not edits:
        return text
    out = _apply(text, edits)[0]
    passes.append(_lazy(text, out, _stretch3_edits))
    return out


def _stretch3_pass(text: str, passes: list[PassMap]) -> str:
    """Undo the stretches the stretch pass leaves (see above); ``text`` itself if none. Called by
    :func:`_stretch_pass` on the texts with a doubled letter."""
    return _edit_pass(text, passes, _stretch3_edits)


# Stretched marked vowels: the marked vowel with plain or marked copies of the same vowel beside it
# ("vaảy", "hàaàng", "teê", "làa"): a run of one vowel letter is the marked one, when the word then is
# one Vietnamese syllable. "ưu" (hưu, cứu) and a pair "oo" (xoong, quần soóc) are rhymes and stay.
_ECHO_FAMILY = {c: b for b, cs in (("a", "aàáảãạ"), ("e", "eèéẻẽẹ"), ("i", "iìíỉĩị"), ("o", "oòóỏõọ"), ("u", "uùúủũụ"), ("y", "yỳýỷỹỵ"), ("â", "âầấẩẫậ"), ("ê", "êềếểễệ"), ("ô", "ôồốổỗộ"), ("ă", "ăằắẳẵặ"), ("ơ", "ơờớởỡợ")) for c in cs}  # fmt: skip
_ECHO_BASES = {"a": "a", "â": "a", "ă": "a", "e": "e", "ê": "e", "o": "o", "ô": "o", "ơ": "o", "i": "i", "u": "u", "y": "y"}  # fmt: skip
_ECHO_RUN = re.compile("[aàáảãạâầấẩẫậăằắẳẵặ]{2,}|[eèéẻẽẹêềếểễệ]{2,}|[iìíỉĩị]{2,}|[oòóỏõọôồốổỗộơờớởỡợ]{2,}|[uùúủũụ]{2,}|[yỳýỷỹỵ]{2,}")  # fmt: skip
_ECHO_WORD = re.compile(r"[^\W\d_]+")


def _echo_letter(run: str) -> str | None:
    """The one letter a stretched run stands for: its only marked form, the hat letter if any."""
    marked = {c for c in run if c not in "aeiouy"}
    if len(marked) == 1:
        return marked.pop()
    if len(marked) == 2:  # a hat letter and that letter with a tone ("teêế" is rare; "ôố" -> "ố")
        a, b = sorted(marked, key=lambda c: len(unicodedata.normalize("NFD", c)))
        if _ECHO_FAMILY.get(b) == a:
            return b
    return None


def _echo_edits(text: str) -> list[tuple[int, int, str]]:
    edits = []
    for m in _ECHO_RUN.finditer(text):
        run = m.group()
        if run.isascii() or len(run) == 2 and run[0] in "oòóỏõọ" and run[1] in "oòóỏõọ":
            continue  # plain doubles are the stretch pass's ("coffee"); "oo" is a rhyme ("soóc", "xoòng")
        letter = _echo_letter(run)
        if letter is None:
            continue
        w = _ECHO_WORD.search(text, max(0, m.start() - 8), m.end() + 8)
        while w is not None and w.end() < m.start():
            w = _ECHO_WORD.search(text, w.end(), m.end() + 8)
        if w is None or w.start() > m.start():
            continue
        a, b = w.span()
        while b < len(text) and text[b].isalpha():
            b += 1
        word = text[a : m.start()] + letter + text[m.end() : b]
        if one_syllable(word) and _vn_syllable(_fold(word)):
            edits.append((m.start(), m.end(), letter))
    return edits


# one byte per character: a plain vowel as its letter (a e i o u y), a marked one as the capital of
# its base letter, "ư" and all else as 0; neighbours XOR to 0x20 where they are one vowel, once marked
_ECHO_CLASSES = bytes(
    ord(b) if c == b else ord(b.upper()) if b else 0
    for c in _CHARMAP.decoding
    for b in [_ECHO_BASES.get(_ECHO_FAMILY.get(c, ""), "")]
)


def _echo_hint(enc: bytes) -> bool:
    """Two neighbours of one base vowel, one marked and one not: XOR of the class bytes with the next
    ones (one shift of one big integer) holds 0x20 there."""
    x = int.from_bytes(enc.translate(_ECHO_CLASSES), "little")
    return b" " in (x ^ (x >> 8)).to_bytes(len(enc), "little")


def _echo_pass(text: str, passes: list[PassMap], enc: bytes | None = None) -> str:
    """Squeeze stretched marked vowels; ``text`` itself if there are none."""
    if enc is None:
        enc = _CHARMAP.encode_lossy(text)  # other characters as "?" for the test: no vowel
    x = int.from_bytes(enc.translate(_ECHO_CLASSES), "little")  # _echo_hint(enc), inlined
    if b" " not in (x ^ (x >> 8)).to_bytes(len(enc), "little"):
        return text
    return _edit_pass(text, passes, _echo_edits)


def _base_bytes(fill: int) -> bytes:
    """:func:`_letter_bytes` with each vowel as its plain base letter ("à", "â", "ậ" as "a"; "ư"
    apart), so that a stretched marked vowel is a double too."""
    out = bytearray(_letter_bytes(fill))
    plain = _CHARMAP.encode("aeiouy")
    assert plain is not None
    for b, c in enumerate(_CHARMAP.decoding):
        base = _ECHO_BASES.get(_ECHO_FAMILY.get(c, ""))
        if base is not None:
            out[b] = plain["aeiouy".index(base)]
    return bytes(out)


_BASE_A, _BASE_B = _base_bytes(0x20), _base_bytes(0x21)


def _base_double_marks(enc: bytes) -> bytes:
    """:func:`_double_marks` with a vowel and its marked forms as one letter ("aà" is a double)."""
    return _double_marks(enc, _BASE_A, _BASE_B)


def _stretch_echo_pass(text: str, passes: list[PassMap], enc: bytes | None) -> str:
    """:func:`_stretch_pass` then :func:`_echo_pass`, for one-byte text sharing their first test:
    the doubles found with vowels as their base letters hold every exact double (the stretch
    pass's) and every pair of one vowel, once marked and once not (the echo pass's)."""
    if enc is None:
        return _echo_pass(_stretch_pass(text, passes), passes)
    zeros = _base_double_marks(enc)
    i = zeros.find(0)
    if i < 0:
        return text
    echo = False
    while i >= 0 and not echo:
        echo = enc[i] != enc[i + 1]
        i = zeros.find(0, i + 1)
    # _stretch_pass(text, passes, enc) on these zeros: every exact double is among them
    if _stretch_sure_enc(text, zeros):
        out = _stretch3_pass(_edit_pass(text, passes, _stretch_edits), passes)
    else:  # the text is unchanged: its exact doubles are among the zero bytes
        out = _stretch3_fast(text, passes, _exact_doubles(enc, zeros))
    if echo or out is not text:
        out = _echo_pass(out, passes, None if out is not text else enc)
    return out
