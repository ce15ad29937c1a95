"""The normaliser itself: :func:`normalize`, its reference and :func:`normalize_term`.

:func:`normalize` runs every pass in order, on the one-byte path (the common alphabet, where the
hints are substring tests and folding is a byte translation) whenever it can;
:func:`normalize_reference` runs the same passes without that path and gives exactly the same text
(the tests compare them). See the :mod:`rules.text` package docstring for what the passes undo.
"""

from __future__ import annotations

from rules.text.camel import _CAMEL_HINT, _camel_fast, _camel_pass
from rules.text.leet import (
    _inner_edits,
    _inner_hint,
    _leet,
    _leet_extra,
    _leetx_fast,
    _leetx_hint,
    _split_edits,
)
from rules.text.nfc import _nfc_reference, _special_edits, _special_fast, _ws_edits, _ws_rep
from rules.text.separators import (
    _dotnum_hint,
    _dotnum_pass,
    _emoji_word_pass,
    _filler_edits,
    _filler_pass,
    _symsep,
    _underscore_pass,
    _widesep_pass,
)
from rules.text.spans import NormText, PassMap, _apply, _lazy
from rules.text.stretch import _echo_pass, _stretch_echo_pass, _stretch_pass
from rules.text.tables import (
    _CHARMAP,
    _CLASSES,
    _DOT_AS_SEP,
    _EXOTIC_RE,
    _FOLD_BYTES,
    _LOWER_BYTES,
    _NEWLINE_AS_SPACE,
    _SPECIAL_HINT,
    _SPLIT_HINT,
    _TEEN_HINTS,
    _WS_RE,
    _fold,
    _leet_hint,
    _map_char,
)
from rules.text.teencode import _teen_edits, _teen_pass, _teen_splice, _teensound_pass, _typing_pass


def normalize(original: str) -> NormText:
    """Normalise one text for matching; see the module docstring.

    Text in the common alphabet (:data:`_CHARMAP`: ASCII and Vietnamese) is also held one byte per
    character, where the passes' hints are substring tests and folding is a byte translation; any
    other text runs the general steps until it is in the common alphabet. Both give exactly what
    :func:`normalize_reference` gives.
    """
    passes: list[PassMap] = []
    t = original
    enc = _CHARMAP.encode(t)
    if enc is None:
        t = _filler_pass(t, passes)
    if enc is None and _SPECIAL_HINT.search(t):  # NFD accents (often), stylised letters, controls
        out = _special_fast(t)
        if out != t:
            passes.append(_lazy(t, out, _special_edits))
            t = out
            enc = _CHARMAP.encode(t)
    if enc is None:
        t = _emoji_word_pass(t, passes)
    if enc is not None:  # the common alphabet: nothing special, nothing exotic; only lower-casing
        out = _camel_fast(t, enc, passes)
        if out is not t:
            t, enc = out, _CHARMAP.encode(out)
        t = t.lower()
        enc = enc.translate(_LOWER_BYTES)
        changed = False
    else:
        if _CAMEL_HINT.search(t):
            t = _camel_pass(t, passes)
        t = t.lower()
        changed = bool(passes)
        if _EXOTIC_RE.search(t):
            t = _EXOTIC_RE.sub(_map_char, _symsep(t))
            changed = True
        enc = _CHARMAP.encode(t)
    out = _typing_pass(t, passes, enc)
    if out is not t:
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _underscore_pass(t, passes)
    if out is not t:
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _widesep_pass(t, passes, enc)
    if out is not t:
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _leetx_fast(t, enc) if enc is not None else _leet_extra(t) if _leetx_hint(t) else t
    if out is not t:
        changed, t, enc = True, out, None
    cls = None if enc is None else enc.translate(_CLASSES)
    if cls is None or _leet_hint(cls):
        out = _leet(t, cls)
        if out is not t:
            changed = True
            t = out
            # one-byte text stays one-byte: encode it again for the cheaper gates below
            enc = None if enc is None else _CHARMAP.encode(t)
            cls = None if enc is None else enc.translate(_CLASSES)
    if _dotnum_hint(t):
        out = _dotnum_pass(t, passes)
        if out is not t:
            t, enc, cls = out, None, None
    # Letters split apart are rejoined before whitespace is collapsed: a wider gap between letters
    # spaced one apart is a word break ("h à n g  n ộ i").
    if (
        b"sas" in cls.translate(_DOT_AS_SEP)  # _split_hint(cls), inlined
        if cls is not None
        else _SPLIT_HINT.search(t)
    ):
        edits = _split_edits(t, cls)
        if edits:
            out = _apply(t, edits)[0]
            passes.append(_lazy(t, out, _split_edits))
            t = out
            enc = None if enc is None else _CHARMAP.encode(t)  # as after the leet pass
            cls = None if enc is None else enc.translate(_CLASSES)
    if b"ada" in cls if cls is not None else _inner_hint(t):
        edits = _inner_edits(t)
        if edits:
            t, pm = _apply(t, edits)
            passes.append(pm)
            enc = None if enc is None else _CHARMAP.encode(t)
    out = _stretch_echo_pass(t, passes, enc)
    if out is not t:
        t, enc = out, None
    if (
        b"  " in enc.translate(_NEWLINE_AS_SPACE)  # one search for "  ", "\n ", " \n" and "\n\n"
        if enc is not None
        else ("  " in t or "\n " in t or " \n" in t or "\n\n" in t)
    ):
        out = _WS_RE.sub(_ws_rep, t)
        passes.append(_lazy(t, out, _ws_edits))
        t = out
        if enc is not None:
            enc = _CHARMAP.encode(t)
    out = _teensound_pass(t, passes, enc)
    if out is not t:
        t, enc = out, None
    edits = _teen_pass(t)
    if edits:
        t, pm = _apply(t, edits)
        passes.append(pm)
        enc = None if enc is None else _teen_splice(enc, edits)  # not a second encode of the text
    if enc is None:
        enc = _CHARMAP.encode(t)
    folded = _fold(t) if enc is None else enc.translate(_FOLD_BYTES).decode("ascii")
    return NormText(original, t, folded, tuple(passes), changed or bool(passes))


