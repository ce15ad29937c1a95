"""The store pipeline's database side: one batch at a time, retried when the database hiccups, spooled
when it refuses. Runs in the crawl process (a thread) or in a writer process of its own.

The crawl process packs each listing once, when the store pipeline receives it (:func:`pack`): its
field values, its risk score and the rule hits to flag, as one ``marshal`` string (a ``pickle`` for the
rare value marshal cannot hold). A batch is a list of such strings: cheap to send to another process,
and untracked by the cyclic garbage collector while it waits in the buffer. The writer unpacks them
into the same :class:`~crawler.items.Listing` values the repositories have always been given, so what
is stored does not depend on where the writing happens.

A write reports what it did as a :class:`BatchResult` (stat increments, log lines) instead of touching
the crawl's stats or log itself: the pipeline applies it in the reactor thread, whichever side wrote.

When the store writes in a process, the rules engine judges the listings there too
(``ECOMWATCH_RULES_IN_WRITER``, see :func:`rules_in_writer`): the rules pipeline then only loads the packs
(a broken pack still stops the crawl at its start) and the writer loads the same packs, checks their
hash against the crawl's, and counts the same ``ecomwatch/rules/*`` and ``ecomwatch/items/flagged*`` stats.
"""

from __future__ import annotations

import logging
import marshal
import pickle
import time
import traceback
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError

from crawler.items import Listing, Seller
from rules import load_engine
from storage import repositories as repo
from storage.db import make_engine, make_session_factory, unit_of_work

WRITE_ATTEMPTS = 3

_FIELDS = tuple(Listing.model_fields)
_SELLER = _FIELDS.index("seller")
_CRAWLED_AT = _FIELDS.index("crawled_at")
_SELLER_FIELDS = tuple(Seller.model_fields)

# (rule id, category, severity, score, evidence as JSON-ready dicts)
FlagSpec = tuple[str, str, str, float, list[dict[str, Any]]]


def pack(item: Listing) -> bytes:
    """One listing with what the rules said of it, as bytes (see the module's docstring)."""
    values = [item.__dict__[name] for name in _FIELDS]
    seller = values[_SELLER]
    if seller is not None:
        values[_SELLER] = tuple([seller.__dict__[name] for name in _SELLER_FIELDS])
    crawled_at = values[_CRAWLED_AT]
    assessment = item.assessment
    risk: float | None = None
    flags: list[FlagSpec] = []
    if assessment is not None:
        risk = assessment.risk_score
        flags = flag_specs(assessment)
    if type(crawled_at) is datetime and crawled_at.tzinfo is UTC:
        values[_CRAWLED_AT] = crawled_at.isoformat()  # marshal holds no datetime; this round-trips
        try:
            return b"m" + marshal.dumps((values, risk, flags))
        except ValueError:  # a value marshal cannot hold (raw data is JSON, so rarely)
            values[_CRAWLED_AT] = crawled_at
    return b"p" + pickle.dumps((values, risk, flags), protocol=pickle.HIGHEST_PROTOCOL)


@dataclass(slots=True)
class Entry:
    listing: Listing
    risk: float | None
    flags: list[FlagSpec]


def unpack(data: bytes) -> Entry:
    if data[:1] == b"m":
        values, risk, flags = marshal.loads(data[1:])
        values[_CRAWLED_AT] = datetime.fromisoformat(values[_CRAWLED_AT])
    else:
        values, risk, flags = pickle.loads(data[1:])  # noqa: S301 - written by this crawl's own process
    seller = values[_SELLER]
    if seller is not None:
        values[_SELLER] = Seller.model_construct(**dict(zip(_SELLER_FIELDS, seller, strict=True)))
    # The values were validated when the crawl made the listing: construct, do not validate again.
    listing = Listing.model_construct(**dict(zip(_FIELDS, values, strict=True)))
    return Entry(listing, risk, flags)


