"""Bounded memos of the normaliser's per-word steps.

What repeats across a marketplace's listings is words and tokens, not whole texts: each step that
works word by word remembers its answers in a :class:`WordMemo`, emptied when it grows past its
limit so that a long crawl's memory stays bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class WordMemo(dict):  # type: ignore[type-arg]
    """``memo[key]`` is ``compute(key)``, computed once while the memo holds it; a look-up that hits
    is a plain dict look-up (no Python call), a miss computes and, past ``limit`` entries, first
    forgets everything."""

    __slots__ = ("compute", "limit")

    def __init__(self, compute: Callable[[Any], Any], limit: int = 100_000) -> None:
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: Hashable) -> Any:
        if len(self) > self.limit:
            self.clear()
        value = self[key] = self.compute(key)
        return value
