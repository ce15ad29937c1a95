"""CSV and XLSX downloads that are safe to open in a spreadsheet.

Text that a spreadsheet would read as a formula (``= + - @``, or a leading tab or carriage return) is
prefixed with a single quote: listing titles and shop names are attacker-controlled. CSV starts with a
UTF-8 byte-order mark so Excel reads Vietnamese correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_cell(value: Any) -> Any:
    """A value ready for a spreadsheet: numbers stay numbers, text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def to_csv(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    value = safe_cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def to_xlsx(sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """One worksheet; every string is written as a plain string cell, never as a formula."""
    return to_xlsx_book([(sheet, headers, rows)])


def to_xlsx_book(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """A workbook of several (name, headers, rows) worksheets, written like :func:`to_xlsx`."""
    workbook = Workbook(write_only=True)
    for sheet, headers, rows in sheets:
        worksheet = workbook.create_sheet(sheet[:31])
        worksheet.append([_xlsx_value(h) for h in headers])
        for row in rows:
            worksheet.append([_xlsx_value(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_bytes(fmt: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    return to_csv(headers, rows) if fmt == "csv" else to_xlsx(sheet, headers, rows)
