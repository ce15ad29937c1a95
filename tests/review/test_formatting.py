"""Vietnamese formatting and evidence highlighting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from review.formatting import (
    Segment,
    highlight,
    local_date,
    local_datetime,
    number,
    parse_local_date,
    safe_url,
    vnd,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_200_000, "1.200.000 ₫"),
        (0, "0 ₫"),
        (999, "999 ₫"),
        (None, "—"),
        (12_345_678_900, "12.345.678.900 ₫"),
    ],
)
def test_vnd(value: int | None, text: str) -> None:
    assert vnd(value) == text


def test_numbers_and_dates() -> None:
    assert number(1234.5, 1) == "1.234,5" and number(0.91, 2) == "0,91"
    assert local_date(datetime(2026, 11, 28, 18, 0, tzinfo=UTC)) == "29/11/2026"  # 01:00 in Vietnam
    assert local_date(date(2026, 11, 28)) == "28/11/2026"
    assert local_datetime(datetime(2026, 11, 28, 1, 5, tzinfo=UTC)) == "28/11/2026 08:05"
    assert parse_local_date("28/11/2026") == parse_local_date("2026-11-28") == date(2026, 11, 28)
    assert parse_local_date("31/02/2026") is None and parse_local_date("") is None


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://tiki.vn/p/1", True),
        ("HTTP://shopee.vn/x", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("/relative", False),
        ("https://", False),
        (None, False),
    ],
)
def test_safe_url(url: str | None, ok: bool) -> None:
    assert (safe_url(url) is not None) == ok


EVIDENCE = [
    {"field": "title", "start": 8, "end": 16, "text": "xách tay"},
    {"field": "title", "start": 12, "end": 20, "text": "tay Nhật"},  # overlaps: merged
    {"field": "description", "start": 0, "end": 3, "text": "Hàng"},
]


def test_highlight_splits_text_at_merged_spans() -> None:
    assert highlight("Sữa bột xách tay Nhật <b>", EVIDENCE, "title") == [
        Segment("Sữa bột "),
        Segment("xách tay Nhật", marked=True),
        Segment(" <b>"),  # markup stays text; the template escapes every segment
    ]


def test_highlight_survives_stale_or_bad_offsets() -> None:
    stale = [
        {"field": "title", "start": 0, "end": 4, "text": "Gucci"},
        {"field": "title", "start": "x", "end": None},
    ]
    assert highlight("Túi Gucci", stale, "title") == [Segment("Túi "), Segment("Gucci", marked=True)]
    assert highlight("abc", [{"field": "title", "start": 1, "end": 99, "text": ""}], "title") == [
        Segment("abc")
    ]
    assert highlight(None, EVIDENCE, "title") == []
