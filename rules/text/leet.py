"""Leetspeak, letters split apart and marks inside words.

The general leet pass (:func:`_leet`: 0/1/3/4/$/@ inside alphabetic tokens), the split-letter pass
("f.a.k.e", "r e p"), the inner pass (one "." or "_" inside a word or between two words), the
Vietnamese syllable tests they share (:func:`one_syllable`, :func:`_vn_syllable`,
:func:`_vn_distinct`) and the extra leet pass (digits 5/7/8/9 and "!"/"@" beside Vietnamese letters).
"""

from __future__ import annotations

import re
import unicodedata

from rules.text.memo import WordMemo
from rules.text.tables import (
    _DIA,
    _DIA_LOWER,
    _LEET_CHARS,
    _LEET_HINT,
    _LEETX_ADJ_CLASSES,
    _LEETX_DELETE,
    _LEETX_DIA_CLASSES,
    _LETTER,
    _LX_TOKEN_CLASSES,
    _NON_LEET_DIGITS,
    _SEPS,
    _SPLIT_HINT,
    _SPLIT_RE,
    _SPLIT_SEP,
    _SPLIT_SEP_NOSPACE,
    _TOKEN_RE,
    _WORD_GAP,
    _find_all,
    _fold,
    _leet_hints,
    _split_hints,
    _wordish,
)
from rules.textdata import LEET, LEET_EXTRA, VN_DISTINCT_ONSETS, VN_DISTINCT_RHYME_PARTS, VN_ONSETS, VN_RHYMES


def _token_tail(text: str, lo: int, hi: int) -> int:
    """Where ``_TOKEN_TAIL.search(text, lo, hi)`` starts, or -1: the first position from ``lo`` of
    the run of token characters ending at ``hi`` (or, as ``$`` allows, before a newline at ``hi``).
    A walk back instead of a search that retries every start position."""
    end = hi - 1 if hi > lo and text[hi - 1] == "\n" else hi
    p = end
    while p > lo and (text[p - 1].isalnum() or text[p - 1] in "_@$!"):
        p -= 1
    return p if p < end else -1


def _deleet(tok: str) -> str | None:
    """Undo leetspeak inside one alphabetic token, or None to leave it alone (memoised)."""
    return _DELEET[tok]  # type: ignore[no-any-return]


_DELEET = WordMemo(lambda tok: _deleet_token(tok))


def _deleet_token(tok: str) -> str | None:
    if tok[0] == "@" or not _NON_LEET_DIGITS.isdisjoint(tok):
        return None
    letters = sum(1 for ch in tok if ch.isalpha())
    if letters < 2:
        return None
    chars = list(tok)
    n, i, changed = len(tok), 0, False
    while i < n:
        if tok[i] not in _LEET_CHARS:
            i += 1
            continue
        j = i
        while j < n and tok[j] in _LEET_CHARS:
            j += 1
        left = i > 0 and tok[i - 1].isalpha()
        right = j < n and tok[j].isalpha()
        run = tok[i:j]
        if left and right:
            ok = j - i <= 2 and ("!" not in run or (tok[i - 1].isascii() and tok[j].isascii()))
        elif right:  # leading symbol: "$upreme" (digits first are sizes/units: "500ml", "3ce")
            ok = run == "$"
        elif left:  # trailing: "gucc1", "adida$" after a real word stem; "nộ1", "đị4" after a
            # Vietnamese letter with diacritics (model numbers never follow one: "s4", "ps4" stay)
            ok = j - i == 1 and (
                (run in "1035$" and letters >= 3) or (run in "01345" and not tok[i - 1].isascii())
            )
        else:
            ok = False
        if ok:
            for k in range(i, j):
                chars[k] = LEET[tok[k]]
            changed = True
        i = j
    return "".join(chars) if changed else None


