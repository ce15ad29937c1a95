"""A case's evidence snippets and its exports: an XLSX workbook and a ZIP case file.

The ZIP holds the workbook, the listings as CSV, every listing's raw crawled data as JSON, a printable
HTML summary (rendered by the autoescaping template environment, so listing text stays text) and a
manifest of SHA-256 digests. Spreadsheet cells go through :func:`review.exports.safe_cell`.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from review.exports import to_csv, to_xlsx_book
from review.formatting import Segment, highlight
from review.i18n import translator
from review.templating import env
from storage.cases_repo import CaseDossier, CaseEntry
from storage.models import Flag, Listing

SNIPPET_WIDTH = 60
ZIP_MEDIA_TYPE = "application/zip"

LISTING_HEADERS = (
    "listing_id", "source", "external_id", "url", "title", "price_vnd", "shop", "seller", "province",
    "province_legacy", "categories", "rules", "flag_statuses", "phones", "zalo", "links", "crawled_at",
    "added_by", "added_at",
)  # fmt: skip
EVIDENCE_HEADERS = (
    "listing_id",
    "flag_id",
    "rule",
    "category",
    "severity",
    "field",
    "text",
    "matched",
    "snippet",
)
DECISION_HEADERS = (
    "listing_id", "flag_id", "rule", "at", "by", "action", "from_status", "to_status", "category",
    "legal_basis", "reason", "note",
)  # fmt: skip


def field_text(listing: Listing, name: str) -> str:
    """The listing text an evidence item points into (``title``, ``attributes.<name>``, …)."""
    if name.startswith("attributes."):
        value: Any = (listing.attributes or {}).get(name.split(".", 1)[1])
    else:
        value = (
            getattr(listing, name, None)
            if name in ("title", "description", "shop_name", "category_path")
            else None
        )
    return value if isinstance(value, str) else ""


def snippet(text: str, item: Mapping[str, Any], width: int = SNIPPET_WIDTH) -> list[Segment]:
    """The evidence span of ``item`` in ``text`` with up to ``width`` characters either side, marked."""
    segments = highlight(text, [item], str(item.get("field", "")))
    marked = [i for i, s in enumerate(segments) if s.marked]
    if not marked:
        quoted = item.get("text")
        return [Segment(str(quoted), marked=True)] if quoted else []
    before = "".join(s.text for s in segments[: marked[0]])
    after = "".join(s.text for s in segments[marked[-1] + 1 :])
    out = []
    if before:
        out.append(Segment(("…" if len(before) > width else "") + before[-width:]))
    out.extend(segments[marked[0] : marked[-1] + 1])
    if after:
        out.append(Segment(after[:width] + ("…" if len(after) > width else "")))
    return out


@dataclass(frozen=True, slots=True)
class EvidenceSnippet:
    flag: Flag
    item: Mapping[str, Any]
    segments: list[Segment]

    @property
    def plain(self) -> str:
        return "".join(s.text for s in self.segments)


def entry_snippets(entry: CaseEntry) -> list[EvidenceSnippet]:
    return [
        EvidenceSnippet(flag, item, snippet(field_text(entry.listing, str(item.get("field", ""))), item))
        for flag in entry.flags
        for item in (flag.evidence or [])
        if isinstance(item, Mapping)
    ]


def _seller_name(entry: CaseEntry) -> str | None:
    return entry.seller.name if entry.seller and entry.seller.name else entry.listing.shop_name


def _listing_row(entry: CaseEntry) -> tuple[Any, ...]:
    listing, contacts = entry.listing, entry.listing.contacts or {}
    return (
        listing.id, entry.source, listing.external_id, listing.url, listing.title, listing.price,
        listing.shop_name, _seller_name(entry), listing.province, listing.province_legacy,
        ", ".join(entry.categories), ", ".join(f.rule_id for f in entry.flags),
        ", ".join(f"{f.rule_id}:{f.status}" for f in entry.flags), ", ".join(contacts.get("phones") or []),
        ", ".join(contacts.get("zalo") or []), ", ".join(contacts.get("links") or []), listing.crawled_at,
        entry.added_by, entry.added_at,
    )  # fmt: skip


def _summary_rows(d: CaseDossier, exported_by: str, exported_at: datetime) -> list[tuple[Any, ...]]:
    case = d.case
    return [
        ("case_id", case.id), ("title", case.title), ("status", case.status),
        ("seller", d.seller.name if d.seller else ""), ("seller_source", d.seller_source or ""),
        ("legal_basis", case.legal_basis or ""), ("note", case.note or ""), ("created_by", d.created_by),
        ("created_at", case.created_at), ("updated_at", case.updated_at), ("listings", len(d.entries)),
        ("flags", sum(len(e.flags) for e in d.entries)), ("exported_by", exported_by),
        ("exported_at", exported_at),
    ]  # fmt: skip


def case_workbook(d: CaseDossier, *, exported_by: str, exported_at: datetime) -> bytes:
    """Sheets: summary, listings, evidence, decisions."""
    evidence = [
        (e.listing.id, s.flag.id, s.flag.rule_id, s.flag.category, s.flag.severity, s.item.get("field"),
         s.item.get("text"), s.item.get("matched"), s.plain)
        for e in d.entries
        for s in entry_snippets(e)
    ]  # fmt: skip
    decisions = [
        (e.listing.id, r.flag_id, r.rule_id, r.created_at, r.username, r.action, r.from_status, r.to_status,
         r.category, r.legal_basis, r.reason, r.note)
        for e in d.entries
        for r in e.decisions
    ]  # fmt: skip
    return to_xlsx_book(
        [
            ("summary", ("field", "value"), _summary_rows(d, exported_by, exported_at)),
            ("listings", LISTING_HEADERS, [_listing_row(e) for e in d.entries]),
            ("evidence", EVIDENCE_HEADERS, evidence),
            ("decisions", DECISION_HEADERS, decisions),
        ]
    )


def case_json(d: CaseDossier, *, exported_by: str, exported_at: datetime) -> dict[str, Any]:
    """The case and every listing's crawled data (``raw`` as the spider stored it), flags and decisions."""

    def listing_data(e: CaseEntry) -> dict[str, Any]:
        x = e.listing
        return {
            "id": x.id, "source": e.source, "external_id": x.external_id, "url": x.url, "title": x.title,
            "description": x.description, "price": x.price, "original_price": x.original_price,
            "currency": x.currency, "category_path": x.category_path, "brand": x.brand,
            "shop_name": x.shop_name, "shop_location": x.shop_location, "province": x.province,
            "province_legacy": x.province_legacy, "is_official_shop": x.is_official_shop,
            "sold_count": x.sold_count, "rating": x.rating, "images": x.images, "attributes": x.attributes,
            "contacts": x.contacts, "content_hash": x.content_hash, "crawled_at": x.crawled_at,
            "first_seen_at": x.first_seen_at, "last_seen_at": x.last_seen_at, "raw_ref": x.raw_ref,
            "raw": x.raw,
            "seller": None if e.seller is None else {
                "id": e.seller.id, "external_id": e.seller.external_id, "name": e.seller.name,
                "url": e.seller.url, "location": e.seller.location,
            },
            "flags": [
                {"id": f.id, "rule_id": f.rule_id, "category": f.category, "severity": f.severity,
                 "score": f.score, "status": f.status, "evidence": f.evidence, "created_at": f.created_at}
                for f in e.flags
            ],
            "decisions": [
                {"flag_id": r.flag_id, "at": r.created_at, "by": r.username, "action": r.action,
                 "to_status": r.to_status, "category": r.category, "legal_basis": r.legal_basis,
                 "reason": r.reason, "note": r.note}
                for r in e.decisions
            ],
            "added_by": e.added_by, "added_at": e.added_at,
        }  # fmt: skip

    case = d.case
    return {
        "case": {
            "id": case.id, "title": case.title, "status": case.status, "legal_basis": case.legal_basis,
            "note": case.note, "created_by": d.created_by, "created_at": case.created_at,
            "updated_at": case.updated_at, "seller_id": case.seller_id,
        },
        "exported_by": exported_by,
        "exported_at": exported_at,
        "listings": [listing_data(e) for e in d.entries],
    }  # fmt: skip


