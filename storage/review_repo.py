"""Queries of the review UI, one module per page or concern; every name is re-exported here so
``from storage import review_repo`` keeps working:

* :mod:`storage.queue_repo` — the queue (filters, keyset cursor, rows)
* :mod:`storage.listing_view_repo` — a listing's dossier, decisions, assignees
* :mod:`storage.audit_repo` — flag transitions, reviews, the audit log
* :mod:`storage.tips_repo` — citizens' tips
* :mod:`storage.report_repo` — report figures, top sellers and rules, rule precision
* :mod:`storage.seller_repo` — a seller's profile and shared contacts

Like :mod:`storage.repositories`, nothing here commits: the request that calls it does.
"""

from __future__ import annotations

from storage.audit_repo import add_review, audit, audit_entries, latest_review_id, move_flag
from storage.listing_view_repo import (
    Decision,
    Dossier,
    _decisions,
    decisions_where,
    latest_assignee,
    latest_assignees,
    listing_dossier,
)
from storage.queue_repo import (
    OPEN_STATUSES,
    RARE_FLAGS,
    QueueCursor,
    QueueFilters,
    QueuePage,
    QueueRow,
    _from_tip,
    _queue_conditions,
    _rare_flag_ids,
    review_queue,
    source_names,
    status_in,
)
from storage.report_repo import (
    FINAL_STATUSES,
    FlagCount,
    RuleDecisions,
    RuleRecord,
    SellerRecord,
    _local_day,
    decision_counts,
    first_decision_delays,
    flag_counts,
    rule_decisions,
    top_rules,
    top_sellers,
)
from storage.seller_repo import (
    CONTACT_KINDS,
    SellerListing,
    SellerProfile,
    _contacts_text_contains,
    _seller_listings,
    seller_profile,
)
from storage.tips_repo import add_tip, mark_tip_crawled, mark_tip_failed, queued_tips, recent_tips, tips_since

__all__ = [
    "CONTACT_KINDS", "FINAL_STATUSES", "OPEN_STATUSES", "RARE_FLAGS", "Decision", "Dossier", "FlagCount",
    "QueueCursor", "QueueFilters", "QueuePage", "QueueRow", "RuleDecisions", "RuleRecord", "SellerListing",
    "SellerProfile", "SellerRecord", "_contacts_text_contains", "_decisions", "_from_tip", "_local_day",
    "_queue_conditions", "_rare_flag_ids", "_seller_listings", "add_review", "add_tip", "audit",
    "audit_entries", "decision_counts", "decisions_where", "first_decision_delays", "flag_counts",
    "latest_assignee", "latest_assignees", "latest_review_id", "listing_dossier", "mark_tip_crawled",
    "mark_tip_failed", "move_flag", "queued_tips", "recent_tips", "review_queue", "rule_decisions",
    "seller_profile", "source_names", "status_in", "tips_since", "top_rules", "top_sellers",
]  # fmt: skip
