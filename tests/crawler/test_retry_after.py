"""Retry-After as RFC 9110 allows it: delay-seconds or an HTTP-date."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.retry_after import retry_after_seconds

NOW = datetime(2026, 11, 29, 15, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        (b"120", 120.0),
        ("  7 ", 7.0),
        (b"Sun, 29 Nov 2026 15:00:30 GMT", 30.0),
        ("Sunday, 29-Nov-26 15:01:00 GMT", 60.0),  # RFC 850, obsolete but allowed
        ("Sun Nov 29 15:00:05 2026", 5.0),  # asctime
        (b"Sun, 29 Nov 2026 14:00:00 GMT", 0.0),  # already past
        (b"-5", 0.0),
        (b"soon", None),
        (b"inf", None),  # not a delay: our own schedule
        (b"nan", None),
        (b"", None),
        (None, None),
    ],
)
def test_retry_after_seconds(value: bytes | str | None, seconds: float | None) -> None:
    assert retry_after_seconds(value, now=NOW) == seconds
