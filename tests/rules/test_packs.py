"""The shipped packs: every rule's examples, coverage of the categories, the brand list."""

from __future__ import annotations

import pytest

from rules.engine import Engine
from rules.examples import example_document
from rules.hits import CATEGORIES
from tests.rules.conftest import PACKS


def _rules() -> list[str]:
    from rules.engine import load_engine

    return [r.id for r in load_engine(PACKS).rules if r.status != "disabled"]


@pytest.mark.parametrize("rule_id", _rules())
def test_rule_examples(engine: Engine, rule_id: str) -> None:
    info = next(r for r in engine.rules if r.id == rule_id)
    assert info.flag_examples and info.pass_examples
    for expected, examples in (("flag", info.flag_examples), ("pass", info.pass_examples)):
        for ex in examples:
            hits = [h.rule_id for h in engine.evaluate(example_document(ex, info))]
            assert (rule_id in hits) is (expected == "flag"), f"{expected} example {ex!r}: hits {hits}"


def test_every_category_has_stable_rules(engine: Engine) -> None:
    covered = {r.category for r in engine.rules if r.status == "stable"}
    assert covered == set(CATEGORIES)


def test_brand_list_is_large_and_priced(engine: Engine) -> None:
    brands = engine.brand_index.brands
    assert len(brands) >= 300
    assert sum(1 for b in brands if b.prices) >= 60
    names = {b.name for b in brands}
    assert {"Louis Vuitton", "Chanel", "Rolex", "Nike", "Adidas", "Apple", "Abbott", "Honda", "Esse"} <= names


@pytest.mark.parametrize(
    "title",
    ["máy tính xách tay Dell", "Bó hoa giả", "Tóc giả nữ", "Túi giả da", "Album Fake Love", "pháo hoa Z121",
     "Cam kết không bán hàng fake", "Bộ phát Wi-Pod", "Toner RE:P", "Sữa date mới", "Kem cận date giảm giá",
     "hoa cúc sao nhái", "Túi xách tay nữ", "Miễn phí vận chuyển nội địa"],
)  # fmt: skip
def test_innocent_look_alikes_are_not_flagged(engine: Engine, title: str) -> None:
    verdict = engine.assess({"title": title, "crawled_at": "2026-11-27"})
    assert verdict.categories == {}, [h.rule_id for h in verdict.hits]
