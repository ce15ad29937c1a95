"""The reports page's numbers: flags by ISO week × category × source × province, decisions and their
turnaround, top sellers and top rules; the same tables feed the CSV/XLSX exports and the SVG charts."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from review.formatting import start_of_local_day
from storage import review_repo

T = TypeVar("T")
TABLES = ("weekly", "decisions", "sellers", "rules")
DEFAULT_WEEKS = 12


def iso_week(day: date | str) -> str:
    value = date.fromisoformat(day) if isinstance(day, str) else day
    year, week, _ = value.isocalendar()
    return f"{year}-W{week:02d}"


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (``fraction`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    width: float  # 0..100, share of the largest bar


def bars(counter: Counter[str], limit: int = 20, *, keep_order: bool = False) -> list[Bar]:
    items = sorted(counter.items()) if keep_order else counter.most_common(limit)
    top = max((v for _, v in items), default=0) or 1
    return [Bar(label, value, round(100 * value / top, 1)) for label, value in items[-limit:]]


@dataclass(slots=True)
class Report:
    computed_at: datetime
    start: date
    end: date  # inclusive
    weekly: Table
    decisions: Table
    sellers: Table
    rules: Table
    median_hours: float | None
    p90_hours: float | None
    decided: int
    by_week: list[Bar] = field(default_factory=list)
    by_category: list[Bar] = field(default_factory=list)
    by_decision: list[Bar] = field(default_factory=list)

    def table(self, name: str) -> Table:
        return {
            "weekly": self.weekly,
            "decisions": self.decisions,
            "sellers": self.sellers,
            "rules": self.rules,
        }[name]


def default_range(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(weeks=DEFAULT_WEEKS - 1), today


def build_report(session: Session, start: date, end: date) -> Report:
    """Everything the reports page shows for local days ``start``..``end`` (inclusive)."""
    since, until = start_of_local_day(start), start_of_local_day(end) + timedelta(days=1)
    weekly: Counter[tuple[str, str, str, str, str]] = Counter()
    for c in review_repo.flag_counts(session, since, until):
        weekly[(iso_week(c.day), c.category, c.source, c.province or "", c.province_legacy or "")] += c.count
    weekly_rows = [(*key, count) for key, count in sorted(weekly.items())]
    decisions = review_repo.decision_counts(session, since, until)
    delays = review_repo.first_decision_delays(session, since, until)
    median, p90 = percentile(delays, 0.5), percentile(delays, 0.9)
    sellers = review_repo.top_sellers(session)
    rules = review_repo.top_rules(session)
    report = Report(
        computed_at=datetime.now(UTC),
        start=start,
        end=end,
        weekly=Table(
            "weekly", ("week", "category", "source", "province", "province_legacy", "flags"), weekly_rows
        ),
        decisions=Table("decisions", ("status", "category", "decisions"), [tuple(d) for d in decisions]),
        sellers=Table(
            "sellers",
            ("seller_id", "seller", "source", "confirmed", "flags", "listings"),
            [(s.seller_id, s.name, s.source, s.confirmed, s.flags, s.listings) for s in sellers],
        ),
        rules=Table(
            "rules",
            ("rule", "category", "flags", "open", "confirmed", "dismissed", "escalated"),
            [(r.rule_id, r.category, r.flags, r.open, r.confirmed, r.dismissed, r.escalated) for r in rules],
        ),
        median_hours=None if median is None else median / 3600,
        p90_hours=None if p90 is None else p90 / 3600,
        decided=len(delays),
    )
    week_totals: Counter[str] = Counter()
    category_totals: Counter[str] = Counter()
    for (week, category, *_), count in weekly.items():
        week_totals[week] += count
        category_totals[category] += count
    decision_totals: Counter[str] = Counter()
    for status, _, count in decisions:
        decision_totals[status] += count
    report.by_week = bars(week_totals, 26, keep_order=True)
    report.by_category = bars(category_totals)
    report.by_decision = bars(decision_totals)
    return report


def parse_range(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    start, end = default_range(today)
    start, end = date_from or start, date_to or end
    if end < start:
        start, end = end, start
    if (end - start).days > 366 * 2:  # keep one request's work bounded
        start = end - timedelta(days=366 * 2)
    return start, end


class ReportCache:
    """Figures computed in the last ``ttl`` seconds (reports by date range, the sellers ranking):
    twenty inspectors opening the page at once cost one computation. Per process; exports bypass it.

    Keys include the newest review's id (:meth:`version`), so a decision made in any process makes the
    next request recompute; what the crawl adds shows within ``ttl``.
    """

    def __init__(self, ttl: float, size: int = 32) -> None:
        self.ttl, self.size = ttl, size
        self._lock = threading.Lock()
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._computing: dict[Hashable, threading.Lock] = {}

    def memo(self, key: Hashable, compute: Callable[[], T]) -> T:
        if self.ttl <= 0:
            return compute()
        with self._lock:
            computing = self._computing.setdefault(key, threading.Lock())
        with computing:  # one computation per key at a time; the others wait for its result
            with self._lock:
                cached = self._values.get(key)
            if cached and cached[0] > time.monotonic():
                return cached[1]  # type: ignore[no-any-return]
            value = compute()
            with self._lock:
                if len(self._values) >= self.size:
                    self._values.pop(min(self._values, key=lambda k: self._values[k][0]))
                self._values[key] = (time.monotonic() + self.ttl, value)
            return value

    @staticmethod
    def version(session: Session) -> int:
        return review_repo.latest_review_id(session)

    def get(self, session: Session, start: date, end: date, version: int | None = None) -> Report:
        if version is None:
            version = self.version(session)
        return self.memo(("report", start, end, version), lambda: build_report(session, start, end))
