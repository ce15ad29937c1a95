"""The flag workflow: ``new → in_review → confirmed | dismissed | escalated``.

Every status change is a ``review`` row and an ``audit_log`` row, written in the caller's unit of
work. A change is applied only if the flag still has the status it was read with, so two inspectors
deciding the same flag at once cannot both win.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from storage import review_repo
from storage.audit_repo import Actor
from storage.models import Flag
from storage.models_review import AppUser

logger = logging.getLogger(__name__)

# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "claim": (("new",), "in_review"),
    "assign": (("new", "in_review"), "in_review"),
    "confirm": (("new", "in_review", "escalated"), "confirmed"),
    "dismiss": (("new", "in_review", "escalated"), "dismissed"),
    "escalate": (("new", "in_review"), "escalated"),
}


class DecisionError(Exception):
    """The decision cannot be applied: ``kind`` is not_found, bad_transition or conflict."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Decision:
    action: str
    category: str | None = None
    legal_basis: str | None = None
    reason: str | None = None
    note: str | None = None
    assignee: AppUser | None = None


def _step(
    session: Session,
    flag: Flag,
    user: Actor,
    action: str,
    to_status: str,
    decision: Decision,
    ip: str | None,
) -> None:
    from_status = flag.status
    if not review_repo.move_flag(session, flag.id, from_status=from_status, to_status=to_status):
        raise DecisionError("conflict")
    assignee = decision.assignee or (user if action == "claim" else None)
    review_repo.add_review(
        session, flag_id=flag.id, user_id=user.id, action=action, from_status=from_status, to_status=to_status,
        category=decision.category, legal_basis=decision.legal_basis, reason=decision.reason,
        note=decision.note, assignee_id=assignee.id if assignee else None,
    )  # fmt: skip
    after: dict[str, Any] = {"status": to_status}
    for name in ("category", "legal_basis", "reason", "note"):
        if getattr(decision, name):
            after[name] = getattr(decision, name)
    if assignee:
        after["assignee"] = assignee.username
    review_repo.audit(
        session, f"flag_{action}", user=user, object_type="flag", object_id=flag.id,
        before={"status": from_status}, after=after, ip=ip,
    )  # fmt: skip
    set_committed_value(flag, "status", to_status)  # already written by move_flag
    logger.info(
        "flag %s (rule %s): %s -> %s by %s", flag.id, flag.rule_id, from_status, to_status, user.username
    )


def decide(session: Session, flag_id: int, user: Actor, decision: Decision, *, ip: str | None) -> Flag:
    """Apply ``decision`` to a flag; a final decision on a ``new`` flag first records the claim."""
    flag = session.get(Flag, flag_id)
    if flag is None:
        raise DecisionError("not_found")
    allowed_from, to_status = TRANSITIONS[decision.action]
    if flag.status not in allowed_from:
        raise DecisionError("bad_transition")
    if flag.status == "new" and decision.action in ("confirm", "dismiss", "escalate"):
        _step(session, flag, user, "claim", "in_review", Decision("claim"), ip)
    _step(session, flag, user, decision.action, to_status, decision, ip)
    return flag
