"""Queries and batch writes. The caller's unit of work commits; nothing here does.

Writes are upserts (``INSERT … ON CONFLICT``) on both SQLite and PostgreSQL, a statement per batch.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, lru_cache
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Select,
    Text,
    and_,
    bindparam,
    case,
    cast,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from storage.models import (
    FLAG_LISTING_COLUMNS,
    CrawlRun,
    Flag,
    Listing,
    ListingObservation,
    RulePackVersion,
    Seller,
    Source,
    UTCDateTime,
    utcnow,
)

if TYPE_CHECKING:
    from crawler import items

Key = tuple[str, str]  # (source name, external id)

# Keep each statement under SQLite's and psycopg's parameter limits.
_IN_CHUNK = 500


def _insert(session: Session, table: Any) -> Any:
    # dml_strategy="raw": one Core executemany per statement. The ORM's default "bulk" strategy splits a
    # batch into one executemany per run of rows with the same None-valued columns (hundreds of round
    # trips for a batch of 500). The statement stays ORM-enabled, so the session still autoflushes.
    insert = postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert
    return insert(table).execution_options(dml_strategy="raw")


def _dialect(session: Session) -> str:
    dialect = session.get_bind().dialect.name
    if dialect not in ("postgresql", "sqlite"):
        raise RuntimeError(f"unsupported database dialect {dialect!r}; use SQLite or PostgreSQL")
    return dialect


def _chunks(seq: Sequence[Any], size: int = _IN_CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def _by_source(keys: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """External ids grouped by source id.

    ``source_id = ? AND external_id IN (...)`` is an index range on both dialects; a row-value
    ``(source_id, external_id) IN (...)`` is a full scan on SQLite and, before PostgreSQL has statistics
    for a growing table, a scan of the whole source: quadratic over a crawl.
    """
    grouped: dict[int, list[str]] = {}
    for source_id, external_id in keys:
        grouped.setdefault(source_id, []).append(external_id)
    return grouped


# --- sources --------------------------------------------------------------------------------------


def source_ids(session: Session, names: Iterable[str]) -> dict[str, int]:
    """Ids of the named sources, creating the missing ones."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    query = select(Source.name, Source.id).where(Source.name.in_(wanted))
    found = {name: source_id for name, source_id in session.execute(query)}
    if len(found) < len(wanted):  # write only then: every batch calls this
        stmt = _insert(session, Source).on_conflict_do_nothing(index_elements=["name"])
        session.execute(stmt, [{"name": n, "created_at": utcnow()} for n in wanted if n not in found])
        found = {name: source_id for name, source_id in session.execute(query)}
    return found


# --- sellers --------------------------------------------------------------------------------------


def upsert_sellers(session: Session, sellers: Sequence[items.Seller], *, seen_at: datetime) -> dict[Key, int]:
    """Insert or refresh sellers; returns their ids by (source, external id)."""
    unique = {(s.source, s.external_id): s for s in sellers}
    if not unique:
        return {}
    sources = source_ids(session, (k[0] for k in unique))
    rows = [
        {
            "source_id": sources[s.source],
            "external_id": s.external_id,
            "name": s.name,
            "url": s.url,
            "location": s.location,
            "is_official": s.is_official,
            "first_seen_at": seen_at,
            "last_seen_at": seen_at,
        }
        for s in unique.values()
    ]
    stmt = _insert(session, Seller)
    stmt = stmt.on_conflict_do_update(
        index_elements=["source_id", "external_id"],
        set_={
            "name": func.coalesce(stmt.excluded.name, Seller.name),
            "url": func.coalesce(stmt.excluded.url, Seller.url),
            "location": func.coalesce(stmt.excluded.location, Seller.location),
            "is_official": func.coalesce(stmt.excluded.is_official, Seller.is_official),
            "last_seen_at": stmt.excluded.last_seen_at,
        },
    )
    session.execute(stmt, rows)
    by_source_id = {v: k for k, v in sources.items()}
    ids: dict[Key, int] = {}
    for source_id, external_ids in _by_source((sources[k[0]], k[1]) for k in unique).items():
        for chunk in _chunks(external_ids):
            found = session.execute(
                select(Seller.external_id, Seller.id).where(
                    Seller.source_id == source_id, Seller.external_id.in_(chunk)
                )
            )
            for external_id, seller_id in found:
                ids[(by_source_id[source_id], external_id)] = seller_id
    return ids


# --- listings -------------------------------------------------------------------------------------

