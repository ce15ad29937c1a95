"""``ecomwatch rules ...``: check packs, explain a verdict, evaluate on labelled data, scan, diff.

Runnable on its own: ``python -m rules.cli --help``.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from rules.document import Document
from rules.engine import Engine, load_engine
from rules.evaluation import Diff, evaluate_records, read_jsonl
from rules.examples import run_examples
from rules.hits import CATEGORIES, Hit
from rules.schema import RulePackError

app = typer.Typer(
    help="Rule packs: validate them, explain verdicts, measure them on labelled listings.",
    no_args_is_help=True,
)
console = Console(highlight=False, soft_wrap=True)

RulesOpt = Annotated[
    Path | None, typer.Option("--rules", help="Rule pack directory (default: the configured packs).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
_STYLES = {"low": "yellow", "medium": "dark_orange", "high": "red", "critical": "bold white on red"}


def _engine(rules: Path | None, threshold: float | None = None) -> Engine:
    try:
        return load_engine(rules, threshold=threshold)
    except RulePackError as exc:
        console.print(f"[bold red]{len(exc.problems)} problem(s) in the rule packs:[/]")
        for p in exc.problems:
            console.print(f"  [red]✗[/] {escape(str(p))}")
        raise typer.Exit(1) from exc


@app.command()
def check(rules: RulesOpt = None) -> None:
    """Validate every pack and run every rule's flag/pass examples; exit 1 on any failure."""
    engine = _engine(rules)
    count, failures = run_examples(engine)
    packs = len({r.pack for r in engine.rules})
    for f in failures:
        console.print(f"  [red]✗[/] {escape(str(f))}")
    summary = (
        f"{packs} packs, {len(engine.rules)} rules ({engine.rule_count} active), "
        f"{len(engine.brand_index.brands)} brands, {len(engine.terms)} terms; "
        f"{count - len(failures)}/{count} examples pass; pack hash {engine.pack_hash[:12]}"
    )
    if failures:
        console.print(f"[bold red]FAIL[/] {summary}")
        raise typer.Exit(1)
    console.print(f"[bold green]OK[/] {summary}")


def _hit_json(h: Hit) -> dict[str, Any]:
    return {
        "rule_id": h.rule_id, "category": h.category, "severity": h.severity, "score": h.score,
        "status": h.status, "title": h.title, "evidence": h.evidence_json(),
    }  # fmt: skip


def _highlight(text: str, spans: list[tuple[int, int]]) -> Text:
    out = Text(text)
    for s, e in spans:
        out.stylize("bold black on yellow", s, e)
    return out


