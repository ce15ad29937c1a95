"""Citizens' tips through the ``urls`` spider: which tips to crawl, which URLs are safe to fetch, and what
became of each tip once the crawl's listings are stored.

``ecomwatch crawl urls --tips`` (or ``-a tips=true``) reads the queued tips (:func:`load_queued_tips`), the
spider records each tip's outcome in a :class:`TipLedger`, and :class:`TipOutcomes` (an extension; it acts on
``spider_closed``, after the store pipeline has flushed) writes them: a tip whose listing was stored is marked
``crawled`` with the listing's id and gets a flag of rule ``tip`` (category ``tip``, the tipster's description
as evidence) so the listing enters the review queue even when no rule fires; a tip the spider gave up on
(404, blocked, unreadable, refused URL) is marked ``failed`` with the reason. A tip whose URL needs the
browser while it is off, or whose listing did not reach the database (spooled), stays ``queued`` for the
next run. Counted as ``ecomwatch/tips/{seen,crawled,failed,queued,skipped,pending}`` and
``ecomwatch/tips/failed/<kind>`` (:data:`FAILURE_KINDS`); the extension also adds these counts to the run's
``crawl_run.stats``, which the store pipeline wrote before ``spider_closed``.

A tip URL is attacker-controlled: :func:`tip_url_problem` allows only http(s), no credentials, a bounded
length, and — unless ``ECOMWATCH_TIPS_ALLOW_PRIVATE`` — no host that is or resolves to a loopback, private,
link-local or otherwise non-public address (checked again on every redirect the spider follows, and on
every request of a tips crawl — robots.txt and its redirects included — by :mod:`spiders.tip_guard`);
``ECOMWATCH_TIPS_TRUSTED_HOSTS`` lists ``host``/``host:port`` entries the operator allows anyway.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import NotConfigured

from storage import repositories as repo
from storage import review_repo, tip_crawl_repo
from storage.db import make_engine, make_session_factory, unit_of_work
from storage.models_review import TIP_RULE_ID

logger = logging.getLogger(__name__)

#: the flag a tipped listing gets, so it shows in the review queue even when no rule fires
TIP_CATEGORY = "tip"
TIP_SEVERITY = "medium"
TIP_SCORE = 0.5
#: the rule-pack version the tip flag is recorded under when the crawl ran no rules
TIP_PACK_HASH = "tip-queue"
_EVIDENCE_CHARS = 1000
_LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa", ".intranet")


@dataclass(frozen=True, slots=True)
class QueuedTip:
    id: int
    url: str
    description: str


def load_queued_tips(database_url: str, limit: int) -> list[QueuedTip]:
    """The oldest ``limit`` queued tips (plain values: no session outlives this call)."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            return [
                QueuedTip(t.id, t.url, t.description) for t in review_repo.queued_tips(session, limit=limit)
            ]
    finally:
        engine.dispose()


# --- is a tip URL safe to fetch? -------------------------------------------------------------------


def _non_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def _is_trusted(host: str, port: int | None, trusted: Collection[str]) -> bool:
    if not trusted:
        return False
    wanted = {entry.strip().lower().rstrip(".") for entry in trusted}
    return host in wanted or (port is not None and f"{host}:{port}" in wanted)


def tip_url_problem(url: str, *, allow_private: bool = False, max_length: int = 2048,
                    resolve: bool = True, trusted: Collection[str] = ()) -> str | None:  # fmt: skip
    """Why ``url`` must not be fetched for a tip, or None. ``resolve`` also checks what the host's name
    resolves to (blocking: call it from a thread). ``trusted``: ``host`` or ``host:port`` entries the
    operator allows even when private (``ECOMWATCH_TIPS_TRUSTED_HOSTS``)."""
    if len(url) > max_length:
        return f"URL longer than {max_length} characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"not a valid URL ({error})"
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    if parts.username or parts.password:
        return "URL carries credentials"
    host = parts.hostname.rstrip(".").lower()
    if allow_private or _is_trusted(host, port, trusted):
        return None
    if host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host and ":" not in host:
        return f"host {host} is a local name"
    try:
        if _non_public(host):
            return f"host {host} is not a public address"
        return None  # a public IP literal
    except ValueError:
        pass  # a name
    if not resolve:
        return None
    try:
        infos = socket.getaddrinfo(
            host, port or (443 if parts.scheme == "https" else 80), type=socket.SOCK_STREAM
        )
    except (OSError, UnicodeError) as error:
        return f"host {host} does not resolve ({error})"
    for *_, sockaddr in infos:
        if _non_public(str(sockaddr[0])):
            return f"host {host} resolves to a non-public address ({sockaddr[0]})"
    return None


