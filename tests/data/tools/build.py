"""Build tests/data/labelled_dev.jsonl and labelled_holdout.jsonl from the hand-written item
modules in this folder, then validate all labelled files.

Run:  /work/main/.venv/bin/python tests/data/tools/build.py
Not needed at test time: the JSONL files are committed artefacts.
"""
from __future__ import annotations

import importlib
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
sys.path.insert(0, str(HERE))

CATS = ["counterfeit", "brand_infringement", "smuggled", "prohibited", "restricted", "expired", "misleading"]
ABBR = {"cf": "counterfeit", "bi": "brand_infringement", "sm": "smuggled", "pr": "prohibited",
        "re": "restricted", "ex": "expired", "mi": "misleading"}
CRAWLED = "2026-11-27"
REQUIRED = ["id", "source", "title", "description", "price", "shop_name", "shop_location", "category",
            "crawled_at", "labels"]


def nfc(s):
    return unicodedata.normalize("NFC", s) if isinstance(s, str) else s


def build(modules: list[str], prefix: str, out: Path) -> list[dict]:
    rows = []
    for name in modules:
        mod = importlib.import_module(name)
        for t in mod.ITEMS:
            if len(t) not in (8, 9):
                raise ValueError(f"{name}: bad tuple {t!r}")
            src, title, desc, price, shop, loc, cat, labs = t[:8]
            crawled = t[8] if len(t) == 9 else CRAWLED
            labels = []
            for a in labs.split():
                lab = ABBR[a]
                if lab not in labels:
                    labels.append(lab)
            labels.sort(key=CATS.index)
            rows.append({"source": src, "title": nfc(title), "description": nfc(desc), "price": price,
                         "shop_name": nfc(shop), "shop_location": nfc(loc), "category": nfc(cat),
                         "crawled_at": crawled, "labels": labels})
    width = max(4, len(str(len(rows))))
    out_rows = []
    for i, r in enumerate(rows, 1):
        out_rows.append({"id": f"{prefix}{i:0{width}d}", **r})
    with out.open("w", encoding="utf-8") as f:
        for r in out_rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    return out_rows


def validate(path: Path) -> Counter:
    ids = set()
    counts: Counter = Counter()
    titles = Counter()
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            assert line.endswith("\n"), f"{path}:{n} no newline"
            assert unicodedata.is_normalized("NFC", line), f"{path}:{n} not NFC"
            obj = json.loads(line)
            for k in REQUIRED:
                assert k in obj, f"{path}:{n} missing {k}"
            assert isinstance(obj["id"], str) and obj["id"] not in ids, f"{path}:{n} dup id {obj['id']}"
            ids.add(obj["id"])
            assert isinstance(obj["title"], str) and obj["title"].strip(), f"{path}:{n} empty title"
            assert obj["price"] is None or (isinstance(obj["price"], int) and obj["price"] >= 0), f"{path}:{n} price"
            assert isinstance(obj["labels"], list), f"{path}:{n} labels"
            assert len(set(obj["labels"])) == len(obj["labels"]), f"{path}:{n} dup label"
            for lab in obj["labels"]:
                assert lab in CATS, f"{path}:{n} bad label {lab}"
                counts[lab] += 1
            y, m, d = obj["crawled_at"].split("-")
            assert len(y) == 4 and len(m) == 2 and len(d) == 2, f"{path}:{n} crawled_at"
            counts["_items"] += 1
            if not obj["labels"]:
                counts["_innocent"] += 1
            if len(obj["labels"]) > 1:
                counts["_multi"] += 1
            titles[obj["title"]] += 1
    dups = [t for t, c in titles.items() if c > 1]
    counts["_dup_titles"] = len(dups)
    return counts


def report(name: str, c: Counter) -> None:
    items = c["_items"]
    print(f"{name}: {items} items, innocent {c['_innocent']} ({100 * c['_innocent'] / max(items, 1):.1f}%), "
          f"multi-label {c['_multi']}, duplicate titles {c['_dup_titles']}")
    print("   " + "  ".join(f"{k}={c[k]}" for k in CATS))


if __name__ == "__main__":
    dev_mods = [m for m in ["dev_a", "dev_b", "dev_c", "dev_d", "dev_e", "dev_f", "dev_g"] if (HERE / f"{m}.py").exists()]
    hold_mods = [m for m in ["hold_a", "hold_b", "hold_c", "hold_d"] if (HERE / f"{m}.py").exists()]
    build(dev_mods, "d", DATA / "labelled_dev.jsonl")
    if hold_mods:
        build(hold_mods, "h", DATA / "labelled_holdout.jsonl")
    for fn in ["labelled_dev.jsonl", "labelled_holdout.jsonl", "sendo_labelled.jsonl"]:
        p = DATA / fn
        if p.exists():
            report(fn, validate(p))
