"""Expiry dates: formats, shelf life and comparison with the crawl date."""

from __future__ import annotations

import pytest

from rules.engine import Engine

CRAWLED = "2026-11-27"
CASES = [
    # (text, expired at 2026-11-27?)
    ("HSD 03/2024", True),
    ("hsd: 3/26", True),
    ("HSD 11/2026", False),  # end of the month is after the crawl date
    ("HSD 12/2026", False),
    ("EXP 12.05.2025", True),
    ("exp 15/09/26", True),
    ("date T3/2026", True),
    ("Hạn sử dụng: tháng 3 năm 2026", True),
    ("Hạn sử dụng: 2025-08", True),
    ("Hạn sử dụng: 2027-08-01", False),
    ("Date 2025", True),
    ("date 2026", False),
    ("NSX 01/2023 HSD 24 tháng", True),
    ("NSX 01/2025 HSD 36 tháng", False),
    ("Ngày sản xuất 05/2024, hạn sử dụng 2 năm", True),
    ("HSD 24 tháng", False),
    ("HSD 12/05", False),  # a day and a month, not May 2005
    ("date mới", False),
    ("cận date", False),
    ("best before 2026-05", True),
    ("HSD 31/02/2025", False),  # not a date
]


@pytest.mark.parametrize(("text", "expired"), CASES)
def test_expiry(engine: Engine, text: str, expired: bool) -> None:
    hits = engine.evaluate({"title": "Sữa bột", "description": text, "crawled_at": CRAWLED})
    assert any(h.rule_id == "expired.date-passed" for h in hits) is expired


def test_expiry_is_judged_against_the_listing_crawl_date(engine: Engine) -> None:
    listing = {"title": "Sữa bột HSD 03/2025"}
    assert any(
        h.rule_id == "expired.date-passed" for h in engine.evaluate({**listing, "crawled_at": "2025-06-01"})
    )
    assert not any(
        h.rule_id == "expired.date-passed" for h in engine.evaluate({**listing, "crawled_at": "2024-11-22"})
    )
