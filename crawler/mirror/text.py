"""Text helpers shared by the mirror: diacritic folding, slugs and stable hashes.

Kept separate from the shapes so the catalogue, the synthetic generator and the build script agree
on exactly one way to fold Vietnamese text and to derive deterministic numbers from ids.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics (đ → d) and collapse to single-spaced words.

    >>> fold("Nước Hoa  Nội-địa NHẬT")
    'nuoc hoa noi dia nhat'
    """
    decomposed = unicodedata.normalize("NFKD", text.lower()).replace("đ", "d")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", bare).strip()


def slugify(text: str, max_words: int = 20) -> str:
    """Tiki-style URL key: folded words joined by hyphens."""
    words = fold(text).split()[:max_words]
    return "-".join(words) or "san-pham"


def stable_int(*parts: object, modulo: int = 2**31) -> int:
    """A deterministic non-negative integer from any parts (independent of PYTHONHASHSEED)."""
    digest = hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % modulo


def stable_hex(*parts: object, length: int = 32) -> str:
    """A deterministic hex string (for image hashes, trace ids, SKUs)."""
    size = max(1, (length + 1) // 2)
    return hashlib.blake2b("\x1f".join(str(p) for p in parts).encode(), digest_size=size).hexdigest()[:length]


def contains_words(haystack_folded: str, needle_folded: str) -> bool:
    """True when the folded needle occurs in the folded haystack on word boundaries."""
    if not needle_folded:
        return True
    return f" {needle_folded} " in f" {haystack_folded} "
