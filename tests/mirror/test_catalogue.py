"""The bundled catalogue: size, provenance, labels and the labelled-listing export."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from crawler.mirror.__main__ import main as mirror_main
from crawler.mirror.catalogue import DATA_DIR, load_catalogue, read_records
from crawler.mirror.categories import CATEGORIES, ROOT_CATEGORY_ID, category_path

TAXONOMY = {
    "counterfeit",
    "brand_infringement",
    "smuggled",
    "prohibited",
    "restricted",
    "expired",
    "misleading",
}


def test_data_files_are_small_and_licensed() -> None:
    assert (DATA_DIR / "catalogue.jsonl.gz").stat().st_size < 400_000
    assert "MIT License" in (DATA_DIR / "LICENSE.delee03-sendo-scraping.txt").read_text()
    assert "delee03/sendo-scraping" in (DATA_DIR / "README.md").read_text()


def test_catalogue_records_are_consistent() -> None:
    catalogue = load_catalogue()
    assert 450 <= len(catalogue) <= 600
    sources = Counter(p.source.split(":")[0] for p in catalogue.products)
    assert 300 <= sources["sendo"] <= 450 and sources["demo"] >= 70
    for p in catalogue.products:
        assert p.name.strip() and isinstance(p.price, int) and 0 < p.price <= p.list_price, p
        assert p.category_id in CATEGORIES and category_path(p.category_id).startswith(
            f"1/2/{ROOT_CATEGORY_ID}/"
        )


def test_hand_written_listings_cover_every_category_and_traps() -> None:
    records = list(read_records(DATA_DIR / "violations.jsonl"))
    assert all("_demo_labels" in r for r in records)
    counts = Counter(label for r in records for label in r["_demo_labels"])
    assert set(counts) == TAXONOMY and min(counts.values()) >= 5
    assert sum(1 for r in records if not r["_demo_labels"]) >= 20


@pytest.mark.parametrize(
    "title",
    ["Giày 𝐌𝐋𝐁 Chunky Liner Boston like auth 1:1 tăng chiều cao", "Thuoc la Hero do cay 10 goi ship toan quoc",
     "Túi xách Gucc1 Marmont siêu cấp da thật size 26", "V.a.p.e Xslimpor 30w full box bảo hành"],
)  # fmt: skip
def test_obfuscated_titles_are_present(title: str) -> None:
    assert title in {p.name for p in load_catalogue().products}


def test_export_labels_writes_the_taxonomy_format(tmp_path: Path) -> None:
    out = tmp_path / "labels.jsonl"
    assert mirror_main(["--export-labels", str(out), "--crawled-at", "2026-11-29"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(list(read_records(DATA_DIR / "violations.jsonl")))
    for row in rows:
        assert row["id"].startswith("tiki:") and row["source"] == "tiki" and row["crawled_at"] == "2026-11-29"
        assert set(row["labels"]) <= TAXONOMY and row["title"] and isinstance(row["price"], int)
