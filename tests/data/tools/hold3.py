"""Write ``labelled_holdout3.jsonl`` from the hand-written items in ``hold3_pos.py`` and ``hold3_neg.py``.

``[[...]]`` in an item marks its signal phrase (or, in an innocent item, its trap phrase). The marks are
removed from the text and the phrases kept in the extra field ``keys``, which ``obfuscate3.py`` disguises;
the evaluators ignore it. Items are shuffled with a fixed seed and numbered ``k0001``…

Run from the repository root::

    .venv/bin/python tests/data/tools/hold3.py
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
from hold3_neg import ITEMS as NEG  # noqa: E402
from hold3_pos import ITEMS as POS  # noqa: E402

SEED = 20261129
DST = HERE.parent / "labelled_holdout3.jsonl"
MARK = re.compile(r"\[\[(.+?)\]\]")


def nfc(s):
    return unicodedata.normalize("NFC", s) if isinstance(s, str) else s


def rows() -> list[dict]:
    out = []
    for t in POS + NEG:
        if len(t) not in (8, 9):
            raise ValueError(f"bad tuple {t!r}")
        src, title, desc, price, shop, loc, cat, labs = t[:8]
        keys: list[str] = []
        fields = {}
        for name, text in (("title", title), ("description", desc), ("shop_name", shop)):
            keys += [nfc(k) for k in MARK.findall(text)]
            fields[name] = nfc(MARK.sub(r"\1", text))
        labels = sorted({ABBR[a] for a in labs.split()}, key=CATS.index)
        out.append({"source": src, "title": fields["title"], "description": fields["description"], "price": price,
                    "shop_name": fields["shop_name"], "shop_location": nfc(loc), "category": nfc(cat),
                    "crawled_at": t[8] if len(t) == 9 else CRAWLED, "labels": labels, "keys": keys})
    random.Random(SEED).shuffle(out)
    return [{"id": f"k{i:04d}", **r} for i, r in enumerate(out, 1)]


if __name__ == "__main__":
    with DST.open("w", encoding="utf-8") as f:
        for r in rows():
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    report(DST.name, validate(DST))
