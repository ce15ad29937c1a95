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

from rules.text import fold

# Words after which an expiry date follows (normalised, accents kept; matched as terms).
TRIGGERS = (
    "hsd", "hạn sử dụng", "hạn dùng", "hạn sd", "exp", "exp date", "expiry", "expiry date", "expiration date",
    "expired date", "expires", "expire", "best before", "best before end", "bbe", "bbd", "best by", "use by",
    "use before", "sell by", "date", "đát", "hết hạn", "ngày hết hạn", "hạn hết", "sử dụng đến", "dùng đến",
    "dùng trước", "sử dụng trước", "sử dụng tốt nhất trước", "tốt nhất trước", "dùng tốt nhất trước",
    "hạn sử dụng đến", "han",  # "han": "hạn 10/2026" typed with or without its mark; see _BARE
)  # fmt: skip
# Words after which a production date follows; with a shelf life ("HSD 24 tháng") they give an expiry.
PRODUCTION = (
    "nsx", "ngày sản xuất", "ngày sx", "mfg", "mfd", "mfg date", "manufactured", "sản xuất ngày", "date sản xuất",
    "sản xuất", "sx", "production date", "prod",
)  # fmt: skip

# Patterns run on the folded text (same length as the text), so "tháng", "thang" and "thàng" agree.
_FILLER = r"[\s:.=\-/()_]*(?:(?:la|ngay|den|toi|truoc|in|on|thang\s+)[\s:.=\-]*)?"
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip
_DMY = r"(?P<d>\d{1,2})[./\-](?P<m>\d{1,2})[./\-](?P<y>\d{4}|\d{2})(?!\d)"
_DMY_SP = r"(?P<d6>\d{1,2})\s(?P<m6>\d{1,2})\s(?P<y6>20\d{2})(?!\d)"  # "25 10 2026"
_YMD = r"(?P<y2>20\d{2})[./\-](?P<m2>\d{1,2})(?:[./\-](?P<d2>\d{1,2}))?(?!\d)"
_TMY = r"(?:t|th|thang)\s*(?P<m3>\d{1,2})\s*(?:[./\-]|nam|\s(?=20\d{2}))\s*(?P<y3>\d{4}|\d{2})(?!\d)"
_MY = r"(?P<m4>\d{1,2})(?:[./\-]|\s+(?=20\d{2}(?![\d./\-])))(?P<y4>\d{4}|\d{2})(?![\d./\-])"  # "07 2026"
_MON = (  # "10 OCT 2026", "Oct 2026", "05-JUN-26"
    r"(?:(?P<d7>\d{1,2})[\s./\-]*)?(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
    r"[\s./\-]*(?P<y7>20\d{2}|\d{2})(?!\d)"
)
_Y = r"(?P<y5>20\d{2})(?![\d./\-])"
_DATES = "(?:" + "|".join((_DMY, _DMY_SP, _YMD, _TMY, _MY, _MON, _Y)) + ")"
_DATE = re.compile(_FILLER + _DATES)
# a date right after the trigger (see _BARE)
_DATE_NEXT = re.compile(r"[\s:.=\-_]*(?:(?:den|toi)[\s:.=\-]*)?" + _DATES)
_SHELF = re.compile(
    r"(?:hsd|han su dung|han dung|su dung trong|dung trong|shelf life|(?<!thoi )han|hd|exp)[\s:.=\-]*(?P<n>\d{1,3})\s*"
    r"(?P<u>thang|nam|months?|years?|th|t|m|y)\b"
)
_WINDOW = 40
# "hạn" alone is a trigger only as "hạn 10/2026": typed "hạn" or "han" (never "hàn", Korea), the
# date right after it with at least its month, and not "thời hạn", "có hạn", "gia hạn"...
_BARE = ("hạn", "han")
_WORDS = re.compile(r"[^\W_]+")
_BARE_OK_BEFORE = frozenset({"hết", "het"})  # "hết hạn 10/2025" is a trigger of its own
_BARE_NOT_BEFORE = frozenset("thời thoi có co gia kỳ ky giới gioi quyền quyen niên nien bảo bao".split())


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


def _parse(folded: str, pos: int, bare: bool = False) -> tuple[int, int, date, str] | None:
    window = folded[pos : pos + _WINDOW]  # the text folded once: fold() keeps every position
    m = (_DATE_NEXT if bare else _DATE).match(window)
    if m is None:
        return None
    g = m.groupdict()
    try:
        found: tuple[str, str, date, str] | None = None
        if g["d"] is not None:
            y = _year(g["y"])
            found = None if y is None else ("d", "", date(y, int(g["m"]), int(g["d"])), "day")
        elif g["d6"] is not None:
            found = ("d6", "", date(int(g["y6"]), int(g["m6"]), int(g["d6"])), "day")
        elif g["y2"] is not None:
            y, mo = int(g["y2"]), int(g["m2"])
            day = date(y, mo, int(g["d2"])) if g["d2"] else _month_end(y, mo)
            found = ("y2", "", day, "day" if g["d2"] else "month")
        elif g["mon"] is not None:
            y = _year(g["y7"])
            mo = _MONTHS[g["mon"][:3]]
            if y is not None:
                day = date(y, mo, int(g["d7"])) if g["d7"] else _month_end(y, mo)
                found = ("d7" if g["d7"] else "mon", "", day, "day" if g["d7"] else "month")
        elif g["y5"] is not None:
            found = ("y5", "", date(int(g["y5"]), 12, 31), "year")
        else:
            for mk, yk in (("m3", "y3"), ("m4", "y4")):
                if g[mk] is not None:
                    y = _year(g[yk])
                    found = None if y is None else (mk, "", _month_end(y, int(g[mk])), "month")
                    break
    except ValueError:  # month 13, day 31 of a short month...
        return None
    if found is None or (bare and found[3] == "year"):
        return None
    return pos + m.start(found[0]), pos + m.end(), found[2], found[3]


def _bare(text: str, pos: int, folded: str) -> bool | None:
    """For a trigger ending at ``pos``: None if it is a bare "hạn" that cannot be an expiry here,
    True if it is a bare "hạn" (the date must follow at once), False for any other trigger."""
    word = text[max(0, pos - 3) : pos]
    if word not in _BARE:
        return (
            None
            if folded[max(0, pos - 3) : pos] == "han" and not (pos > 3 and text[pos - 4].isalnum())
            else False
        )
    if pos > 3 and text[pos - 4].isalnum():
        return False
    before = _WORDS.findall(text, max(0, pos - 12), pos - 3)
    prev = before[-1] if before else ""
    if prev in _BARE_OK_BEFORE:
        return False
    if prev in _BARE_NOT_BEFORE:
        return None
    return True


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def find_expiries(
    text: str, triggers: list[int], productions: list[int], folded: str | None = None
) -> list[Expiry]:
    """Expiry dates after trigger positions (ends of trigger words) in normalised ``text``;
    ``folded``: ``fold(text)``, where the caller has it."""
    if folded is None:
        folded = fold(text)
    out: list[Expiry] = []
    for pos in sorted(set(triggers))[:16]:
        bare = _bare(text, pos, folded)
        if bare is None:
            continue
        parsed = _parse(folded, pos, bare)
        if parsed is not None:
            s, e, d, precision = parsed
            out.append(Expiry(s, e, d, f"expires {d.isoformat()}", precision))
    for pos in sorted(set(productions))[:8]:
        parsed = _parse(folded, pos)
        if parsed is None:
            continue
        s, e, made, precision = parsed
        window = folded[max(0, s - 80) : e + 80]
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
