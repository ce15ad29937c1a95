"""Vietnamese formatting (1.200.000 ₫, 28/11/2026) and safe rendering helpers for the templates.

Nothing here returns markup: evidence highlighting returns plain segments that the template wraps in
``<mark>`` while autoescape escapes every segment's text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

VIETNAM = timezone(timedelta(hours=7), "ICT")  # Vietnam has no daylight saving time


def vnd(amount: int | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,}".replace(",", ".") + " ₫"


def number(value: float | int | None, digits: int = 0) -> str:
    """Thousands with '.', decimals with ',' (the Vietnamese way)."""
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


# Formatted field by field: strftime costs more, and the queue prints a date on every row.
def local_date(value: datetime | date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(VIETNAM)
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return "—"
    v = value.astimezone(VIETNAM)
    return f"{v.day:02d}/{v.month:02d}/{v.year:04d} {v.hour:02d}:{v.minute:02d}"


def parse_local_date(text: str | None) -> date | None:
    """A date typed in a filter: dd/mm/yyyy, or yyyy-mm-dd from a date input; None if not a date."""
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def start_of_local_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=VIETNAM)


def safe_url(url: Any) -> str | None:
    """The URL if it is http(s) and may become a link; None for javascript:, data: and the like."""
    if not isinstance(url, str) or len(url) > 2048:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url.strip()


def pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str)


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    marked: bool = False


def _spans(text: str, evidence: Iterable[Mapping[str, Any]], field: str) -> list[tuple[int, int]]:
    spans = []
    for item in evidence:
        if item.get("field") != field:
            continue
        start, end, quoted = item.get("start"), item.get("end"), item.get("text") or ""
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            if not quoted or text[start:end] == quoted:
                spans.append((start, end))
                continue
        if quoted:  # offsets out of date (the listing changed): fall back to finding the quoted text
            found = text.find(quoted)
            if found >= 0:
                spans.append((found, found + len(quoted)))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str | None, evidence: Iterable[Mapping[str, Any]], field: str) -> list[Segment]:
    """Split ``text`` into plain and marked segments at the evidence spans of ``field``."""
    text = text or ""
    segments, pos = [], 0
    for start, end in _spans(text, evidence, field):
        if start > pos:
            segments.append(Segment(text[pos:start]))
        segments.append(Segment(text[start:end], marked=True))
        pos = end
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return segments
