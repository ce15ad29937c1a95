"""Brand look-alikes and logos. Look-alikes of marks that are also ordinary words ("Marshall", "Beats", "Yeti") or are marked
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


@pytest.mark.parametrize(
    "title",
    [
        "Túi Charless & Keith đeo vai dây xích",  # a name with "&", one word misspelt
        "Túi Charless and Keith nữ",
        "Móc khóa hình logo Porsche kim loại",  # a car mark's logo on other goods
        "Ly giữ nhiệt in logo Starbucks nàng tiên cá",
    ],
)
def test_names_with_joiners_and_logos_flag(engine: Engine, title: str) -> None:
    assert "brand_infringement" in engine.assess({"title": title}).categories


@pytest.mark.parametrize(
    "title",
    [
        "Túi Charles & Keith chính hãng",
        "Thảm lót sàn cho xe Toyota Vios 2022",  # a car named for compatibility
        "Pin laptop Asus X450 zin logo Asus",  # the maker's own part
    ],
)
def test_names_with_joiners_and_logos_innocent(engine: Engine, title: str) -> None:
    assert "brand_infringement" not in engine.assess({"title": title}).categories