# --- what became of each tip -----------------------------------------------------------------------


#: why a tip failed, as counted in ``ecomwatch/tips/failed/<kind>`` (the full reason is in the tip's audit)
FAILURE_KINDS = frozenset(
    {
        "refused",  # an unsafe URL or redirect (private host, not http(s), a seller page …)
        "unsupported",  # no page object reads that URL
        "gone",  # 404/410, or the marketplace says the listing does not exist
        "blocked",  # a block page (captcha, login wall) until the retries ran out
        "unreadable",  # a page that stayed malformed or truncated
        "not_product",  # a page without a product
        "invalid",  # the listing was read but refused by validation
        "error",  # the page could not be fetched (DNS, connection, timeout)
        "no_listing",  # nothing came of the URL, for no reason seen
    }
)


@dataclass(slots=True)
class TipLedger:
    """Outcomes the ``urls`` spider saw, per tip id; the first listing of a tip wins over any failure."""

    descriptions: dict[int, str] = field(default_factory=dict)
    listings: dict[int, tuple[str, str]] = field(default_factory=dict)  # tip id → (source, external id)
    failures: dict[int, str] = field(default_factory=dict)
    failure_kinds: dict[int, str] = field(default_factory=dict)  # tip id → one of FAILURE_KINDS
    skipped: dict[int, str] = field(default_factory=dict)

    def seeded(self, tip: QueuedTip) -> None:
        self.descriptions[tip.id] = tip.description

    def linked(self, tip_id: int, source: str, external_id: str) -> None:
        self.listings.setdefault(tip_id, (source, str(external_id)))

    def failed(self, tip_id: int, reason: str, kind: str = "error") -> None:
        if tip_id not in self.failures:
            self.failures[tip_id] = reason
            self.failure_kinds[tip_id] = kind if kind in FAILURE_KINDS else "error"

    def skip(self, tip_id: int, reason: str) -> None:
        self.skipped.setdefault(tip_id, reason)

    def open_tips(self) -> list[int]:
        """Seeded tips with no outcome at all."""
        done = self.listings.keys() | self.failures.keys() | self.skipped.keys()
        return sorted(set(self.descriptions) - done)


def tip_evidence(tip_id: int, description: str) -> dict[str, Any]:
    """The tipster's description, as the tip flag's evidence (the review UI shows field, text, matched)."""
    text = description.strip()[:_EVIDENCE_CHARS]
    return {"field": "tip", "start": 0, "end": len(text), "text": text, "matched": f"tip #{tip_id}"}


def tip_flags(evidence: dict[int, list[dict[str, Any]]]) -> list[repo.FlagRow]:
    """One ``tip`` flag per listing, with every tip's description that led to it."""
    return [
        repo.FlagRow(listing_id, TIP_RULE_ID, TIP_CATEGORY, TIP_SEVERITY, TIP_SCORE, items)
        for listing_id, items in sorted(evidence.items())
    ]


def _seed_of(response: Any) -> Any:
    meta = getattr(response, "meta", None) if response is not None else None
    try:
        return meta.get("seed") if meta is not None else None
    except AttributeError:  # a response without a request
        return None


