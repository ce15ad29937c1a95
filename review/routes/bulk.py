"""Bulk actions on the queue: claim, dismiss (with a reason) or escalate several flags at once.

Each flag goes through the same workflow as a single decision (a review row and an audit row each,
applied only if the flag still has the status it was read with); flags someone else moved meanwhile
are reported back, not overwritten.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from review.accounts import Current
from review.decisions import Decision, DecisionError, decide
from review.security import client_ip, get_db, require
from review.templating import DISMISS_REASONS, render

router = APIRouter()
MAX_FLAGS = 200


@router.post("/flags/bulk")
def bulk_action(
    request: Request,
    db: Annotated[Session, Depends(get_db)],
    current: Annotated[Current, Depends(require("inspector"))],
    action: Annotated[Literal["claim", "dismiss", "escalate"], Form()],
    flag_id: Annotated[list[int], Form(max_length=MAX_FLAGS)],
    reason: Annotated[str, Form(max_length=32)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    note = note.strip()
    problem = None
    if action == "dismiss" and reason not in DISMISS_REASONS:
        problem = "reason"
    elif action == "dismiss" and reason == "other" and not note:
        problem = "note"
    elif action == "escalate" and len(note) < 3:
        problem = "note"
    if problem:
        return render(request, "error.html", {"message_key": "bad_form", "detail": problem}, status_code=422)
    decision = Decision(action, reason=reason or None if action == "dismiss" else None, note=note or None)
    outcomes: list[tuple[int, str]] = []
    for one in dict.fromkeys(flag_id):  # once each, in the order given
        try:
            decide(db, one, current.user, decision, ip=client_ip(request))
            outcomes.append((one, "decided"))
        except DecisionError as error:  # nothing was written for this flag
            outcomes.append((one, error.kind))
    db.commit()
    done = sum(1 for _, kind in outcomes if kind == "decided")
    return render(request, "bulk_result.html", {"action": action, "outcomes": outcomes, "done": done})