def normalize_reference(original: str) -> NormText:
    """What :func:`normalize` computes, without the one-byte fast path (kept for tests)."""
    passes: list[PassMap] = []
    t = _filler_pass(original, [])
    if t is not original:
        passes.append(_lazy(original, t, _filler_edits))
    if _SPECIAL_HINT.search(t):
        out = _special_fast(t, _nfc_reference)
        if out != t:
            passes.append(_lazy(t, out, _special_edits))
            t = out
    t = _emoji_word_pass(t, passes)
    if _CAMEL_HINT.search(t):
        t = _camel_pass(t, passes)
    t = t.lower()
    changed = bool(passes)
    if _EXOTIC_RE.search(t):
        t = _EXOTIC_RE.sub(_map_char, _symsep(t))
        changed = True
    t = _typing_pass(t, passes)
    t = _underscore_pass(t, passes)
    t = _widesep_pass(t, passes)
    if _leetx_hint(t):
        out = _leet_extra(t)
        if out is not t:
            changed, t = True, out
    out = _leet(t)
    if out is not t:
        changed = True
        t = out
    if _dotnum_hint(t):
        t = _dotnum_pass(t, passes)
    if _SPLIT_HINT.search(t):
        edits = _split_edits(t)
        if edits:
            out = _apply(t, edits)[0]
            passes.append(_lazy(t, out, _split_edits))
            t = out
    edits = _inner_edits(t)
    if edits:
        t, pm = _apply(t, edits)
        passes.append(pm)
    t = _stretch_pass(t, passes)
    t = _echo_pass(t, passes)
    if "  " in t or "\n " in t or " \n" in t or "\n\n" in t:
        out = _WS_RE.sub(_ws_rep, t)
        passes.append(_lazy(t, out, _ws_edits))
        t = out
    t = _teensound_pass(t, passes)
    if next(_TEEN_HINTS.iter(" " + t), None) is not None:
        edits = _teen_edits(t)
        if edits:
            t, pm = _apply(t, edits)
            passes.append(pm)
    return NormText(original, t, _fold(t), tuple(passes), changed or bool(passes))


def normalize_term(term: str) -> str:
    """Normalise a rule keyword the same way listing text is normalised (accents kept)."""
    return normalize(term).text.strip()