def case_html(d: CaseDossier, *, lang: str, exported_by: str, exported_at: datetime) -> str:
    """The printable case summary; the template environment autoescapes every value."""
    return env.get_template("case_print.html").render(
        d=d, t=translator(lang), lang=lang, snippets=entry_snippets, exported_by=exported_by,
        exported_at=exported_at,
    )  # fmt: skip


def case_zip(d: CaseDossier, *, lang: str, exported_by: str, exported_at: datetime) -> bytes:
    stem = f"case-{d.case.id}"
    files = {
        f"{stem}.xlsx": case_workbook(d, exported_by=exported_by, exported_at=exported_at),
        f"{stem}-listings.csv": to_csv(LISTING_HEADERS, [_listing_row(e) for e in d.entries]),
        f"{stem}-raw.json": json.dumps(
            case_json(d, exported_by=exported_by, exported_at=exported_at),
            ensure_ascii=False, indent=2, default=str,
        ).encode("utf-8"),
        f"{stem}.html": case_html(d, lang=lang, exported_by=exported_by, exported_at=exported_at).encode(
            "utf-8"
        ),
    }  # fmt: skip
    manifest = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr("SHA256SUMS", "".join(f"{digest}  {name}\n" for name, digest in manifest.items()))
    return out.getvalue()
