"""Regex spans taken from the compiled RE2 object are the spans ``finditer`` gives."""

from __future__ import annotations

import pytest
import re2

import rules.matcher as matcher

PATTERNS = [
    rb"a+|x*",
    rb"(?:^|[^a-z])ha?n\s*\d+",
    rb"x*",
    rb"\d{2,4}",
    "h\u1ea1n".encode(),
    rb"(?:fake|rep)\b",
]
DATA = [
    b"",
    b"baaxxa a",
    b"han 12 hn3 h 4 han2024",
    "hạn sử dụng 12/2025 hạn 3".encode(),
    b"fake rep fakerep 1234567890 " * 5,
]


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("data", DATA)
def test_raw_spans_match_finditer(pattern: bytes, data: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    assert matcher._RAW_MATCH  # this google-re2 exposes the compiled object
    regex = re2.compile(pattern)
    fast = matcher._spans(regex, data, limit=5)
    monkeypatch.setattr(matcher, "_RAW_MATCH", False)
    assert fast == matcher._spans(regex, data, limit=5)
