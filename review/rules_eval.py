"""The analysts' rule pages: the loaded engine (once per process) and evaluation of an uploaded file."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from rules.engine import Engine, RuleInfo, load_engine
from rules.evaluation import evaluate_records

MAX_UPLOAD = 2 * 1024 * 1024  # bytes of JSONL
MAX_RECORDS = 5_000


class UploadError(ValueError):
    """The uploaded file is not a usable labelled JSONL file; the message says why, with the line."""


@lru_cache(maxsize=1)
def engine() -> Engine:
    return load_engine()


def rule_info(rule_id: str) -> RuleInfo | None:
    return next((r for r in engine().rules if r.id == rule_id), None)


def example_text(example: Any) -> str:
    """An example as shown on the page: its text, or the listing fields it is made of."""
    if isinstance(example, str):
        return example
    if isinstance(example, dict):
        return " · ".join(f"{k}: {v}" for k, v in example.items())
    return str(example)


def parse_jsonl(data: bytes) -> list[dict[str, Any]]:
    if len(data) > MAX_UPLOAD:
        raise UploadError(f"the file is larger than {MAX_UPLOAD // 1024 // 1024} MB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"not UTF-8 text (byte {exc.start})") from None
    records: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UploadError(f"line {n}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise UploadError(f"line {n}: expected a JSON object")
        records.append(record)
        if len(records) > MAX_RECORDS:
            raise UploadError(f"more than {MAX_RECORDS} records")
    if not records:
        raise UploadError("the file has no records")
    return records


def evaluate_upload(data: bytes) -> dict[str, Any]:
    """Per-category precision/recall/F1 of the loaded rules on an uploaded labelled JSONL file."""
    records = parse_jsonl(data)
    try:
        return evaluate_records(engine(), records).summary()
    except (ValueError, TypeError, AttributeError) as exc:
        raise UploadError(str(exc)[:300]) from None
