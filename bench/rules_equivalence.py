"""Dump what the rules engine says about a fixed corpus, to prove a change keeps its semantics.

``.venv/bin/python bench/rules_equivalence.py --out before.json`` evaluates every listing of
``tests/data/labelled_dev.jsonl``, ``labelled_holdout.jsonl`` and ``sendo_labelled.jsonl``, every
rule's flag/pass examples, a few thousand real Sendo titles (with the benchmark's generated
descriptions) and obfuscated variants of them (leetspeak, split letters, homoglyphs, stylised and
full-width letters, zero-width characters, NFD accents, teencode, odd spacing), and writes per
listing: categories, risk score, and each hit's rule id, score and evidence spans (field, start,
end, original text, matched term). ``--compare before.json`` exits 1 and prints the first
differences when the output differs. ``--rules DIR`` pins a pack directory, so that a pack edit
made meanwhile does not show up as a difference. Runs with ``PYTHONHASHSEED=0``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds a rules.py of its own: take it off the path. ROOT goes last, so that PYTHONPATH can
# point at another copy of the ``rules`` package (a baseline) and win.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"] + [str(ROOT)]

from rules.engine import Engine, load_engine  # noqa: E402
from rules.examples import example_document  # noqa: E402

DATA = ROOT / "tests" / "data"
LABELLED = ("labelled_dev.jsonl", "labelled_holdout.jsonl", "sendo_labelled.jsonl")
SENDO = ROOT.parent / "shared" / "data" / "sendo" / "sendo_searchlist_products_dedup.jsonl.gz"

_LEET = {"a": "@", "o": "0", "e": "3", "i": "1", "s": "$", "t": "7"}
_CYRILLIC = {"a": "а", "c": "с", "e": "е", "o": "о", "p": "р", "x": "х", "y": "у"}


def _fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)


def _math_bold(s: str) -> str:
    out = []
    for c in s:
        if "A" <= c <= "Z":
            out.append(chr(0x1D400 + ord(c) - 65))
        elif "a" <= c <= "z":
            out.append(chr(0x1D41A + ord(c) - 97))
        else:
            out.append(c)
    return "".join(out)


def _word_op(title: str, rng: random.Random, op: Any) -> str:
    words = title.split(" ")
    if not words:
        return title
    for _ in range(rng.randint(1, 2)):
        i = rng.randrange(len(words))
        words[i] = op(words[i])
    return " ".join(words)


def obfuscations(rng: random.Random) -> list[tuple[str, Any]]:
    return [
        ("leet", lambda w: "".join(_LEET.get(c, c) if rng.random() < 0.5 else c for c in w)),
        ("split", lambda w: rng.choice([".", " ", "-", "*", " . "]).join(w)),
        ("cyrillic", lambda w: "".join(_CYRILLIC.get(c, c) for c in w)),
        ("fullwidth", _fullwidth),
        ("bold", _math_bold),
        ("zwsp", lambda w: "\u200b".join(w)),
        ("nfd", lambda w: unicodedata.normalize("NFD", w)),
        ("emoji", lambda w: "🔥".join(w)),
        ("spaces", lambda w: w + "   \n  "),
        ("upper", str.upper),
        ("teen", lambda w: rng.choice(["ko", "hàg", "sp", "k có", "authentic", "zl", "tldt"]) + " " + w),
        (
            "brand",
            lambda w: rng.choice(["Ch@nel", "G U C C I", "Lafufu", "Сhanel", "guccci", "rolexx", "D!or"]),
        ),
    ]


def corpus(sendo_titles: int, seed: int = 20241129) -> list[tuple[str, dict[str, Any]]]:
    """(key, record) pairs; the keys are unique and stable."""
    out: list[tuple[str, dict[str, Any]]] = []
    for name in LABELLED:
        with open(DATA / name, encoding="utf-8") as fh:
            for n, line in enumerate(fh):
                if line.strip():
                    rec = json.loads(line)
                    rec.pop("labels", None)
                    out.append((f"{name}:{n}", rec))
    if not SENDO.exists() or sendo_titles <= 0:
        print(f"note: {SENDO} is absent or not asked for; Sendo titles left out", file=sys.stderr)
        return out
    spec = importlib.util.spec_from_file_location("bench_rules", ROOT / "bench" / "rules.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    listings = bench.load_listings(sendo_titles)
    rng = random.Random(seed)
    ops = obfuscations(rng)
    for i, rec in enumerate(listings):
        out.append((f"sendo:{i}", rec))
        if i % 2 == 0:
            name, op = ops[(i // 2) % len(ops)]
            obf = dict(rec)
            obf["title"] = _word_op(str(rec["title"]), rng, op)
            if i % 6 == 0:
                obf["description"] = _word_op(str(rec["description"]), rng, op)
            out.append((f"sendo:{i}:{name}", obf))
    return out


def _dump_hits(engine: Engine, doc: Any) -> dict[str, Any]:
    verdict = engine.assess(doc)
    return {
        "categories": verdict.categories,
        "risk": verdict.risk_score,
        "hits": [
            [
                h.rule_id,
                h.category,
                h.severity,
                h.score,
                h.status,
                [list(e.to_dict().values()) for e in h.evidence],
            ]
            for h in verdict.hits
        ],
    }


def run(engine: Engine, sendo_titles: int) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for key, rec in corpus(sendo_titles):
        results[key] = _dump_hits(engine, rec)
    for info in engine.rules:
        if info.status == "disabled":
            continue
        for kind, examples in (("flag", info.flag_examples), ("pass", info.pass_examples)):
            for j, ex in enumerate(examples):
                results[f"example:{info.id}:{kind}:{j}"] = _dump_hits(engine, example_document(ex, info))
    return results


def compare(old: dict[str, Any], new: dict[str, Any], show: int = 20) -> int:
    keys = sorted(set(old) | set(new))
    diffs = [k for k in keys if old.get(k) != new.get(k)]
    for k in diffs[:show]:
        print(f"DIFF {k}\n  before: {json.dumps(old.get(k), ensure_ascii=False)}\n"
              f"  after:  {json.dumps(new.get(k), ensure_ascii=False)}")  # fmt: skip
    return len(diffs)


def main() -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":  # set iteration order must not differ between runs
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rules", type=Path, default=None, help="pack directory (default: the shipped packs)"
    )
    parser.add_argument("--sendo", type=int, default=4000, help="Sendo listings (plus obfuscated variants)")
    parser.add_argument("--out", type=Path, help="write the results here")
    parser.add_argument("--compare", type=Path, help="compare with an earlier --out file")
    args = parser.parse_args()
    engine = load_engine(args.rules or ROOT / "rules" / "packs", threshold=0.5)
    started = time.perf_counter()
    results = run(engine, args.sendo)
    elapsed = time.perf_counter() - started
    hits = sum(len(r["hits"]) for r in results.values())
    spans = sum(len(h[5]) for r in results.values() for h in r["hits"])
    flagged = sum(bool(r["categories"]) for r in results.values())
    print(
        f"{len(results):,} listings, {flagged:,} flagged, {hits:,} hits, {spans:,} evidence spans; "
        f"pack hash {engine.pack_hash[:12]}; engine {sys.modules[Engine.__module__].__file__}; {elapsed:.1f}s"
    )
    if args.out:
        args.out.write_text(
            json.dumps(results, ensure_ascii=False, sort_keys=True, indent=0), encoding="utf-8"
        )
        print(f"wrote {args.out}")
    if args.compare:
        old = json.loads(args.compare.read_text(encoding="utf-8"))
        n = compare(old, json.loads(json.dumps(results, ensure_ascii=False)))
        print(f"{n} of {len(set(old) | set(results)):,} listings differ from {args.compare}")
        return 1 if n else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
