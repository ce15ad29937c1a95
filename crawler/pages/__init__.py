"""Page objects: extract raw fields from one response. No I/O, no database, no normalisation rules."""

from __future__ import annotations

import json
import re
from typing import Any

from w3lib.html import remove_tags, replace_entities


class PageError(ValueError):
    """A response that cannot be read as the page it should be (truncated, malformed, drifted)."""


def load_json(body: bytes | str, *, what: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        size = len(body)
        raise PageError(f"{what}: malformed JSON ({error.msg} at char {error.pos} of {size})") from None


class Blocked(PageError):
    """The site served a block page (captcha, silent empty result…) instead of the page asked for."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


_BLOCK_TAG = re.compile(r"<\s*/?\s*(?:p|div|br|li|tr|h[1-6]|ul|ol|table|section)\b[^>]*>", re.IGNORECASE)

_BLANK_LINES = re.compile(r"\s*\n\s*")


def html_to_text(html: str) -> str:
    """Description HTML → text: block tags become line breaks, inline tags vanish."""
    if "<" not in html:
        return replace_entities(html).strip()
    text = replace_entities(remove_tags(_BLOCK_TAG.sub("\n", html)))
    return _BLANK_LINES.sub("\n", text).strip()