@app.command()
def explain(
    text: Annotated[str, typer.Argument(help="The listing title.")],
    description: Annotated[str, typer.Option(help="The listing description.")] = "",
    price: Annotated[int | None, typer.Option(help="Price in VND.")] = None,
    date_: Annotated[
        str | None, typer.Option("--date", help="Crawl date YYYY-MM-DD (default today).")
    ] = None,
    shop_name: Annotated[str, typer.Option(help="Shop name.")] = "",
    shop_location: Annotated[str, typer.Option(help="Shop location, e.g. 'Nước ngoài'.")] = "",
    rules: RulesOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Evaluate one listing and show each hit with the spans of the original text that made it fire."""
    engine = _engine(rules)
    crawled = date.fromisoformat(date_) if date_ else None
    doc = Document(
        text, description, price=price, shop_name=shop_name, shop_location=shop_location, crawled_at=crawled
    )
    verdict = engine.assess(doc)
    if json_:
        out = {
            "categories": verdict.categories,
            "risk_score": verdict.risk_score,
            "hits": [_hit_json(h) for h in verdict.hits],
        }
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    fields = {"title": text, "description": description, "shop_name": shop_name}
    spans: dict[str, list[tuple[int, int]]] = {}
    for h in verdict.hits:
        for ev in h.evidence:
            if ev.field in fields and ev.end > ev.start:
                spans.setdefault(ev.field, []).append((ev.start, ev.end))
    for name, value in fields.items():
        if value:
            console.print(Text.assemble((f"{name}: ", "bold"), _highlight(value, spans.get(name, []))))
    if not verdict.hits:
        console.print("[green]no rule fired[/]")
        return
    for h in verdict.hits:
        note = " [dim](experimental: does not count)[/]" if h.status != "stable" else ""
        console.print(
            f"[bold]●[/] {h.rule_id}  {h.category}  [{_STYLES[h.severity]}]{h.severity}[/]  {h.score:.2f}{note}"
            f"  [dim]{escape(h.title)}[/]"
        )
        for e in h.evidence:
            matched = e.matched if len(e.matched) <= 60 else e.matched[:57] + "..."
            console.print(
                f"    {e.field}[{e.start}:{e.end}] {escape(repr(e.text))} [dim]← {escape(matched)}[/]"
            )
    cats = ", ".join(f"{c} {s:.2f}" for c, s in verdict.categories.items()) or "none above threshold"
    console.print(f"flagged: [bold]{cats}[/]; risk {verdict.risk_score:.2f} (threshold {engine.threshold})")


@app.command("eval")
def eval_(
    labels: Annotated[
        Path, typer.Option(help="Labelled JSONL file (taxonomy format).", exists=True, dir_okay=False)
    ],
    rules: RulesOpt = None,
    json_: JsonOpt = False,
    threshold: Annotated[float | None, typer.Option(help="Category score threshold.")] = None,
    errors: Annotated[int, typer.Option(help="How many false positives/negatives to list.")] = 50,
) -> None:
    """Precision, recall and F1 per category, micro, macro and 'any flag'; per-rule TP/FP; errors listed."""
    engine = _engine(rules, threshold)
    report = evaluate_records(engine, read_jsonl(labels))
    summary = report.summary()
    if json_:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"{labels.name}: {summary['listings']} listings, threshold {engine.threshold}")
    for col in ("category", "precision", "recall", "f1", "support", "tp", "fp", "fn"):
        table.add_column(col, justify="right" if col != "category" else "left")
    rows = [(c, summary["categories"][c]) for c in CATEGORIES]
    rows += [("micro", {**summary["micro"], "support": ""}), ("any flag", summary["any_flag"])]
    for name, m in rows:
        table.add_row(
            name,
            *(
                f"{m[k]:.3f}" if isinstance(m[k], float) else str(m[k])
                for k in ("precision", "recall", "f1", "support", "tp", "fp", "fn")
            ),
        )
    console.print(table)
    console.print(f"macro F1 [bold]{summary['macro_f1']:.3f}[/]")
    rt = Table(title="rules")
    for col in ("rule", "hits", "tp", "fp", "precision"):
        rt.add_column(col)
    for rid, r in summary["rules"].items():
        rt.add_row(rid, str(r["hits"]), str(r["tp"]), str(r["fp"]), f"{r['precision']:.2f}")
    console.print(rt)
    for label, items in (
        ("false positives", report.false_positives()),
        ("false negatives", report.false_negatives()),
    ):
        console.print(f"[bold]{label}[/] ({len(items)})")
        for o, c in items[:errors]:
            fired = ", ".join(sorted({r for r, _ in o.rules})) or "-"
            console.print(
                f"  {o.id} [{c}] {escape(o.title[:110])}  [dim]labels={sorted(o.labels)} rules={fired}[/]"
            )


@app.command()
def scan(
    input_: Annotated[Path, typer.Option("--input", help="Listings JSONL.", exists=True, dir_okay=False)],
    output: Annotated[Path, typer.Option(help="Where to write one JSON line of hits per listing.")],
    rules: RulesOpt = None,
) -> None:
    """Evaluate every listing of a JSONL file; write id, categories, risk score and hits per line."""
    engine = _engine(rules)
    n = flagged = 0
    with output.open("w", encoding="utf-8") as out:
        for rec in read_jsonl(input_):
            verdict = engine.assess(rec)
            n += 1
            flagged += bool(verdict.categories)
            row = {"id": rec.get("id"), "categories": verdict.categories, "risk_score": verdict.risk_score}
            row["hits"] = [_hit_json(h) for h in verdict.hits]
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    truncated = engine.counters.get("truncated_fields", 0)
    console.print(f"scanned {n} listings: {flagged} flagged, {truncated} field(s) truncated → {output}")


@app.command()
def diff(
    labels: Annotated[Path, typer.Option(help="Labelled JSONL file.", exists=True, dir_okay=False)],
    old: Annotated[Path, typer.Option(help="Rule pack directory before the change.")],
    new: Annotated[Path, typer.Option(help="Rule pack directory after the change.")],
    json_: JsonOpt = False,
) -> None:
    """What a rules change gains and loses on labelled listings (TPs gained/lost, FPs added/fixed)."""
    records = list(read_jsonl(labels))
    d = Diff(evaluate_records(_engine(old), records), evaluate_records(_engine(new), records))
    summary = d.summary()
    if json_:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    for side in ("old", "new"):
        m = summary[side]
        console.print(
            f"{side}: micro F1 {m['micro']['f1']:.3f}  macro F1 {m['macro_f1']:.3f}  any-flag F1 {m['any_flag']['f1']:.3f}"
        )
    moved = {c: v for c, v in summary["f1_delta"].items() if v}
    console.print("F1 change: " + (", ".join(f"{c} {v:+.3f}" for c, v in moved.items()) or "none"))
    for key, label in (
        ("gained", "gained TP"),
        ("lost", "lost TP"),
        ("new_fp", "new FP"),
        ("fixed_fp", "fixed FP"),
    ):
        items = summary["changes"][key]
        console.print(f"[bold]{label}[/] ({len(items)})")
        for it in items:
            console.print(f"  {it['id']} [{it['category']}] {escape(it['title'][:110])}")


if __name__ == "__main__":
    sys.exit(app())