_HASHED = (
    "title",
    "description",
    "price",
    "original_price",
    "brand",
    "category_path",
    "shop_name",
    "sold_count",
)


_hashed_fields = attrgetter(*_HASHED)
# Stored hashes depend on this exact text: json.dumps(payload, ensure_ascii=False, default=str), with the
# encoder built once instead of on every call.
_hash_encoder = json.JSONEncoder(ensure_ascii=False, default=str)


def content_hash(listing: items.Listing) -> str:
    """What changes when a seller edits a listing (or its price or sales move)."""
    payload = [*_hashed_fields(listing), sorted(listing.attributes.items())]
    return hashlib.sha256(_hash_encoder.encode(payload).encode()).hexdigest()


@dataclass(slots=True)
class UpsertResult:
    ids: dict[Key, int] = field(default_factory=dict)
    new: set[Key] = field(default_factory=set)
    changed: set[Key] = field(default_factory=set)
    digests: dict[Key, str] = field(default_factory=dict)  # content hash of each listing written


def _listing_row(
    item: items.Listing, source_id: int, seller_id: int | None, digest: str, risk: float
) -> dict:
    return {
        "source_id": source_id,
        "external_id": item.external_id,
        "url": item.url,
        "title": item.title,
        "description": item.description,
        "price": item.price,
        "original_price": item.original_price,
        "currency": item.currency,
        "category_path": item.category_path,
        "brand": item.brand,
        "seller_id": seller_id,
        "shop_name": item.shop_name,
        "shop_location": item.shop_location,
        "province": item.province,
        "province_legacy": item.province_legacy,
        "is_abroad": item.is_abroad,
        "is_official_shop": item.is_official_shop,
        "sold_count": item.sold_count,
        "rating": item.rating,
        "images": item.images,
        "attributes": item.attributes,
        "contacts": item.contacts,
        "raw": item.raw,
        "raw_ref": item.raw_ref,
        "content_hash": digest,
        "risk_score": risk,
        "crawled_at": item.crawled_at,
        "first_seen_at": item.crawled_at,
        "last_seen_at": item.crawled_at,
    }


_UPDATED_ON_CONFLICT = (
    "url", "title", "description", "price", "original_price", "currency", "category_path", "brand",
    "shop_name", "shop_location", "province", "province_legacy", "is_abroad", "is_official_shop",
    "sold_count", "rating", "images", "attributes", "contacts", "raw", "raw_ref", "content_hash", "risk_score",
    "crawled_at", "last_seen_at",
)  # fmt: skip


def _existing_listings(
    session: Session, keys: Sequence[tuple[int, str]]
) -> dict[tuple[int, str], tuple[int, str]]:
    """(id, content hash) of the stored listings among ``keys``.

    ``source_id IN (…) AND external_id IN (…)`` is an index search on SQLite (a row-value IN is a full
    scan); the few extra rows it can match are dropped here. The query is compiled once per chunk size.
    """
    wanted = set(keys)
    found: dict[tuple[int, str], tuple[int, str]] = {}
    conn = session.connection()
    for chunk in _chunks(keys):
        source_ids_ = sorted({k[0] for k in chunk})
        sql, order = _existing_listings_sql(conn.dialect, len(source_ids_), len(chunk))
        values = dict(zip((f"s{i}" for i in range(len(source_ids_))), source_ids_, strict=True))
        values.update(zip((f"e{i}" for i in range(len(chunk))), (k[1] for k in chunk), strict=True))
        params = tuple(values[name] for name in order) if order else values
        for source_id, external_id, listing_id, digest in conn.exec_driver_sql(sql, params).all():
            if (source_id, external_id) in wanted:
                found[(source_id, external_id)] = (listing_id, digest)
    return found


@lru_cache(maxsize=64)
def _existing_listings_sql(dialect: Dialect, sources: int, keys: int) -> tuple[str, list[str] | None]:
    table = Listing.__table__
    stmt = select(table.c.source_id, table.c.external_id, table.c.id, table.c.content_hash).where(
        table.c.source_id.in_([bindparam(f"s{i}") for i in range(sources)]),
        table.c.external_id.in_([bindparam(f"e{i}") for i in range(keys)]),
    )
    compiled = stmt.compile(dialect=dialect)
    return compiled.string, compiled.positiontup