class TipOutcomes:
    """Marks each tip the ``urls`` spider crawled as crawled (with its listing and a ``tip`` flag) or failed."""

    def __init__(self, stats: Any, ledger: TipLedger, *, database_url: str) -> None:
        self.stats = stats
        self.ledger = ledger
        self.database_url = database_url

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        ledger = getattr(crawler.spider, "tip_ledger", None)
        if ledger is None:
            raise NotConfigured("not a crawl of the tip queue")
        if not crawler.settings.getbool("ECOMWATCH_STORAGE_ENABLED"):
            raise NotConfigured("storage disabled: tips cannot be marked")
        outcomes = cls(crawler.stats, ledger, database_url=crawler.settings.get("ECOMWATCH_STORAGE_URL"))
        crawler.signals.connect(outcomes.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(outcomes.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(outcomes.spider_closed, signal=signals.spider_closed)
        return outcomes

    def item_scraped(self, item: Any, response: Any, spider: Any = None) -> None:
        seed = _seed_of(response)
        if seed is not None and seed.tip_id is not None:
            self.ledger.linked(seed.tip_id, item.source, item.external_id)

    def item_dropped(self, item: Any, response: Any, exception: BaseException, spider: Any = None) -> None:
        seed = _seed_of(response)
        if seed is not None and seed.tip_id is not None:
            self.ledger.failed(seed.tip_id, f"the listing was refused: {exception}", "invalid")

    def spider_closed(self, spider: Any, reason: str) -> None:
        ledger = self.ledger
        if reason == "finished":  # an interrupted crawl leaves its unfinished tips queued
            for tip_id in ledger.open_tips():
                ledger.failed(tip_id, "no listing came of the URL (see the crawl's log)", "no_listing")
        if not ledger.descriptions:
            return
        engine = make_engine(self.database_url)
        try:
            with unit_of_work(make_session_factory(engine)) as session:
                counts = self.mark_tips(session)
                self.record_in_run(session, counts)
        except Exception:  # the tips stay queued: the next run crawls them again
            counts = {"ecomwatch/tips/unrecorded": len(ledger.descriptions),
                      "ecomwatch/tips/queued": len(ledger.descriptions)}  # fmt: skip
            logger.exception(
                "could not record what became of %d tips; they stay queued", len(ledger.descriptions)
            )
            try:  # the run's stats still say so, if the database takes that much
                with unit_of_work(make_session_factory(engine)) as session:
                    self.record_in_run(session, counts)
            except Exception:
                logger.exception("could not record the tip counts in crawl run %s", self.run_id())
        finally:
            engine.dispose()
        for key, value in counts.items():
            self.stats.inc_value(key, value)

    def mark_tips(self, session: Any) -> dict[str, int]:
        """Mark every tip of the ledger crawled or failed; the per-run counts (``ecomwatch/tips/…``)."""
        ledger = self.ledger
        crawled = pending = settled = 0
        failed: dict[str, int] = {}
        ids = tip_crawl_repo.listing_ids(session, list(ledger.listings.values())) if ledger.listings else {}
        evidence: dict[int, list[dict[str, Any]]] = {}
        for tip_id, key in sorted(ledger.listings.items()):
            listing_id = ids.get(key)
            if listing_id is None:  # spooled, not stored: the tip is tried again next run
                pending += 1
                logger.warning("tip %s: listing %s:%s is not in the database; tip left queued", tip_id, *key)
                continue
            if review_repo.mark_tip_crawled(session, tip_id, listing_id):
                crawled += 1
                evidence.setdefault(listing_id, []).append(
                    tip_evidence(tip_id, ledger.descriptions.get(tip_id, ""))
                )
                logger.info("tip %s crawled: listing %s:%s (id %s)", tip_id, *key, listing_id)
            else:
                settled += 1  # no longer queued (an inspector closed it meanwhile)
        for tip_id, why in sorted(ledger.failures.items()):
            if tip_id in ledger.listings:
                continue
            if review_repo.mark_tip_failed(session, tip_id, why):
                kind = ledger.failure_kinds.get(tip_id, "error")
                failed[kind] = failed.get(kind, 0) + 1
                logger.warning("tip %s failed (%s): %s", tip_id, kind, why)
            else:
                settled += 1
        if evidence:  # a listing tipped before keeps its earlier tips' descriptions too
            earlier = tip_crawl_repo.flag_evidence(session, list(evidence), TIP_RULE_ID)
            merged = {k: [*earlier.get(k, []), *items] for k, items in evidence.items()}
            repo.upsert_flags(session, tip_flags(merged), rule_pack_version_id=self.pack_version_id(session))
        total_failed = sum(failed.values())
        counts = {
            "ecomwatch/tips/crawled": crawled,
            "ecomwatch/tips/failed": total_failed,
            "ecomwatch/tips/queued": len(ledger.descriptions) - crawled - total_failed - settled,
            **{f"ecomwatch/tips/failed/{kind}": n for kind, n in sorted(failed.items())},
        }
        if pending:
            counts["ecomwatch/tips/pending"] = pending
        return counts

    def run_id(self) -> int | None:
        return self.stats.get_value("ecomwatch/crawl_run_id")

    def record_in_run(self, session: Any, counts: dict[str, int]) -> None:
        """Add the tip counts to the crawl run's stats: the store pipeline wrote them before this ran
        (pipelines close before ``spider_closed``)."""
        run_id = self.run_id()
        mine = {k: v for k, v in self.stats.get_stats().items() if k.startswith("ecomwatch/tips/")}
        for key, value in counts.items():
            mine[key] = mine.get(key, 0) + value
        if run_id is None or not repo.merge_crawl_run_stats(session, run_id, mine):
            logger.warning("no crawl run to record the tip counts in")

    def pack_version_id(self, session: Any) -> int:
        pack_hash = self.stats.get_value("ecomwatch/rules/pack_hash")
        if pack_hash:
            return repo.rule_pack_version_id(
                session, pack_hash, self.stats.get_value("ecomwatch/rules/rule_count", 0)
            )
        return repo.rule_pack_version_id(session, TIP_PACK_HASH, 0)