def _leet(text: str, cls: bytes | None = None) -> str:
    """Undo leetspeak token by token; ``cls``: the text's hint classes (see :data:`_CLASSES`)."""
    pieces: list[str] = []
    pos = 0  # text[:pos] is already emitted; pos is always at a token boundary
    done = 0  # tokens before this position have been looked at
    hints = (m.start() for m in _LEET_HINT.finditer(text)) if cls is None else _leet_hints(cls)
    for ts in hints:
        if ts < done:
            continue
        back = _token_tail(text, max(done, ts - 32), ts)  # the token's start, within reach
        if back >= 0:
            ts = back
        m = _TOKEN_RE.match(text, ts)
        if m is None:  # pragma: no cover - the hint always starts a token character
            continue
        done = m.end()
        rep = _deleet(m.group())
        if rep is not None:
            pieces.append(text[pos:ts])
            pieces.append(rep)
            pos = m.end()
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def _rejoin(run: str) -> str:
    """ "f.a.k.e" -> "fake", "r e p" -> "rep", "h.à.n.g x.á.c.h" -> "hàng xách" (spaces kept
    between dotted words), "h à n g  n ộ i" -> "hàng nội" (a wider gap between letters spaced one
    apart is a word break)."""
    if "  " in run:
        gaps = _SPLIT_SEP.findall(run)
        if any(len(g) == 1 for g in gaps):
            return " ".join(_SPLIT_SEP.sub("", w) for w in _WORD_GAP.split(run) if w)
    if run.strip(" ").count(" ") and _SPLIT_SEP_NOSPACE.search(run):
        return " ".join(_SPLIT_SEP_NOSPACE.sub("", w) for w in run.split())
    return _SPLIT_SEP.sub("", run)


def _split_edits(text: str, cls: bytes | None = None) -> list[tuple[int, int, str]]:
    """Runs of single letters, found from the hints (a letter between separators): walk back to
    the run's first letter and match the run there, instead of scanning the whole text."""
    edits: list[tuple[int, int, str]] = []
    done = 0
    for hint in (m.start() for m in _SPLIT_HINT.finditer(text)) if cls is None else _split_hints(cls):
        i = hint + 1  # the letter
        if i < done:
            continue
        while True:  # step back over "<letter><separators>" while the letter stands alone
            j = i - 1
            while j >= 0 and i - j <= 3 and text[j] in _SEPS:
                j -= 1
            if j < done or j == i - 1 or not text[j].isalpha() or (j > 0 and _wordish(text[j - 1])):
                break
            i = j
        m = _SPLIT_RE.match(text, i)
        if m is not None:
            edits.extend(_rejoin_edits(m.group(), m.start()))
            done = m.end()
    return edits


def _rejoin_edits(run: str, at: int) -> list[tuple[int, int, str]]:
    """The edits rejoining ``run`` (at offset ``at``): one per word when wider gaps break it into
    words, so that each word maps back to its own letters; else one for the whole run."""
    out = _rejoin(run)
    if " " not in out or "  " not in run:
        return [(at, at + len(run), out)]
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for gap in _WORD_GAP.finditer(run):
        edits.append((at + pos, at + gap.start(), _SPLIT_SEP.sub("", run[pos : gap.start()])))
        edits.append((at + gap.start(), at + gap.end(), " "))
        pos = gap.end()
    edits.append((at + pos, at + len(run), _SPLIT_SEP.sub("", run[pos:])))
    if " ".join(r for _, _, r in edits if r != " ") != out:  # pragma: no cover - _rejoin disagrees
        return [(at, at + len(run), out)]
    return edits


# One "." or "_" inside a word ("va.pe", "fa_ke", "hà.ng", "t.rị") or between two words
# ("hàng.fake", "order_taobao"). A piece of one or two letters is part of a split word when the
# whole is a word: Vietnamese pieces only when they make one Vietnamese syllable ("n.ội" but not
# "p.tân"), other pieces when the whole is short ("da.te", "h.sd"). Otherwise the mark is a space.
_INNER_BEFORE = frozenset("@$.-'_")
_INNER_MAX = 24  # longer pieces are not words: leave them alone
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?"
)
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


def one_syllable(word: str) -> bool:
    """Whether ``word`` (lower case, Vietnamese letters) can be one Vietnamese syllable."""
    if _SYLLABLE.fullmatch(_fold(word)) is None:
        return False
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in _TONE_MARKS) <= 1


def _inner_marks(text: str, first: bool = False) -> list[int]:
    """Positions of "." and "_" between two letters, in order (a few finds instead of a regex:
    sentences have many marks, few of them inside words); ``first``: stop at the first one."""
    n = len(text)
    found: list[int] = []
    for mark in "._":
        i = text.find(mark, 1)
        while 0 < i < n - 1:
            if text[i - 1].isalpha() and text[i + 1].isalpha():
                if first:
                    return [i]
                found.append(i)
            i = text.find(mark, i + 1)
    return sorted(found)


