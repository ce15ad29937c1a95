"""Benchmark the rules engine: ``.venv/bin/python bench/rules.py [--n 100000]``.

Listings are real Sendo titles (``shared/data/sendo``) with generated descriptions; the engine is the
shipped packs plus 10,000 generated keywords. Prints, on one core:

* listings/s of full evaluation (normalise, scan, evaluate, build hits), beside a raw pyahocorasick
  scan of the same lower-cased texts with the same keywords, measured in the same run, and the ratio
  (rates use the process's CPU time, so other work on a shared machine does not skew them);
* compile time (CPU) of the packs with 50,000 extra keywords (target < 2 s);
* engine memory as the RSS delta of building it (target < 300 MB);
* the CPU time of one adversarial listing with a 1 MB description (target < 1 s; fields are cut at
  ``MAX_FIELD_CHARS`` and the cuts counted).

Every listing's text is distinct, so no cache can make the rate. The engine's only caches are
bounded memos keyed on what repeats across any marketplace's listings: words and tokens (look-alike
marks, leetspeak and run-together words, accents and tone marks) and, for decomposed (NFD) text, a
letter with its combining marks; the first 2,000 listings warm them as a long crawl would.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import ahocorasick

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rules.engine import MAX_FIELD_CHARS, Engine, load_engine  # noqa: E402
from rules.text import fold  # noqa: E402

SENDO = ROOT.parent / "shared" / "data" / "sendo" / "sendo_searchlist_products_dedup.jsonl.gz"
PACKS = ROOT / "rules" / "packs"
TARGET_RATE, TARGET_COMPILE_S, TARGET_MB, TARGET_ADVERSARIAL_S = 25_000, 2.0, 300, 1.0

INNOCENT = [
    "Hàng mới 100%, đóng gói cẩn thận, ship toàn quốc.",
    "Cam kết chính hãng, bảo hành 12 tháng, lỗi 1 đổi 1 trong 7 ngày.",
    "Chất liệu cao cấp, bền đẹp, phù hợp làm quà tặng.",
    "Size S M L XL, màu đen trắng xanh, inbox shop để được tư vấn.",
    "Sản phẩm được kiểm tra kỹ trước khi giao, hỗ trợ đổi trả miễn phí.",
    "Giao hàng nhanh 2h nội thành, freeship đơn từ 99k.",
    "Thiết kế nhỏ gọn, tiện lợi mang theo khi đi du lịch, công tác.",
    "Hướng dẫn sử dụng tiếng Việt, có hóa đơn VAT đầy đủ.",
    "Shop rep tin nhắn nhanh, mua 2 tặng 1 trong tuần này.",
    "Xuất xứ Việt Nam, date mới, hạn sử dụng 24 tháng.",
    "Bảo quản nơi khô ráo thoáng mát, tránh ánh nắng trực tiếp.",
    "Hỗ trợ tăng sức đề kháng. Sản phẩm này không phải là thuốc.",
]
DETAILS = [
    "kích thước 20x30cm",
    "trọng lượng 500g",
    "dung tích 1.5 lít",
    "màu be, xám, hồng pastel",
    "pin 5000mAh",
    "chất liệu cotton 100%",
    "xuất xứ Việt Nam",
    "bảo hành 6 tháng",
    "phù hợp bé từ 3 tuổi",
    "công suất 1200W",
]
RISKY = [
    "Hàng xách tay Nhật, không hóa đơn, giá tốt cho khách sỉ.",
    "Bản rep 1:1 like auth, full box bill, check thoải mái.",
    "HSD 03/2024, thanh lý giá rẻ.",
    "Pod 1 lần 6000 hơi vị nho, tinh dầu salt nic.",
    "Trị dứt điểm tiểu đường sau 1 liệu trình.",
    "Hàng nội địa Trung, không nhãn phụ tiếng Việt.",
]


def load_listings(n: int, seed: int = 20241122) -> list[dict[str, object]]:
    rng = random.Random(seed)
    items = []
    with gzip.open(SENDO, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            items.append((d["name"], d.get("sale_price_min"), (d.get("shop") or {}).get("name", "")))
    listings = []
    seen: set[tuple[str, str, str]] = set()
    for i in range(n):
        title, price, shop = items[i % len(items)]
        while True:  # every listing's text is distinct: nothing is evaluated twice
            parts = rng.sample(INNOCENT, rng.randint(1, 3))
            parts.append(
                f"Mã SP {rng.randint(10000, 99999)}, còn {rng.randint(1, 500)} sản phẩm, {rng.choice(DETAILS)}."
            )
            if rng.random() < 0.05:
                parts.append(rng.choice(RISKY))
            rng.shuffle(parts)
            key = (title, " ".join(parts), shop)
            if key not in seen:
                seen.add(key)
                break
        listings.append(
            {
                "title": title,
                "description": key[1],
                "price": price,
                "shop_name": shop,
                "crawled_at": "2024-11-22",
            }
        )
    return listings


def adversarial(size: int = 1_000_000) -> dict[str, object]:
    """A listing whose description is ``size`` characters of what costs the engine work: obfuscation
    hints (split letters, leetspeak, teencode), brand words and look-alikes, risky terms, dates."""
    unit = (
        "G.U.C.C.I ch@nel d10r r e p 1:1 hàg ko hóa đơn sp fake Rolexx guccci HSD 03/2019 pod 6000 hơi "
        "l.o.u.i.s v.u.i.t.t.o.n 𝐌𝐋𝐁 Сhanel thuốc trị dứt điểm xách tay nội địa trung "
        + "a1b2c3d4e5" * 8
        + " "
    )
    return {
        "title": "Túi Chanel rep 1:1 " + "x" * 200,
        "description": (unit * (size // len(unit) + 1))[:size],
        "price": 100_000,
        "shop_name": "LV Gucci Store",
        "crawled_at": "2024-11-22",
    }


def extra_pack(count: int, seed: int = 7) -> tuple[str, list[str]]:
    """A pack with ``count`` generated keywords (pronounceable, not ordinary words)."""
    rng = random.Random(seed)
    syll = ["kra", "vo", "zen", "tul", "mix", "qua", "dor", "pel", "sku", "bri", "xan", "lom", "fey", "gru"]
    words = sorted({"".join(rng.choice(syll) for _ in range(rng.randint(2, 4))) for _ in range(count * 2)})[
        :count
    ]
    rules = []
    for i in range(0, len(words), 500):
        chunk = ", ".join(words[i : i + 500])
        rules.append(
            f"  - {{id: bench.kw{i // 500}, title: {{vi: bench}}, category: counterfeit, severity: low,"
            f" when: {{keywords: [{chunk}]}}, examples: {{flag: [x], pass: [y]}}}}"
        )
    return "pack: bench\nrules:\n" + "\n".join(rules) + "\n", words


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def build(extra: int, packs: Path = PACKS) -> tuple[Engine, float, float, list[str]]:
    """The shipped packs plus ``extra`` generated keywords: (engine, CPU s, wall s, keywords)."""
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(packs, tmp, dirs_exist_ok=True)
        text, words = extra_pack(extra)
        (Path(tmp) / "zz_bench.yaml").write_text(text, encoding="utf-8")
        started, wall = time.process_time(), time.perf_counter()
        engine = load_engine(tmp)
        return engine, time.process_time() - started, time.perf_counter() - wall, words


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="listings to evaluate")
    parser.add_argument("--extra-keywords", type=int, default=10_000)
    parser.add_argument(
        "--rules", type=Path, default=PACKS, help="rule pack directory (default: the shipped packs)"
    )
    args = parser.parse_args()
    if not SENDO.exists():
        print(f"skipped: {SENDO} is absent (the benchmark needs real Sendo titles)")
        return 0
    listings = load_listings(args.n)
    distinct = len({(x["title"], x["description"], x["shop_name"]) for x in listings})
    gc.collect()
    before = rss_mb()
    engine, compile_s, _, words = build(args.extra_keywords, args.rules)
    gc.collect()
    engine_mb = rss_mb() - before
    print(
        f"engine: {engine.rule_count} rules, {len(engine.terms)} terms, {len(engine.brand_index.brands)} brands"
    )
    print(
        f"compile (packs + {args.extra_keywords:,} keywords): {compile_s:.2f}s CPU; engine RSS delta {engine_mb:.0f} MB"
    )
    print(f"listings: {len(listings):,}, {distinct:,} distinct texts (the engine has no per-text cache)")

    raw = ahocorasick.Automaton()
    for i, t in enumerate(engine.terms.texts):
        raw.add_word(fold(t), i)
    raw.make_automaton()
    texts = [f"{x['title']}\n{x['description']}\n{x['shop_name']}".lower() for x in listings]
    started = time.process_time()
    matches = 0
    for t in texts:
        for _ in raw.iter(t):
            matches += 1
    raw_rate = len(texts) / (time.process_time() - started)

    for x in listings[:2000]:  # warm the look-alike cache like a long crawl would
        engine.evaluate(x)
    started, wall = time.process_time(), time.perf_counter()
    flagged = 0
    for x in listings:
        flagged += bool(engine.evaluate(x))
    elapsed = time.process_time() - started
    wall = time.perf_counter() - wall
    rate = len(listings) / elapsed
    print(
        f"full evaluation: {rate:,.0f} listings/s per core ({len(listings):,} listings, {flagged:,} with hits, "
        f"{elapsed:.1f}s CPU, {wall:.1f}s wall)"
    )
    print(f"raw pyahocorasick scan of the same texts: {raw_rate:,.0f} listings/s ({matches:,} raw matches)")
    print(f"ratio raw/engine: {raw_rate / rate:.1f}x")

    big = adversarial()
    truncated = engine.counters["truncated_fields"]
    started = time.process_time()
    hits = engine.evaluate(big)
    adv_s = time.process_time() - started
    print(
        f"adversarial 1 MB description: {adv_s:.2f}s CPU, {len(hits)} hits, "
        f"{engine.counters['truncated_fields'] - truncated} field(s) cut to {MAX_FIELD_CHARS:,} chars"
    )

    del engine
    gc.collect()
    _, big_s, big_wall, _ = build(50_000, args.rules)
    print(f"compile (packs + 50,000 keywords): {big_s:.2f}s CPU ({big_wall:.2f}s wall)")
    checks = {
        f">= {TARGET_RATE:,}/s": rate >= TARGET_RATE,
        f"compile < {TARGET_COMPILE_S}s": big_s < TARGET_COMPILE_S,
        f"memory < {TARGET_MB} MB": engine_mb < TARGET_MB,
        f"1 MB listing < {TARGET_ADVERSARIAL_S}s": adv_s < TARGET_ADVERSARIAL_S,
    }
    print("targets: " + "; ".join(f"{k} {'ok' if v else 'MISSED'}" for k, v in checks.items()))
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
