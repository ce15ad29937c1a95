"""Each condition kind, on throw-away packs, through the real engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from rules.document import Document
from rules.engine import load_engine
from tests.rules.conftest import one_rule

BRANDS = """
product_types:
  bag: [túi, túi xách]
  watch: [đồng hồ]
  phone: [điện thoại]
tag_types: {luxury: [bag, watch], electronics: [phone]}
lookalike_allow: [channel]
brands:
  - {name: Chanel, tags: [luxury], prices: {bag: 100000000}}
  - {name: Louis Vuitton, weak: [LV], tags: [luxury], prices: {bag: 50000000}}
  - {name: Adidas, tags: [luxury], fakes: [abibas]}
  - {name: Apple, aliases: [iphone], ambiguous: true, tags: [electronics]}
"""


def fires(rules_dir: Path, listing: object) -> bool:
    return any(h.rule_id == "t.rule" for h in load_engine(rules_dir).evaluate(listing))


CASES: list[tuple[str, str, list[object], list[object]]] = [
    # (name, when (flow YAML), flagged listings, passing listings)
    (
        "keywords-accented",
        "{keywords: [hàng giả]}",
        ["Túi hàng giả", "tui hang gia re", "HÀNG GIẢ"],
        ["hàng già", "Hàng giá rẻ"],
    ),
    ("keywords-unaccented", "{keywords: [fake]}", ["FAKE bag", "f.a.k.e", "fak3 bag"], ["fakeness", "faker"]),
    (
        "keywords-whole-word",
        "{keywords: [rep]}",
        ["giày rep", "rep, đẹp"],
        ["repair kit", "prep", "RE:P toner"],
    ),
    ("keywords-tone-placement", "{keywords: [hòa]}", ["hoà bình", "hòa bình"], ["hóa đơn"]),
    ("keywords-strict", "{keywords: [ly], accents: strict}", ["ly thủy tinh"], ["đại lý", "quản lý"]),
    (
        "keywords-within-first",
        "{keywords: [bật lửa], within_first: 1}",
        ["Bật lửa Zippo"],
        ["Thuốc lá tặng bật lửa"],
    ),
    ("teencode", "{keywords: [không hóa đơn]}", ["hàng ko hóa đơn", "k hóa đơn"], ["có hóa đơn"]),
    ("regex", '{regex: "hsd\\\\s*\\\\d"}', ["HSD 03/2024", "hsd   1"], ["hạn sử dụng"]),
    (
        "regex-accented-also-unaccented",
        '{regex: "xách tay\\\\s+nhật"}',
        ["hàng xách tay Nhật", "xach tay nhat"],
        ["xách tay Mỹ", "xách tây nhật"],
    ),
    ("list", "{list: grades}", ["bản super fake"], ["super market"]),
    ("all", "{all: [{keywords: [túi]}, {keywords: [fake]}]}", ["túi fake"], ["túi xịn", "ví fake"]),
    ("any", "{any: [{keywords: [túi]}, {keywords: [fake]}]}", ["túi xịn", "ví fake"], ["ví xịn"]),
    ("not", "{all: [{keywords: [túi]}, {not: {keywords: [chính hãng]}}]}", ["túi da"], ["túi chính hãng"]),
    (
        "near",
        "{near: [{keywords: [rolex]}, {keywords: [rep]}], within: 1}",
        ["Rolex rep", "rep đẹp Rolex"],
        ["Rolex dây da đẹp giá rep"],
    ),
    (
        "near-ordered",
        "{near: [{keywords: [kiểu dáng]}, {keywords: [chanel]}], within: 0, ordered: true}",
        ["kiểu dáng Chanel"],
        ["Chanel kiểu dáng"],
    ),
    (
        "brand-mention",
        "{brand: {mode: mention}}",
        ["Túi Chanel", "Túi LV mini", "iPhone 15"],
        ["LV 10 game", "Apple táo đỏ"],
    ),
    ("brand-mention-names", "{brand: {mode: mention, names: [Chanel]}}", ["túi Chanel"], ["túi LV"]),
    (
        "brand-lookalike",
        "{brand: {mode: lookalike}}",
        ["Túi Chanell", "túi Ch@nel", "𝐂𝐡𝐚𝐧𝐞𝐥 bag", "giày Abibas"],
        ["Túi Chanel", "YouTube channel", "túi _Chanel"],
    ),
    (
        "brand-lookalike-typed",
        "{brand: {mode: lookalike, with_type: true}}",
        ["Túi Chanell"],
        ["Chanell remote"],
    ),
    (
        "price-below",
        "{price_below: {share: 0.4}}",
        [{"title": "Túi Chanel", "price": 300000}],
        [
            {"title": "Túi Chanel", "price": 90000000},
            {"title": "Túi Chanel"},
            {"title": "Đồng hồ Chanel", "price": 1000},
        ],
    ),
    (
        "price",
        "{price: {below: 100000}}",
        [{"title": "x", "price": 99000}],
        [{"title": "x", "price": 100000}, {"title": "x"}],
    ),
    (
        "expiry",
        "{expiry: expired}",
        [{"title": "Sữa HSD 03/2024", "crawled_at": "2026-11-27"}],
        [
            {"title": "Sữa HSD 03/2024", "crawled_at": "2024-03-15"},
            {"title": "Sữa date mới", "crawled_at": "2026-11-27"},
        ],
    ),
    (
        "attribute",
        "{attribute: {name: origin, in: [trung quốc]}}",
        [{"title": "x", "attributes": {"Xuất xứ": "Trung Quốc"}}],
        [{"title": "x", "attributes": {"Xuất xứ": "Việt Nam"}}, {"title": "x"}],
    ),
    (
        "attribute-missing",
        "{attribute: {name: origin, missing: true}}",
        [{"title": "x"}],
        [{"title": "x", "attributes": {"origin": "VN"}}],
    ),
    (
        "seller-abroad",
        "{seller_abroad: true}",
        [{"title": "x", "shop_location": "Nước ngoài"}, {"title": "x", "is_abroad": True}],
        [{"title": "x", "shop_location": "Hà Nội"}],
    ),
    (
        "official-shop",
        "{official_shop: false}",
        [{"title": "x", "is_official_shop": False}],
        [{"title": "x", "is_official_shop": True}, {"title": "x"}],
    ),
    (
        "field-override",
        "{keywords: [vape], fields: [shop_name]}",
        [{"title": "x", "shop_name": "Vape Shop"}],
        [{"title": "vape"}],
    ),
    (
        "location",
        "{location: {in: [Kiên Giang]}}",
        [{"title": "x", "shop_location": "Kien Giang"}],
        [{"title": "x", "shop_location": "Hà Nội"}, {"title": "x"}],
    ),
    ("as-written", "{keywords: [cap], accents: as_written}", ["mũ snapback cap"], ["bảo hành cao cấp"]),
    (
        "plain-typing",
        "{keywords: [hàng giả]}",
        ["tui hang gia re"],
        ["bài thuốc gia truyền hàng gia dụng", "giá rẻ"],
    ),
]


@pytest.mark.parametrize(("name", "when", "flag", "ok"), CASES, ids=[c[0] for c in CASES])
def test_condition(
    write_pack: Callable[..., Path], name: str, when: str, flag: list[object], ok: list[object]
) -> None:
    pack = one_rule(when).replace("pack: t\n", "pack: t\nlists: {grades: [super fake, rep 1:1]}\n")
    rules_dir = write_pack(**{"t.yaml": pack, "brands.yaml": BRANDS})
    engine = load_engine(rules_dir)
    for listing in flag:
        assert any(h.rule_id == "t.rule" for h in engine.evaluate(listing)), (
            f"{name}: should flag {listing!r}"
        )
    for listing in ok:
        assert not any(h.rule_id == "t.rule" for h in engine.evaluate(listing)), (
            f"{name}: should pass {listing!r}"
        )


def test_exclude_hides_only_overlapping_evidence(write_pack: Callable[..., Path]) -> None:
    extra = 'exclude: {keywords: ["cam kết không bán hàng fake", "fake love"]}'
    rules_dir = write_pack(**{"t.yaml": one_rule("{keywords: [fake, rep 1:1]}", extra=extra)})
    assert not fires(rules_dir, "Album Fake Love")
    assert not fires(rules_dir, "Cam kết không bán hàng fake")
    assert fires(rules_dir, "Túi rep 1:1 - cam kết không bán hàng fake")
    assert fires(rules_dir, "Fake Love và áo fake")


def test_unless_cancels_the_rule(write_pack: Callable[..., Path]) -> None:
    extra = "unless: {keywords: [chính hãng]}"
    rules_dir = write_pack(**{"t.yaml": one_rule("{keywords: [fake]}", extra=extra)})
    assert fires(rules_dir, "áo fake")
    assert not fires(rules_dir, "áo fake, hàng chính hãng")


def test_rule_fields_limit_where_terms_count(write_pack: Callable[..., Path]) -> None:
    rules_dir = write_pack(**{"t.yaml": one_rule("{keywords: [fake]}", fields="fields: [description]")})
    assert fires(rules_dir, {"title": "áo", "description": "hàng fake"})
    assert not fires(rules_dir, {"title": "áo fake", "description": "đẹp"})


def test_evidence_points_into_the_original_field(write_pack: Callable[..., Path]) -> None:
    rules_dir = write_pack(**{"t.yaml": one_rule("{keywords: [rep 1:1]}")})
    hit = load_engine(rules_dir).evaluate({"title": "Túi LV", "description": "Hàng R E P 1:1 đẹp"})[0]
    ev = hit.evidence[0]
    assert (ev.field, ev.text, ev.matched) == ("description", "R E P 1:1", "rep 1:1")
    assert "Hàng R E P 1:1 đẹp"[ev.start : ev.end] == "R E P 1:1"


def test_listing_document_and_dict_evaluate_alike(write_pack: Callable[..., Path]) -> None:
    from crawler.items import Listing

    rules_dir = write_pack(**{"t.yaml": one_rule("{keywords: [fake]}")})
    engine = load_engine(rules_dir)
    listing = Listing(source="shopee", external_id="1", url="https://x/1", title="Áo fake", price=1000)
    for obj in (listing, {"title": "Áo fake"}, Document("Áo fake", crawled_at=date(2026, 1, 1)), "Áo fake"):
        assert [h.rule_id for h in engine.evaluate(obj)] == ["t.rule"]


def test_disguised_mark_is_found_even_when_written_plainly_elsewhere(write_pack: Callable[..., Path]) -> None:
    rules_dir = write_pack(
        **{"t.yaml": one_rule("{brand: {mode: lookalike, sources: [obfuscated]}}"), "brands.yaml": BRANDS}
    )
    engine = load_engine(rules_dir)
    listing = {"title": "Túi Сhаnеl mini", "shop_name": "Chanel Lovers"}  # Cyrillic С, а, е in the title
    hit = next(h for h in engine.evaluate(listing) if h.rule_id == "t.rule")
    assert (hit.evidence[0].field, hit.evidence[0].text) == ("title", "Сhаnеl")
    assert not any(h.rule_id == "t.rule" for h in engine.evaluate({"title": "Túi Chanel mini"}))


def test_hit_condition_runs_after_the_rules_it_names(write_pack: Callable[..., Path]) -> None:
    pack = """
pack: t
rules:
  - {id: t.base, title: {vi: x}, category: prohibited, severity: high, when: {keywords: [pháo nổ]}, examples: {flag: [a], pass: [b]}}
  - id: t.derived
    title: {vi: x}
    category: smuggled
    severity: medium
    when: {all: [{hit: {categories: [prohibited]}}, {keywords: [trung quốc]}]}
    examples: {flag: [a], pass: [b]}
"""
    engine = load_engine(write_pack(**{"t.yaml": pack}))
    assert [h.rule_id for h in engine.evaluate("Pháo nổ hàng Trung Quốc")] == ["t.base", "t.derived"]
    assert [h.rule_id for h in engine.evaluate("Ấm trà Trung Quốc")] == []