def _inner_hint(text: str) -> bool:
    return bool(_inner_marks(text, first=True))


def _inner_edits(text: str) -> list[tuple[int, int, str]]:
    edits: list[tuple[int, int, str]] = []
    done = 0
    n = len(text)
    for p in _inner_marks(text):  # each mark with a letter either side
        if p < done:
            continue
        s = p - 1
        while s > 0 and p - s <= _INNER_MAX and text[s - 1].isalpha():
            s -= 1
        e = p + 1
        while e < n and e - p <= _INNER_MAX and text[e].isalpha():
            e += 1
        done = e
        if s > 0 and (text[s - 1].isalnum() or text[s - 1] in _INNER_BEFORE):
            continue  # "a.b.c", "abc@mail.com", "x_y.z": not one mark between two words
        if e < n and (
            text[e].isalnum()
            or text[e] in "@$"
            or (text[e] in "._-'" and e + 1 < n and text[e + 1].isalpha())
        ):
            continue
        left, right = text[s:p], text[p + 1 : e]
        if len(left) > _INNER_MAX or len(right) > _INNER_MAX:
            continue
        joined = left + right
        if len(joined) < 3:
            continue  # initials ("c.k", "t.p") stay as written
        if min(len(left), len(right)) <= 2 and (
            one_syllable(joined) if not joined.isascii() else len(joined) <= 7
        ):
            edits.append((p, p + 1, ""))
        else:
            edits.append((p, p + 1, " "))
    return edits


def _vn_syllable(word: str) -> bool:
    """``word`` (lower case, no diacritics) is one Vietnamese syllable: onset and rhyme."""
    for k in range(min(3, len(word)) + 1):
        onset, rhyme = word[:k], word[k:]
        if (k == 0 or onset in VN_ONSETS) and rhyme in VN_RHYMES:
            front = rhyme[0] in "eiy"  # "gh", "ngh", "k" only before e/i/y; "c", "g", "ng" never
            if front if onset in ("gh", "ngh", "k") else not (front and onset in ("c", "ng")):
                return True
    return False


def _vn_distinct(word: str) -> bool:
    """A syllable with an onset or rhyme that English and brand names rarely have ("xach", "thuoc")."""
    return (
        word[:3] in VN_DISTINCT_ONSETS
        or word[:2] in VN_DISTINCT_ONSETS
        or any(p in word for p in VN_DISTINCT_RHYME_PARTS)
    )


# Leetspeak digits 5/7/8/9 ("7rị", "g0u7", "5ữa") and "!"/"@" beside Vietnamese letters ("Thá!
# L@n", "đị@"). Runs after lower-casing, before the general leet pass. The hints test what a
# changed token needs (necessary conditions), in the text or, for the one-byte path, its classes.
_LEET_ALL = {**LEET, **LEET_EXTRA}
_LX_ANY = "a-z0-9$!@"
_LX_DIA = re.compile(
    f"[5789][{_LX_ANY}]{{0,6}}[{_DIA_LOWER}]|[{_DIA_LOWER}][{_LX_ANY}]{{0,6}}[5789]"
    f"|[!@][{_DIA_LOWER}]|[{_DIA_LOWER}][!@]"
)
_LX_NEW = re.compile("[a-z][5789]|[5789][a-z]")
_LX_CLASSIC = re.compile("[a-z][0134$!@]|[0134$!@][a-z]")
_LX_POS = re.compile(f"(?<=[{_LETTER}])[5789!@]|[5789!@](?=[{_LETTER}])")
_LX_NEXT = re.compile(r" [\w@$!]*(?:[^\W\d_][0-9@$!]|[0-9@$][^\W\d_])")  # the next word is leet too
_ONSET = (
    "bl|br|ch|cl|cr|dr|fl|fr|gl|gr|kh|ng|nh|ph|pl|pr|sc|sh|sk|sl|sm|sn|sp|st|sw|th|tr|tw|wh|[b-df-hj-np-tv-z]"
)
_PRONOUNCEABLE = re.compile(
    f"(?:{_ONSET})?[aeiouy]{{1,3}}(?:[b-df-hj-np-tv-z]{{1,2}}[aeiouy]{{1,3}})*[b-df-hj-np-tv-z]{{0,2}}"
)


