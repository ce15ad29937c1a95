"""A one-byte encoding of the characters ordinary listing text is made of, for C-speed checks.

Vietnamese listing text is mostly ASCII plus the Vietnamese letters with diacritics. Encoded one
byte per character (a charmap codec built once), such text can be lower-cased, folded and
classified with ``bytes.translate`` and searched with ``bytes.find``: C loops over bytes instead
of regular expressions and per-character tables over the Unicode text. Text with any character
outside the alphabet does not encode (:meth:`Charmap.encode` returns None) and the caller takes
its general path.
"""

from __future__ import annotations

import codecs
import unicodedata
from collections.abc import Callable, Iterable

_UNDEFINED = "\ufffe"  # the charmap codecs' "no character" marker


def vietnamese_letters() -> list[str]:
    """The Vietnamese letters written with diacritics ("ă", "ệ", "đ"...), lower and upper case."""
    tones = ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323")
    lower = {unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in tones} | {"đ"}
    out: list[str] = []
    for c in sorted(lower):
        if not c.isascii():
            out += [c, c.upper()]
    return out


class Charmap:
    """A charmap codec over at most 256 characters: ASCII characters keep their byte value, the
    others take the bytes left free."""

    def __init__(self, chars: Iterable[str]) -> None:
        chars = list(dict.fromkeys(chars))
        table = [_UNDEFINED] * 256
        for c in chars:
            if ord(c) < 128:
                table[ord(c)] = c
        free = iter([b for b in range(1, 256) if table[b] == _UNDEFINED])
        for c in chars:
            if ord(c) >= 128:
                table[next(free)] = c  # StopIteration: more than 256 characters
        self.chars = frozenset(chars)
        self.decoding = "".join(table)
        self._encoding = codecs.charmap_build(self.decoding)

    def encode(self, text: str) -> bytes | None:
        """``text`` one byte per character, or None if a character is outside the alphabet."""
        try:
            return codecs.charmap_encode(text, "strict", self._encoding)[0]
        except UnicodeEncodeError:
            return None

    def encode_lossy(self, text: str) -> bytes:
        """``text`` one byte per character, a character outside the alphabet as "?"."""
        return codecs.charmap_encode(text, "replace", self._encoding)[0]

    def decode(self, data: bytes) -> str:
        return codecs.charmap_decode(data, "strict", self.decoding)[0]

    def byte_table(self, func: Callable[[str], str]) -> bytes:
        """A ``bytes.translate`` table doing ``func`` (one character of the alphabet to one)."""
        out = bytearray(range(256))
        for b, c in enumerate(self.decoding):
            if c != _UNDEFINED:
                mapped = self.encode(func(c))
                if mapped is None or len(mapped) != 1:
                    raise ValueError(f"{c!r} maps to {func(c)!r}, not one character of the alphabet")
                out[b] = mapped[0]
        return bytes(out)

    def class_table(self, classes: dict[int, Callable[[str], bool]], other: int = 0x20) -> bytes:
        """A ``bytes.translate`` table putting each character in the first class (a byte) whose
        test it passes, else in ``other``."""
        out = bytearray([other] * 256)
        for b, c in enumerate(self.decoding):
            if c != _UNDEFINED:
                out[b] = next((cls for cls, test in classes.items() if test(c)), other)
        return bytes(out)