def upsert_listings(
    session: Session,
    listings: Sequence[items.Listing],
    *,
    seller_ids: Mapping[Key, int] | None = None,
    risk_scores: Mapping[Key, float] | None = None,
) -> UpsertResult:
    """Insert new listings and refresh known ones in one statement; report which were new or changed."""
    unique = {item.key: item for item in listings}  # a listing seen twice in a batch: keep the last
    result = UpsertResult()
    if not unique:
        return result
    sources = source_ids(session, (k[0] for k in unique))
    seller_ids = seller_ids or {}
    risk_scores = risk_scores or {}
    rows, digests = [], {}
    for key, item in unique.items():
        seller_key = (item.seller.source, item.seller.external_id) if item.seller else None
        digests[key] = digest = content_hash(item)
        rows.append(
            _listing_row(
                item,
                sources[item.source],
                seller_ids.get(seller_key) if seller_key else None,
                digest,
                risk_scores.get(key, 0.0),
            )
        )
    if _dialect(session) == "postgresql":
        result = _upsert_listings_postgresql(session, rows, sources, digests)
        result.digests = digests
        sync_flag_listing_columns(session, [i for k, i in result.ids.items() if k not in result.new])
        return result

    db_keys = [(sources[k[0]], k[1]) for k in unique]
    before = _existing_listings(session, db_keys)
    sql, encoders = _sqlite_upsert_listings_sql(session.get_bind().dialect, tuple(rows[0]))
    encoders = _memoise_timestamps(encoders)
    session.connection().exec_driver_sql(
        sql, [tuple([row[n] if enc is None else enc(row[n]) for n, enc in encoders]) for row in rows]
    )
    missing = [k for k in db_keys if k not in before]
    after = _existing_listings(session, missing) if missing else {}
    for key, db_key in zip(unique, db_keys, strict=True):
        if db_key in before:
            listing_id, old_digest = before[db_key]
            if old_digest != digests[key]:
                result.changed.add(key)
        else:
            listing_id = after[db_key][0]
            result.new.add(key)
        result.ids[key] = listing_id
    result.digests = digests
    sync_flag_listing_columns(session, [i for k, i in result.ids.items() if k not in result.new])
    return result


