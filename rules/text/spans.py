"""Offset maps: how each length-changing step records its edits.

:class:`PassMap` maps output spans of one step back to its input, built lazily from the step's
edits; :func:`_apply` applies a list of edits, :func:`_lazy` and :func:`_edit_pass` record a step
whose edits are recomputed only when a hit is mapped back; :class:`NormText` is what
:func:`rules.text.normalize` returns.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger("rules.text")  # the package's logger, as before the split


class PassMap:
    """The edits one normalisation step made: output spans back to input spans.

    Built lazily: a step records its input and how to recompute its edits, and the arrays are
    only made when a hit's span is mapped back (most listings have no hits).
    """

    __slots__ = ("in_s", "in_e", "out_s", "out_e", "_src", "_edits", "_out_len")

    def __init__(
        self,
        src: str = "",
        edits: Callable[[str], list[tuple[int, int, str]]] | None = None,
        out_len: int = 0,
    ) -> None:
        self.in_s: list[int] = []
        self.in_e: list[int] = []
        self.out_s: list[int] = []
        self.out_e: list[int] = []
        self._src, self._edits, self._out_len = src, edits, out_len

    def _build(self) -> None:
        edits, self._edits = self._edits, None
        assert edits is not None
        shift = 0
        for s, e, r in edits(self._src):
            self.in_s.append(s)
            self.in_e.append(e)
            self.out_s.append(s + shift)
            self.out_e.append(s + shift + len(r))
            shift += len(r) - (e - s)
        if len(self._src) + shift != self._out_len:  # pragma: no cover - NFC singletons next to marks
            logger.debug(
                "offset map approximated: edits give %d chars, output has %d",
                len(self._src) + shift,
                self._out_len,
            )
            self.in_s, self.in_e, self.out_s, self.out_e = [0], [len(self._src)], [0], [self._out_len]

    def char_range(self, i: int) -> tuple[int, int]:
        if self._edits is not None:
            self._build()
        k = bisect_right(self.out_s, i) - 1
        if k < 0:
            return i, i + 1
        if i < self.out_e[k]:
            return self.in_s[k], self.in_e[k]
        d = self.in_e[k] + (i - self.out_e[k])
        return d, d + 1

    def span(self, start: int, end: int) -> tuple[int, int]:
        if end <= start:
            a = self.char_range(start)[0]
            return a, a
        return self.char_range(start)[0], self.char_range(end - 1)[1]


def _apply(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, PassMap]:
    """Apply sorted, non-overlapping edits ``(start, end, replacement)``."""
    pieces: list[str] = []
    pos = 0
    for s, e, r in edits:
        pieces.append(text[pos:s])
        pieces.append(r)
        pos = e
    pieces.append(text[pos:])
    out = "".join(pieces)
    return out, PassMap(text, lambda _src: edits, len(out))


def _lazy(src: str, out: str, edits: Callable[[str], list[tuple[int, int, str]]]) -> PassMap:
    return PassMap(src, edits, len(out))


@dataclass(slots=True)
class NormText:
    original: str
    text: str
    folded: str
    passes: tuple[PassMap, ...] = ()
    changed: bool = True  # False: ``text`` is exactly ``original.lower()``

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the normalised text to the span of the original it came from."""
        for pm in reversed(self.passes):
            start, end = pm.span(start, end)
        return start, end


def _edit_pass(
    text: str, passes: list[PassMap], edits_of: Callable[[str], list[tuple[int, int, str]]]
) -> str:
    """Apply ``edits_of(text)``, recording a lazy offset map in ``passes``; ``text`` itself if none."""
    edits = edits_of(text)
    if not edits:
        return text
    out = _apply(text, edits)[0]
    passes.append(_lazy(text, out, edits_of))
    return out
