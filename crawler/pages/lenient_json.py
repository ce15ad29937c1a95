"""Read the JSON that web pages embed, as written in the wild rather than as the spec wants it.

JSON-LD blocks and script blobs on real shops carry JS comments, trailing commas, raw control
characters, invalid escapes (``\\'``), unescaped inner quotes, HTML-entity encoding, CDATA or HTML
comment wrappers, and several values in one block. :func:`loads_lenient` repairs what it safely can
and returns every top-level value it could read; what it cannot read is skipped, never guessed.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

_WRAPPERS = re.compile(
    r"^\s*(?://\s*)?(?:<!--|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)|(?://\s*)?(?:-->|/\*\s*\]\]>\s*\*/|\]\]>)\s*$"
)
_VALID_ESCAPES = frozenset('"\\/bfnrtu')
_CLOSERS = frozenset(",:}]")
_DECODER = json.JSONDecoder(strict=False)  # strict=False: raw control characters inside strings


def loads_lenient(text: str) -> list[Any]:
    """Every JSON value in ``text`` (a script body), repaired where needed; [] when nothing is readable."""
    text = _strip_wrappers(text)
    if not text:
        return []
    values = _decode_all(text)
    if values is None:
        values = _decode_all(repair(text))
    if values is None and ("&quot;" in text or "&#" in text):
        unescaped = html.unescape(text)
        values = _decode_all(unescaped) or _decode_all(repair(unescaped))
    return values or []


def decode_after(text: str, pattern: re.Pattern[str]) -> Any:
    """The JSON value that follows the first match of ``pattern`` in a script; None when absent or unreadable."""
    for match in pattern.finditer(text):
        try:
            value, _end = _DECODER.raw_decode(text, match.end())
            return value
        except json.JSONDecodeError:
            values = _decode_all(repair(_balanced(text, match.end())))
            if values:
                return values[0]
    return None


def _strip_wrappers(text: str) -> str:
    text = text.strip().lstrip("\ufeff")
    previous = None
    while previous != text:
        previous = text
        text = _WRAPPERS.sub("", text).strip()
    return text.rstrip(";").strip()


def _decode_all(text: str) -> list[Any] | None:
    """All values of ``{…}{…}`` / ``{…};{…}``; None unless the whole text was read."""
    values, pos, end = [], 0, len(text)
    while pos < end:
        while pos < end and (text[pos].isspace() or text[pos] in ";,"):
            pos += 1
        if pos >= end:
            break
        try:
            value, pos = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            return None
        values.append(value)
    return values or None


def _balanced(text: str, start: int) -> str:
    """The ``{…}`` or ``[…]`` starting at ``start`` (brackets counted outside strings), for repair."""
    depth, in_string, escaped = 0, False, False
    for i in range(start, len(text)):
        ch = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
            if depth <= 0:
                return text[start : i + 1]
    return text[start:]


def repair(text: str) -> str:
    """One pass over ``text``: drop JS comments and trailing commas, fix invalid escapes and escape
    inner quotes (a ``"`` inside a string that is not followed by ``, : } ]`` does not end it)."""
    out: list[str] = []
    i, n, in_string = 0, len(text), False
    while i < n:
        ch = text[i]
        if in_string:
            if ch == "\\" and i + 1 < n:
                nxt = text[i + 1]
                out.append("\\" + nxt if nxt in _VALID_ESCAPES else nxt)
                i += 2
                continue
            if ch == '"':
                j = i + 1
                while j < n and text[j] in " \t\r\n":
                    j += 1
                if j >= n or text[j] in _CLOSERS:
                    in_string = False
                    out.append(ch)
                else:
                    out.append('\\"')
                i += 1
                continue
            out.append("\\n" if ch == "\n" else ch)
            i += 1
            continue
        if ch == '"':
            in_string = True
        elif ch == "/" and text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch == "/" and text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        elif ch in "}]":
            while out and (out[-1].isspace() or out[-1] == ","):
                if out.pop() == ",":
                    break
        out.append(ch)
        i += 1
    return "".join(out)
