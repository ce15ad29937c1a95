"""Page objects: extract raw fields from one response. No I/O, no database, no normalisation rules."""

from __future__ import annotations

import json
from typing import Any


class PageError(ValueError):
    """A response that cannot be read as the page it should be (truncated, malformed, drifted)."""


def load_json(body: bytes | str, *, what: str) -> Any:
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        size = len(body)
        raise PageError(f"{what}: malformed JSON ({error.msg} at char {error.pos} of {size})") from None
