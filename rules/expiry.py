"""Expiry dates in listing text: "HSD 03/2024", "EXP 12.05.2025", "date T3/2026", "NSX 01/2023 HSD 24 tháng".

The engine finds trigger words with its automaton (:data:`TRIGGERS`, :data:`PRODUCTION`) and calls
:func:`find_expiries` with their positions; dates are parsed from a short window after each
trigger, so the cost does not depend on the length of the text. A date without a day means the
end of that month; two-digit years mean 20xx and must be 20 or later ("HSD 12/05" is a day and a
month, not May 2005).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

# Words after which an expiry date follows (normalised, accents kept; matched as terms).
TRIGGERS = (
    "hsd", "hạn sử dụng", "hạn dùng", "hạn sd", "exp", "exp date", "expiry", "expiry date", "expiration date",
    "expired date", "best before", "bbd", "use by", "date", "hết hạn", "ngày hết hạn", "sử dụng đến", "dùng đến",
    "dùng trước", "sử dụng trước",
)  # fmt: skip
# Words after which a production date follows; with a shelf life ("HSD 24 tháng") they give an expiry.
PRODUCTION = (
    "nsx", "ngày sản xuất", "ngày sx", "mfg", "mfd", "mfg date", "manufactured", "sản xuất ngày", "date sản xuất",
    "sản xuất", "sx", "production date",
)  # fmt: skip

_FILLER = r"[\s:.=\-/()]*(?:(?:là|ngày|đến|tới|trước|in|on|tháng\s+)[\s:.=\-]*)?"
_DMY = r"(?P<d>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<y>\d{4}|\d{2})(?!\d)"
_YMD = r"(?P<y2>20\d{2})[./\-](?P<m2>\d{1,2})(?:[./\-](?P<d2>\d{1,2}))?(?!\d)"
_TMY = r"(?:t|th|tháng)\s*(?P<m3>\d{1,2})\s*(?:[./\-]|năm)\s*(?P<y3>\d{4}|\d{2})(?!\d)"
_MY = r"(?P<m4>\d{1,2})[./\-](?P<y4>\d{4}|\d{2})(?![\d./\-])"
_Y = r"(?P<y5>20\d{2})(?![\d./\-])"
_DATE = re.compile(_FILLER + "(?:" + "|".join((_DMY, _YMD, _TMY, _MY, _Y)) + ")")
_SHELF = re.compile(
    r"(?:hsd|hạn sử dụng|hạn dùng|sử dụng trong|dùng trong|shelf life|(?<!thời )hạn|hd|exp)[\s:.=\-]*(?P<n>\d{1,3})\s*"
    r"(?P<u>tháng|năm|months?|years?|th|t|m|y)\b"
)
_WINDOW = 40


@dataclass(frozen=True, slots=True)
class Expiry:
    start: int  # span of the date (or of production date + shelf life) in the searched text
    end: int
    expires: date
    label: str
    precision: str = "day"  # day | month | year: how much of the date was written


def _year(text: str) -> int | None:
    y = int(text)
    if len(text) == 2:
        if y < 20:
            return None
        y += 2000
    return y if 2000 <= y <= 2100 else None


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _parse(text: str, pos: int) -> tuple[int, int, date, str] | None:
    m = _DATE.match(text, pos, min(len(text), pos + _WINDOW))
    if m is None:
        return None
    g = m.groupdict()
    try:
        if g["d"] is not None:
            y = _year(g["y"])
            return None if y is None else (m.start("d"), m.end(), date(y, int(g["m"]), int(g["d"])), "day")
        if g["y2"] is not None:
            y, mo = int(g["y2"]), int(g["m2"])
            day = date(y, mo, int(g["d2"])) if g["d2"] else _month_end(y, mo)
            return m.start("y2"), m.end(), day, "day" if g["d2"] else "month"
        for mk, yk in (("m3", "y3"), ("m4", "y4")):
            if g[mk] is not None:
                y = _year(g[yk])
                return None if y is None else (m.start(mk), m.end(), _month_end(y, int(g[mk])), "month")
        if g["y5"] is not None:
            y = int(g["y5"])
            return m.start("y5"), m.end(), date(y, 12, 31), "year"
    except ValueError:  # month 13, day 31 of a short month...
        return None
    return None


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def find_expiries(text: str, triggers: list[int], productions: list[int]) -> list[Expiry]:
    """Expiry dates after trigger positions (ends of trigger words) in normalised ``text``."""
    out: list[Expiry] = []
    for pos in sorted(set(triggers))[:16]:
        parsed = _parse(text, pos)
        if parsed is not None:
            s, e, d, precision = parsed
            out.append(Expiry(s, e, d, f"expires {d.isoformat()}", precision))
    for pos in sorted(set(productions))[:8]:
        parsed = _parse(text, pos)
        if parsed is None:
            continue
        s, e, made, precision = parsed
        window = text[max(0, s - 80) : e + 80]
        shelf = _SHELF.search(window)
        if shelf is None:
            continue
        n, unit = int(shelf.group("n")), shelf.group("u")
        months = n * 12 if unit.startswith(("n", "y")) else n
        if 0 < months <= 120:
            d = _add_months(made, months)
            out.append(
                Expiry(s, e, d, f"made {made.isoformat()} + {months} months = {d.isoformat()}", precision)
            )
    return out