def _leetx_hint(text: str) -> bool:
    """Can :func:`_leet_extra` change ``text``? A necessary condition (:func:`_leetx_fast` has its
    own for one-byte text)."""
    if _LX_POS.search(text) is None:
        return False
    return _LX_DIA.search(text) is not None or (
        _LX_NEW.search(text) is not None and _LX_CLASSIC.search(text) is not None
    )


def _leetx_fast(text: str, enc: bytes) -> str:
    """:func:`_leet_extra` for one-byte text, behind a necessary condition over classes: a leet
    character beside a letter, and then either one of 5789!@ meeting a Vietnamese letter once
    plain letters and ordinary leet characters are deleted, or an ordinary one too."""
    a = enc.translate(_LEETX_ADJ_CLASSES)
    if b"a7" not in a and b"7a" not in a:
        return text
    y = enc.translate(_LEETX_DIA_CLASSES, _LEETX_DELETE)
    if not (b"7v" in y or b"v7" in y or b"ac" in a or b"ca" in a or b"!" in enc or b"@" in enc):
        return text
    return _leet_extra(text, _find_all(a, ((b"a7", 1), (b"7a", 0))), enc.translate(_LX_TOKEN_CLASSES))


def _leet_extra(text: str, starts: list[int] | None = None, tokens: bytes | None = None) -> str:
    """Undo the extra leetspeak token by token (see :func:`_deleet_extra`); ``text`` itself when
    nothing changes. ``starts``: the :data:`_LX_POS` matches, ascending, if already known;
    ``tokens``: for one-byte text, its :data:`_LX_TOKEN_CLASSES`, so that a token's ends are two
    byte searches instead of walks."""
    pieces: list[str] = []
    pos = done = 0
    n = len(text)
    for i in (m.start() for m in _LX_POS.finditer(text)) if starts is None else starts:
        if i < done:
            continue
        if tokens is not None:
            s = tokens.rfind(b" ", done, i) + 1 or done
            e = tokens.find(b" ", i + 1)
            if e < 0:
                e = n
        else:
            s, e = i, i + 1
            while s > done and (text[s - 1].isalnum() or text[s - 1] in "@$!"):
                s -= 1
            while e < n and (text[e].isalnum() or text[e] in "@$!"):
                e += 1
        done = e
        if e - s > 32:
            continue
        tok = text[s:e]
        key = (tok, tok[-1] == "!" and _LX_NEXT.match(text, e) is not None)
        rep = _LX_MEMO[key]
        if rep is not None:
            pieces += (text[pos:s], rep)
            pos = e
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


_LX_MEMO = WordMemo(lambda key: _deleet_extra(*key))  # (token, a leet "!" before the next word)


def _deleet_extra(tok: str, leet_next: bool) -> str | None:
    """One token's letters for its leet characters, or None to leave it alone. A token with
    Vietnamese letters must become one Vietnamese syllable ("7rị" → "trị"; never "7ngày", "quá!");
    a plain one must start with a letter, mix an ordinary leet character with a new digit and
    become pronounceable ("g0u7"; never "7up", "F88", "9in1", "d7t3", "iphone8plus"). A trailing
    "!" counts only before another leet word ("thá! l@n")."""
    core = tok if leet_next else tok.rstrip("!")
    if len(core) < 2 or core[0] in "@!" or not set("26").isdisjoint(core):
        return None
    digits = letters = 0
    prev_digit = False
    for c in core:
        if c.isdigit():
            if prev_digit:
                return None  # "58kg", "2026": numbers, not letters
            digits += 1
        elif c.isalpha():
            letters += 1
        prev_digit = c.isdigit()
    if letters < 2 or digits > letters or any(c not in _LEET_ALL and not c.isalpha() for c in core):
        return None
    cand = "".join(_LEET_ALL.get(c, c) for c in core)
    if not _LX_POS.search(core):
        return None  # the hints' first test: a leet character beside a letter
    if not _DIA.isdisjoint(core):
        if not _LX_DIA.search(core) or not _vn_syllable(_fold(cand)):
            return None
    elif not (
        core.isascii()
        and core[0].isalpha()
        and _LX_NEW.search(core)
        and _LX_CLASSIC.search(core)
        and _PRONOUNCEABLE.fullmatch(cand)
    ):
        return None
    return cand + tok[len(core) :]
