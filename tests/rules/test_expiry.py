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
    # triggers and formats sellers use (issue 3)
    ("BBE 03/2025", True),
    ("BBE 2027-05", False),
    ("Best before 10.2025", True),
    ("hạn 10/2026", True),
    ("Banh Oreo han 10/2026", True),
    ("hạn: 09/2025", True),
    ("Exp 07 2026", True),
    ("E.x.p 07 2026", True),
    ("exp_25/10/2026", True),
    ("date_10.2026", True),
    ("H.SD 20/11/2026", True),
    ("hsd tháng 3/2024", True),
    ("HSD thang 3 2024", True),
    ("hạn sử dụng 25 10 2026", True),
    ("đát 3/2026", True),
    ("EXP 12 OCT 2025", True),
    ("exp: Oct 2027", False),
    ("han sư dung 02/11/2026", True),  # half-accented trigger
    # "hạn" that is not an expiry
    ("thời hạn 10/2025", False),
    ("bảo hành có thời hạn đến 12/2025", False),
    ("gia hạn bảo hành đến 03/2025", False),
    ("khuyến mãi có hạn đến 10/2025", False),
    ("Mỹ phẩm Hàn 10/2025 mới về", False),
    ("mỹ phẩm han 2023", False),  # a bare year after a bare "hạn"
    ("cận date 12/2026", False),
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
