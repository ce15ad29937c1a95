"""Write ``labelled_holdout4.jsonl`` from the hand-written items in ``hold4_pos.py`` and ``hold4_neg.py``.

``[[...]]`` in an item marks its signal phrase (or, in an innocent item, its trap phrase). The marks are
removed from the text and the phrases kept in the extra field ``keys``, which ``obfuscate4.py`` disguises;
the evaluators ignore it. Items are shuffled with a fixed seed and numbered ``q0001``…

Run from the repository root::

    .venv/bin/python tests/data/tools/hold4.py
"""

from __future__ import annotations

import json
import random
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build import ABBR, CATS, CRAWLED, report, validate  # noqa: E402
from hold4_neg import ITEMS as NEG  # noqa: E402
from hold4_pos import ITEMS as POS  # noqa: E402

SEED = 4_2026_11_29
DST = HERE.parent / "labelled_holdout4.jsonl"
KEY = re.compile(r"\[\[(.+?)\]\]")


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def item_row(t: tuple) -> dict:
    if len(t) not in (8, 9):
        raise ValueError(f"bad tuple {t!r}")
    src, title, desc, price, shop, loc, cat, labs = t[:8]
    keys: list[str] = []
    texts = {}
    for field, text in (("title", title), ("description", desc), ("shop_name", shop)):
        keys.extend(_nfc(k) for k in KEY.findall(text))
        texts[field] = _nfc(KEY.sub(r"\1", text))
    labels = sorted({ABBR[a] for a in labs.split()}, key=CATS.index)
    return {"source": src, **texts, "price": price, "shop_location": _nfc(loc), "category": _nfc(cat),
            "crawled_at": t[8] if len(t) == 9 else CRAWLED, "labels": labels, "keys": keys}


def rows() -> list[dict]:
    out = [item_row(t) for t in POS + NEG]
    random.Random(SEED).shuffle(out)
    order = ["source", "title", "description", "price", "shop_name", "shop_location", "category",
             "crawled_at", "labels", "keys"]
    return [{"id": f"q{i:04d}", **{k: r[k] for k in order}} for i, r in enumerate(out, 1)]


if __name__ == "__main__":
    with DST.open("w", encoding="utf-8") as f:
        for r in rows():
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    report(DST.name, validate(DST))