def rules_in_writer(settings: Any) -> bool:
    """Whether listings are judged by the store's writer process instead of the rules pipeline."""
    pipelines = settings.getwithbase("ITEM_PIPELINES")
    return (
        settings.getbool("ECOMWATCH_RULES_IN_WRITER")
        and settings.getbool("ECOMWATCH_STORAGE_ENABLED")
        and settings.get("ECOMWATCH_STORAGE_WRITER") == "process"
        and pipelines.get("crawler.pipelines.rules.RulesPipeline") is not None
        and pipelines.get("crawler.pipelines.store.StorePipeline") is not None
    )


def rules_settings(settings: Any) -> tuple[str | None, float | None]:
    """The rules pipeline's packs and threshold, for a writer that judges listings."""
    threshold = settings.get("ECOMWATCH_RULES_THRESHOLD")
    return settings.get("ECOMWATCH_RULES_DIR") or None, float(threshold) if threshold is not None else None


def count_assessment(assessment: Any, inc: Any) -> None:
    """The rules' stats for one judged listing, through ``inc(key, count)``: the same wherever it is judged."""
    if assessment.hits:
        inc("ecomwatch/rules/hits", len(assessment.hits))
    if assessment.flagged:
        inc("ecomwatch/items/flagged", 1)
        for category in assessment.categories:
            inc(f"ecomwatch/items/flagged/{category}", 1)


def flag_specs(assessment: Any) -> list[FlagSpec]:
    if not assessment.flagged:
        return []
    return [
        (hit.rule_id, hit.category, hit.severity, hit.score, hit.evidence_json())
        for hit in assessment.hits
        if hit.category in assessment.categories
    ]