@lru_cache(maxsize=8)
def _sqlite_upsert_listings_sql(
    dialect: Dialect, names: tuple[str, ...]
) -> tuple[str, list[tuple[str, Callable[[Any], Any] | None]]]:
    """The upsert compiled once, and each bound column's own bind processor (JSON, aware timestamps).

    The batch then goes to the driver's ``executemany`` as plain tuples: the same values SQLAlchemy would
    bind, without its generic per-row parameter handling (a third of the write's cost).
    """
    table = Listing.__table__
    stmt = sqlite.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=["source_id", "external_id"],
        set_={name: stmt.excluded[name] for name in _UPDATED_ON_CONFLICT},
    )
    compiled = stmt.compile(dialect=dialect, column_keys=list(names))
    order = compiled.positiontup or []
    if sorted(order) != sorted(names):
        raise RuntimeError(f"listing upsert binds {order}, expected {sorted(names)}")
    return compiled.string, [
        (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in order
    ]


def _memoise_timestamps(
    encoders: list[tuple[str, Callable[[Any], Any] | None]],
) -> list[tuple[str, Callable[[Any], Any] | None]]:
    """One encoding per distinct timestamp in a batch: a row's three timestamps are usually one value."""
    memo: dict[datetime, Any] = {}

    def wrap(encode: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def cached(value: Any) -> Any:
            try:
                return memo[value]
            except KeyError:
                memo[value] = out = encode(value)
                return out

        return cached

    table = Listing.__table__
    return [
        (name, wrap(enc) if enc is not None and isinstance(table.c[name].type, UTCDateTime) else enc)
        for name, enc in encoders
    ]


def _json_rows(rows: list[dict]) -> str:
    """The batch as one JSON document; each distinct timestamp is formatted once."""
    formatted: dict[datetime, str] = {}

    def default(value: Any) -> str:
        if not isinstance(value, datetime):
            raise TypeError(f"cannot store a {type(value).__name__} in a listing row")
        text = formatted.get(value)
        if text is None:
            if value.tzinfo is None:
                raise ValueError("naive datetime given to a timestamp column; use an aware UTC datetime")
            formatted[value] = text = value.isoformat()
        return text

    return json.dumps(rows, default=default)


@cache
def _pg_upsert_listings_statement(names: tuple[str, ...]) -> Any:
    """``INSERT … SELECT FROM jsonb_to_recordset(:rows) … ON CONFLICT DO UPDATE … RETURNING``.

    The whole batch is one JSON parameter: the statement text is the same for every batch (psycopg
    re-parses a multi-row VALUES list with thousands of placeholders on every execute) and the rows are
    encoded by one C-level ``json.dumps``. A subquery in RETURNING reads the statement's snapshot, so it
    sees each row as it was before this statement: the old content hash, or NULL when it was inserted.
    """
    table = Listing.__table__
    rows = bindparam("rows", type_=Text)
    batch = (
        func.jsonb_to_recordset(cast(rows, postgresql.JSONB))
        .table_valued(*(column(name, table.c[name].type) for name in names))
        .render_derived(with_types=True)
    )
    # jsonb_to_recordset reads a JSON null as SQL NULL; the other write paths store JSON null.
    columns = [
        func.coalesce(batch.c[name], cast(literal("null"), postgresql.JSONB))
        if isinstance(table.c[name].type, JSON) and table.c[name].nullable
        else batch.c[name]
        for name in names
    ]
    stmt = postgresql.insert(table).from_select(list(names), select(*columns))
    before = table.alias("before")
    # SQLAlchemy does not correlate a subquery in an INSERT's RETURNING: name the target row literally.
    old_hash = (
        select(before.c.content_hash)
        .where(before.c.id == literal_column(f"{table.name}.id"))
        .scalar_subquery()
    )
    return stmt.on_conflict_do_update(
        index_elements=["source_id", "external_id"],
        set_={name: stmt.excluded[name] for name in _UPDATED_ON_CONFLICT},
    ).returning(table.c.source_id, table.c.external_id, table.c.id, old_hash)


def _upsert_listings_postgresql(
    session: Session, rows: list[dict], sources: Mapping[str, int], digests: Mapping[Key, str]
) -> UpsertResult:
    """PostgreSQL: one statement per batch and no lookups (see :func:`_pg_upsert_listings_statement`)."""
    stmt = _pg_upsert_listings_statement(tuple(rows[0]))
    payload = _json_rows(rows)
    by_source_id = {source_id: name for name, source_id in sources.items()}
    result = UpsertResult()
    for source_id, external_id, listing_id, old_digest in session.execute(stmt, {"rows": payload}):
        key = (by_source_id[source_id], external_id)
        result.ids[key] = listing_id
        if old_digest is None:
            result.new.add(key)
        elif old_digest != digests[key]:
            result.changed.add(key)
    if len(result.ids) != len(rows):
        raise RuntimeError(f"upsert of {len(rows)} listings returned {len(result.ids)} rows")
    return result


def add_observations(
    session: Session,
    listings: Sequence[items.Listing],
    ids: Mapping[Key, int],
    *,
    crawl_run_id: int,
    digests: Mapping[Key, str] | None = None,
) -> None:
    """One observation per listing per crawl run: the price history.

    ``digests``: the listings' content hashes when the caller has them (``UpsertResult.digests``).
    """
    digests = digests or {}
    rows = {
        ids[item.key]: {
            "listing_id": ids[item.key],
            "crawl_run_id": crawl_run_id,
            "observed_at": item.crawled_at,
            "price": item.price,
            "sold_count": item.sold_count,
            "content_hash": digests.get(item.key) or content_hash(item),
        }
        for item in listings
        if item.key in ids
    }
    if not rows:
        return
    stmt = _insert(session, ListingObservation)
    stmt = stmt.on_conflict_do_update(
        index_elements=["listing_id", "crawl_run_id"],
        set_={c: stmt.excluded[c] for c in ("observed_at", "price", "sold_count", "content_hash")},
    )
    session.execute(stmt, list(rows.values()))


# --- rule packs and flags -------------------------------------------------------------------------


def rule_pack_version_id(session: Session, content_hash: str, rule_count: int) -> int:
    stmt = _insert(session, RulePackVersion).on_conflict_do_nothing(index_elements=["content_hash"])
    session.execute(stmt, [{"content_hash": content_hash, "rule_count": rule_count, "created_at": utcnow()}])
    return session.execute(
        select(RulePackVersion.id).where(RulePackVersion.content_hash == content_hash)
    ).scalar_one()


@dataclass(frozen=True, slots=True)
class FlagRow:
    listing_id: int
    rule_id: str
    category: str
    severity: str
    score: float
    evidence: list[dict[str, Any]]


def upsert_flags(session: Session, flags: Sequence[FlagRow], *, rule_pack_version_id: int) -> int:
    """Record rule hits; a hit already flagged is refreshed, never duplicated. Returns how many are new.

    A reviewer's decision (status) is kept; a superseded flag that fires again becomes ``new``.
    """
    unique = {(f.listing_id, f.rule_id): f for f in flags}
    if not unique:
        return 0
    keys = list(unique)
    # By listing id (an index search; a row-value IN scans the whole flag index on SQLite), then by rule.
    wanted = set(keys)
    existing: set[tuple[int, str]] = set()
    for chunk in _chunks(sorted({k[0] for k in keys})):
        existing.update(
            (listing_id, rule_id)
            for listing_id, rule_id in session.execute(
                select(Flag.listing_id, Flag.rule_id).where(Flag.listing_id.in_(chunk))
            )
            if (listing_id, rule_id) in wanted
        )
    copied = _flag_listing_values(session, [k[0] for k in keys])
    now = utcnow()
    rows = [
        {
            "listing_id": f.listing_id,
            "rule_id": f.rule_id,
            "category": f.category,
            "severity": f.severity,
            "score": f.score,
            "evidence": f.evidence,
            "rule_pack_version_id": rule_pack_version_id,
            "status": "new",
            "created_at": now,
            "updated_at": now,
            **copied.get(f.listing_id, _NO_LISTING),
        }
        for f in unique.values()
    ]
    stmt = _insert(session, Flag)

    stmt = stmt.on_conflict_do_update(
        index_elements=["listing_id", "rule_id"],
        set_={
            "category": stmt.excluded.category,
            "severity": stmt.excluded.severity,
            "score": stmt.excluded.score,
            "evidence": stmt.excluded.evidence,
            "rule_pack_version_id": stmt.excluded.rule_pack_version_id,
            "updated_at": stmt.excluded.updated_at,
            "status": case((Flag.status == "superseded", "new"), else_=Flag.status),
            **{name: stmt.excluded[name] for name in FLAG_LISTING_COLUMNS},
        },
    )
    session.execute(stmt, rows)
    return len(set(keys) - existing)


_NO_LISTING: dict[str, Any] = dict.fromkeys(FLAG_LISTING_COLUMNS) | {"risk_score": 0.0}


def _flag_listing_values(session: Session, listing_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """The listing columns copied onto each listing's flags, by listing id."""
    columns = [getattr(Listing, name) for name in FLAG_LISTING_COLUMNS]
    found: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(sorted(set(listing_ids))):
        for listing_id, *values in session.execute(select(Listing.id, *columns).where(Listing.id.in_(chunk))):
            found[listing_id] = dict(zip(FLAG_LISTING_COLUMNS, values, strict=True))
    return found


def sync_flag_listing_columns(session: Session, listing_ids: Iterable[int]) -> int:
    """Copy the listings' risk score, source, seller and provinces onto their flags where they differ.

    Every write that changes those listing columns calls this in the same unit of work, so the queue
    and the reports (which read them from the flag) never see a stale copy. Returns the flags updated.
    """
    count = 0
    differs = or_(*(getattr(Flag, n).is_distinct_from(getattr(Listing, n)) for n in FLAG_LISTING_COLUMNS))
    for chunk in _chunks(sorted(set(listing_ids))):
        result = session.execute(
            update(Flag)
            .where(Flag.listing_id.in_(chunk), Listing.id == Flag.listing_id, differs)
            .values({name: getattr(Listing, name) for name in FLAG_LISTING_COLUMNS})
            .execution_options(synchronize_session=False)
        )
        count += result.rowcount or 0  # type: ignore[attr-defined]
    return count


# --- crawl runs -----------------------------------------------------------------------------------


def start_crawl_run(session: Session, spider: str, args: Mapping[str, Any]) -> int:
    run = CrawlRun(spider=spider, args=dict(args), started_at=utcnow(), status="running", stats={})
    session.add(run)
    session.flush()
    return run.id


def finish_crawl_run(session: Session, run_id: int, *, status: str, stats: Mapping[str, Any]) -> None:
    session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(status=status, stats=dict(stats), finished_at=utcnow())
    )


def merge_crawl_run_stats(session: Session, run_id: int, stats: Mapping[str, Any]) -> bool:
    """Add ``stats`` to a crawl run's recorded stats (later keys win); False if there is no such run."""
    run = session.get(CrawlRun, run_id)
    if run is None:
        return False
    run.stats = {**(run.stats or {}), **stats}
    return True


def previous_run(session: Session, spider: str, before_id: int) -> CrawlRun | None:
    return session.scalars(
        select(CrawlRun)
        .where(CrawlRun.spider == spider, CrawlRun.id < before_id, CrawlRun.finished_at.is_not(None))
        .order_by(CrawlRun.id.desc())
        .limit(1)
    ).first()


# --- reading flags --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FlagView:
    flag_id: int
    source: str
    external_id: str
    url: str
    title: str
    category: str
    rule_id: str
    severity: str
    score: float
    status: str
    risk_score: float
    evidence: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def _flags_query(category: str | None, statuses: Sequence[str] | None) -> Select[Any]:
    stmt = (
        select(
            Flag.id, Source.name, Listing.external_id, Listing.url, Listing.title, Flag.category,
            Flag.rule_id, Flag.severity, Flag.score, Flag.status, Listing.risk_score, Flag.evidence,
        )
        .join(Listing, Listing.id == Flag.listing_id)
        .join(Source, Source.id == Listing.source_id)
    )  # fmt: skip
    conditions = []
    if category:
        conditions.append(Flag.category == category)
    if statuses:
        conditions.append(Flag.status.in_(list(statuses)))
    if conditions:
        stmt = stmt.where(and_(*conditions))
    return stmt


def list_flags(
    session: Session,
    *,
    category: str | None = None,
    statuses: Sequence[str] | None = ("new", "in_review"),
    limit: int | None = None,
) -> list[FlagView]:
    """Flags ordered the way the review queue orders them: riskiest listing first."""
    stmt = _flags_query(category, statuses).order_by(Listing.risk_score.desc(), Flag.score.desc(), Flag.id)
    if limit:
        stmt = stmt.limit(limit)
    return [FlagView(*row) for row in session.execute(stmt)]


def flag_counts_by_category(
    session: Session, *, statuses: Sequence[str] | None = ("new", "in_review")
) -> dict[str, int]:
    stmt = select(Flag.category, func.count(func.distinct(Flag.listing_id))).group_by(Flag.category)
    if statuses:
        stmt = stmt.where(Flag.status.in_(list(statuses)))
    return {category: count for category, count in session.execute(stmt)}


def count_listings(session: Session, source: str | None = None) -> int:
    stmt = select(func.count(Listing.id))
    if source:
        stmt = stmt.join(Source).where(Source.name == source)
    return session.execute(stmt).scalar_one()


# --- rescans --------------------------------------------------------------------------------------


def listings_for_rescan(
    session: Session, *, since: datetime | None = None, after_id: int = 0, limit: int = 1000
) -> list[tuple[Listing, str]]:
    """Stored listings (with their source name) in id order, for re-evaluation after a rule change."""
    stmt = (
        select(Listing, Source.name)
        .join(Source, Source.id == Listing.source_id)
        .where(Listing.id > after_id)
        .order_by(Listing.id)
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(Listing.last_seen_at >= since)
    return [(listing, name) for listing, name in session.execute(stmt)]


def open_flags_by_listing(session: Session, listing_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    """{listing id: {rule id: status}} for the given listings."""
    found: dict[int, dict[str, str]] = {}
    for chunk in _chunks(list(listing_ids)):
        rows = session.execute(
            select(Flag.listing_id, Flag.rule_id, Flag.status).where(Flag.listing_id.in_(chunk))
        )
        for listing_id, rule_id, status in rows:
            found.setdefault(listing_id, {})[rule_id] = status
    return found


def supersede_flags(session: Session, pairs: Sequence[tuple[int, str]], *, rule_pack_version_id: int) -> int:
    """Mark flags no rule supports any more as superseded (never deleted). Decided flags are left alone."""
    count = 0
    for chunk in _chunks(list(pairs)):
        result = session.execute(
            update(Flag)
            .where(
                Flag.listing_id.in_({k[0] for k in chunk}),  # lets SQLite search by listing, not scan
                tuple_(Flag.listing_id, Flag.rule_id).in_(chunk),
                Flag.status.in_(("new", "in_review")),
            )
            .values(status="superseded", rule_pack_version_id=rule_pack_version_id, updated_at=utcnow())
        )
        count += result.rowcount or 0
    return count


def set_risk_scores(session: Session, scores: Mapping[int, float]) -> None:
    """New risk scores of listings (a rescan), copied onto their flags."""
    if scores:
        session.execute(update(Listing), [{"id": k, "risk_score": v} for k, v in scores.items()])
        sync_flag_listing_columns(session, scores)
