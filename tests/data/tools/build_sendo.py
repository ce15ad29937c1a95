"""Build tests/data/sendo_labelled.jsonl from the real Sendo crawl and the hand labels in
sendo_labels.tsv (200 random listings drawn with random.seed(20241122) from the de-duplicated file,
plus ~200 listings chosen because they contain risky or trap phrases).

Run:  /work/main/.venv/bin/python tests/data/tools/build_sendo.py [path/to/sendo_searchlist_products_dedup.jsonl.gz]
Not needed at test time: the JSONL file is the committed artefact.
"""
from __future__ import annotations

import gzip
import json
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
DEFAULT_SRC = HERE.parents[3] / "shared" / "data" / "sendo" / "sendo_searchlist_products_dedup.jsonl.gz"
CATS = ["counterfeit", "brand_infringement", "smuggled", "prohibited", "restricted", "expired", "misleading"]
ABBR = {"cf": "counterfeit", "bi": "brand_infringement", "sm": "smuggled", "pr": "prohibited",
        "re": "restricted", "ex": "expired", "mi": "misleading"}


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s or "")


def main() -> None:
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SRC
    wanted: dict[str, tuple[str, list[str]]] = {}
    order: list[str] = []
    for line in (HERE / "sendo_labels.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        sid, sample, labs, _note = (line.split("\t") + ["", "", ""])[:4]
        labels = sorted({ABBR[a] for a in labs.split()}, key=CATS.index)
        if sid in wanted:
            raise SystemExit(f"duplicate id {sid}")
        wanted[sid] = (sample, labels)
        order.append(sid)
    found = {}
    with gzip.open(src, "rt", encoding="utf-8") as f:
        for line in f:
            it = json.loads(line)
            sid = str(it["id"])
            if sid in wanted:
                found[sid] = it
    missing = [s for s in order if s not in found]
    if missing:
        raise SystemExit(f"ids not in crawl: {missing}")
    with (DATA / "sendo_labelled.jsonl").open("w", encoding="utf-8") as out:
        for sid in order:
            it = found[sid]
            shop = it.get("shop") or {}
            rec = {
                "id": f"sendo-{sid}",
                "source": "sendo",
                "title": nfc(it["name"]),
                "description": "",
                "price": it.get("sale_price_min"),
                "shop_name": nfc(shop.get("name", "")),
                "shop_location": nfc(shop.get("ware_house_region_name", "")),
                "category": nfc(it.get("category_path", "")),
                "crawled_at": "2024-11-22",
                "labels": wanted[sid][1],
                "sample": wanted[sid][0],
            }
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {len(order)} listings")


if __name__ == "__main__":
    main()