@dataclass(slots=True)
class BatchResult:
    stats: dict[str, int] = field(default_factory=dict)
    logs: list[tuple[int, str, tuple[Any, ...]]] = field(default_factory=list)  # level, %-format, args

    def inc(self, key: str, count: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + count


class BatchWriter:
    """Writes packed batches to one database for one crawl run."""

    def __init__(
        self,
        url: str,
        *,
        run_id: int,
        spool_dir: str | Path,
        spider_name: str,
        rules: tuple[str | None, float | None] | None = None,
        engine: Any = None,
    ) -> None:
        self.rules = rules  # (packs, threshold): judge the listings here (see the module's docstring)
        self.rules_engine: Any = None
        self.own_engine = engine is None  # a shared engine (the writer process's) is not disposed here
        self.engine = make_engine(url) if engine is None else engine
        self.sessions = make_session_factory(self.engine)
        self.run_id = run_id
        self.spool_dir = Path(spool_dir)
        self.spider_name = spider_name
        self.pack_version_id: int | None = None

    def write_batch(self, batch: list[bytes], pack_hash: str | None, rule_count: int) -> BatchResult:
        """Write one batch (retrying a database that hiccups), or spool it."""
        result = BatchResult()
        entries = [unpack(data) for data in batch]
        if self.rules is not None and not self.assess(entries, pack_hash, result):
            self.spool(entries, result)
            return result
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                self.write(entries, pack_hash, rule_count, result)
                return result
            except OperationalError as error:
                result.inc("ecomwatch/storage/retries")
                result.logs.append((logging.WARNING, "database write failed (attempt %d/%d): %s",
                                    (attempt, WRITE_ATTEMPTS, str(error.orig))))  # fmt: skip
                time.sleep(0.2 * attempt)
            except DBAPIError:
                result.logs.append((logging.ERROR, "database refused a batch of %d listings\n%s",
                                    (len(entries), traceback.format_exc().rstrip())))  # fmt: skip
                break
        self.spool(entries, result)
        return result

    def assess(self, entries: list[Entry], pack_hash: str | None, result: BatchResult) -> bool:
        """Judge the listings as the rules pipeline would; False if the packs are not the crawl's."""
        if self.rules_engine is None:
            assert self.rules is not None
            self.rules_engine = load_engine(self.rules[0], threshold=self.rules[1])
        engine = self.rules_engine
        if engine.pack_hash != pack_hash:
            result.logs.append((logging.ERROR, "rule packs changed since the crawl started (%s, now %s): "
                                "%d listings spooled unjudged", (pack_hash, engine.pack_hash, len(entries))))  # fmt: skip
            return False
        for entry in entries:
            assessment = engine.assess(entry.listing)
            entry.risk, entry.flags = assessment.risk_score, flag_specs(assessment)
            count_assessment(assessment, result.inc)
        return True

    def write(
        self, entries: list[Entry], pack_hash: str | None, rule_count: int, result: BatchResult
    ) -> None:
        now = datetime.now(UTC)
        batch = [entry.listing for entry in entries]
        with unit_of_work(self.sessions) as session:
            if self.pack_version_id is None and pack_hash:
                self.pack_version_id = repo.rule_pack_version_id(session, pack_hash, rule_count)
            sellers = [item.seller for item in batch if item.seller is not None]
            seller_ids = repo.upsert_sellers(session, sellers, seen_at=now)
            risks = {entry.listing.key: entry.risk for entry in entries if entry.risk is not None}
            upserted = repo.upsert_listings(session, batch, seller_ids=seller_ids, risk_scores=risks)
            repo.add_observations(
                session, batch, upserted.ids, crawl_run_id=self.run_id, digests=upserted.digests
            )
            flags = [
                repo.FlagRow(upserted.ids[entry.listing.key], *spec)
                for entry in entries
                for spec in entry.flags
            ]
            new_flags = 0
            if flags:
                if self.pack_version_id is None:
                    raise RuntimeError("rules pipeline did not report its rule pack version")
                new_flags = repo.upsert_flags(session, flags, rule_pack_version_id=self.pack_version_id)
        result.inc("ecomwatch/storage/written", len(upserted.ids))
        result.inc("ecomwatch/listings/new", len(upserted.new))
        result.inc("ecomwatch/listings/changed", len(upserted.changed))
        result.inc("ecomwatch/flags/new", new_flags)
        result.inc("ecomwatch/storage/batches")

    def spool(self, entries: list[Entry], result: BatchResult) -> None:
        self.spool_dir.mkdir(parents=True, exist_ok=True)
        path = (
            self.spool_dir / f"{self.spider_name}-run{self.run_id}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.jsonl"
        )
        with path.open("w", encoding="utf-8") as fh:
            for entry in entries:
                fh.write(entry.listing.model_dump_json() + "\n")
        result.inc("ecomwatch/storage/spooled", len(entries))
        result.logs.append((logging.ERROR, "database unavailable: %d listings spooled to %s",
                            (len(entries), str(path))))  # fmt: skip

    def close(self) -> None:
        if self.own_engine:
            self.engine.dispose()


# --- the writer process ---------------------------------------------------------------------------
# One writer process serves every crawl of the crawl process that writes to the same database with the
# same rules (``crawl --all`` runs them all in one process): the rules engine is loaded once, and each
# crawl run has its own BatchWriter (its run id, spool file names and pack version) on one shared database
# engine.

_url: str | None = None
_rules: tuple[str | None, float | None] | None = None
_rules_engine: Any = None
_engine: Any = None
_writers: dict[int, BatchWriter] = {}


def start_in_process(url: str, rules: tuple[str | None, float | None] | None) -> None:
    """Initializer of the writer process: its database engine, and the rules engine if it judges."""
    global _url, _rules, _rules_engine, _engine
    _url, _rules = url, rules
    _engine = make_engine(url)
    if rules is not None:
        _rules_engine = load_engine(rules[0], threshold=rules[1])


def write_in_process(
    run: tuple[int, str, str], batch: list[bytes], pack_hash: str | None, rule_count: int
) -> BatchResult:
    """Write one batch of the crawl run ``run`` (run id, spool directory, spider name)."""
    assert _url is not None, "writer process not initialised"
    run_id, spool_dir, spider_name = run
    writer = _writers.get(run_id)
    if writer is None:
        writer = _writers[run_id] = BatchWriter(
            _url, run_id=run_id, spool_dir=spool_dir, spider_name=spider_name, rules=_rules, engine=_engine
        )
        writer.rules_engine = _rules_engine
    return writer.write_batch(batch, pack_hash, rule_count)


def finish_in_process(run_id: int) -> int:
    """Forget a finished crawl run's writer; returns the number of runs the process still writes for."""
    _writers.pop(run_id, None)
    return len(_writers)
