"""Look-alikes of marks that are also ordinary words ("Marshall", "Beats", "Yeti") or are marked
``lookalike: false``: one edit inside the word with its first and last letters kept, and only beside
one of the brand's product types, never when the seller also spells the mark right."""

from __future__ import annotations

import pytest

from rules.engine import Engine


@pytest.mark.parametrize(
    "title",
    [
        "Loa bluetooth Marsall Emberton mini chống nước",
        "Tai nghe chụp tai Beets Studio không dây",
        "Bình giữ nhiệt Yetti Rambler 900ml",
    ],
)
def test_typed_lookalike_flags(engine: Engine, title: str) -> None:
    assert "brand_infringement" in engine.assess({"title": title}).categories


@pytest.mark.parametrize(
    "title",
    [
        "Bút marker 2 đầu 12 màu",  # not a pen by Parker: first letter differs
        "Áo thun in chữ Marsall",  # no speaker: not the brand's kind of goods
        "Loa Marshall Emberton chính hãng, loa Marsall giá tốt",  # spelt right too: a typo
        "Đài radio kiêm đồng hồ báo thức",  # an ordinary word (lookalike_allow)
        "Loa Marshall Emberton III chính hãng",
    ],
)
def test_typed_lookalike_innocent(engine: Engine, title: str) -> None:
    assert "brand_infringement" not in engine.assess({"title": title}).categories
