"""Cases: inspectors gather listings (and their seller) into a case file, move it open → submitted →
closed and export it (XLSX, or a ZIP case file). Inspectors and admins edit and export; analysts read.

Every change and every export writes an audit row with the values before and after.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from review.accounts import Current
from review.case_export import ZIP_MEDIA_TYPE, case_workbook, case_zip, entry_snippets
from review.exports import MEDIA_TYPES
from review.security import client_ip, get_db, require
from review.templating import language, render
from storage import cases_repo, review_repo
from storage.cases_repo import CASE_TRANSITIONS
from storage.models import Listing, Seller, utcnow
from storage.models_review import CASE_STATUSES, Case

router = APIRouter()
READERS = ("inspector", "analyst", "admin")
EDITORS = ("inspector", "admin")
MAX_ITEMS = 200
MESSAGES = ("created", "added", "removed", "updated", "moved", "nothing_added")

Db = Annotated[Session, Depends(get_db)]
Reader = Annotated[Current, Depends(require(*READERS))]
Editor = Annotated[Current, Depends(require(*EDITORS))]
Title = Annotated[str, Form(max_length=300)]
LegalBasis = Annotated[str, Form(max_length=500)]
Note = Annotated[str, Form(max_length=4000)]


def _error(request: Request, key: str, status: int, detail: str | None = None) -> Response:
    context: dict[str, Any] = {"message_key": key}
    if detail is not None:
        context["detail"] = detail
    return render(request, "error.html", context, status_code=status)


def _case_or_404(db: Session, case_id: int) -> Case:
    case = db.get(Case, case_id)
    if case is None:
        raise HTTPException(status_code=404)
    return case


def _fields(case: Case) -> dict[str, Any]:
    return {
        "title": case.title,
        "seller_id": case.seller_id,
        "legal_basis": case.legal_basis,
        "note": case.note,
    }


def _ids(values: list[str]) -> list[int] | None:
    """Ids from repeated form fields, blanks skipped; None if one is not a number."""
    ids = [v.strip() for v in values if v.strip()]
    return [int(v) for v in ids] if all(v.isdigit() and len(v) < 19 for v in ids) else None


def _to_case(case_id: int, msg: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}?msg={msg}", status_code=303)


@router.get("/cases")
def cases_page(request: Request, db: Db, current: Reader, status: str = "") -> Response:
    statuses = (status,) if status in CASE_STATUSES else None
    return render(
        request,
        "cases.html",
        {
            "cases": cases_repo.recent_cases(db, statuses),
            "status": status if statuses else "",
            "can_edit": current.user.role in EDITORS,
        },
    )


@router.post("/cases")
def create_case(
    request: Request,
    db: Db,
    current: Editor,
    title: Title,
    legal_basis: LegalBasis = "",
    note: Note = "",
    listing_id: Annotated[int | None, Form()] = None,
    flag_id: Annotated[int | None, Form()] = None,
    with_seller: Annotated[Literal["", "1"], Form()] = "",
    seller_id: Annotated[int | None, Form()] = None,
) -> Response:
    """A case from a listing (optionally with its seller), or from a seller page with the seller's confirmed
    violations as its first listings."""
    if not title.strip():
        return _error(request, "bad_form", 422, "title")
    if seller_id is not None and (listing_id is not None or db.get(Seller, seller_id) is None):
        return _error(request, "bad_form", 422, "seller_id")
    listing = db.get(Listing, listing_id) if listing_id is not None else None
    if listing_id is not None and listing is None:
        return _error(request, "bad_form", 422, "listing_id")
    if flag_id is not None and cases_repo.listing_ids_of_flags(db, [flag_id]).get(flag_id) != listing_id:
        return _error(request, "bad_form", 422, "flag_id")
    if listing is not None and with_seller == "1":
        seller_id = listing.seller_id
    case = cases_repo.create_case(
        db, title=title.strip(), user_id=current.user.id, seller_id=seller_id,
        legal_basis=legal_basis.strip() or None, note=note.strip() or None,
    )  # fmt: skip
    ip = client_ip(request)
    review_repo.audit(
        db, "case_create", user=current.user, object_type="case", object_id=case.id,
        after=_fields(case) | {"status": case.status}, ip=ip,
    )  # fmt: skip
    if listing is not None:
        cases_repo.add_case_items(db, case.id, [(listing.id, flag_id)], user_id=current.user.id)
        review_repo.audit(
            db, "case_item_add", user=current.user, object_type="case", object_id=case.id,
            before={"listings": []}, after={"listings": [listing.id], "flags": [flag_id] if flag_id else []},
            ip=ip,
        )  # fmt: skip
    elif seller_id is not None:
        confirmed = cases_repo.confirmed_listings_of_seller(db, seller_id, limit=MAX_ITEMS)
        if confirmed:
            cases_repo.add_case_items(db, case.id, confirmed, user_id=current.user.id)
            review_repo.audit(
                db, "case_item_add", user=current.user, object_type="case", object_id=case.id,
                before={"listings": []},
                after={"listings": [i for i, _ in confirmed], "flags": [f for _, f in confirmed]}, ip=ip,
            )  # fmt: skip
    db.commit()
    return _to_case(case.id, "created")


@router.get("/cases/picker")
def case_picker(request: Request, db: Db, current: Editor) -> Response:
    """The queue's "add the selected flags to a case" control (loaded into the bulk form)."""
    return render(request, "_case_picker.html", {"cases": cases_repo.recent_cases(db, ("open",))})


@router.post("/cases/items")
def add_items(
    request: Request,
    db: Db,
    current: Editor,
    case_id: Annotated[int, Form()],
    listing_ids: Annotated[list[str], Form(alias="listing_id", max_length=MAX_ITEMS)] = [],  # noqa: B006
    flag_ids: Annotated[list[str], Form(alias="flag_id", max_length=MAX_ITEMS)] = [],  # noqa: B006
) -> Response:
    """Add listings (from the listing page) or flagged listings (from the queue's bulk form) to a case.

    An empty ``flag_id`` (the listing page's "no particular flag") is ignored.
    """
    listing_id, flag_id = _ids(listing_ids), _ids(flag_ids)
    if listing_id is None or flag_id is None:
        return _error(request, "bad_form", 422, "listing_id" if listing_id is None else "flag_id")
    case = db.get(Case, case_id)
    if case is None:
        return _error(request, "bad_form", 422, "case_id")
    if case.status != "open":
        return _error(request, "case_not_open", 409)
    if not listing_id and not flag_id:
        return _error(request, "bad_form", 422, "flag_id")
    flag_listings = cases_repo.listing_ids_of_flags(db, flag_id)
    known = cases_repo.existing_listing_ids(db, listing_id)
    if len(flag_listings) != len(set(flag_id)) or len(known) != len(set(listing_id)):
        return _error(request, "not_found", 404)
    if len(listing_id) == 1 and len(flag_id) == 1 and flag_listings[flag_id[0]] != listing_id[0]:
        return _error(request, "bad_form", 422, "flag_id")  # the listing page's flag must be the listing's
    pairs: list[tuple[int, int | None]] = [(flag_listings[f], f) for f in dict.fromkeys(flag_id)]
    pairs += [(lid, None) for lid in dict.fromkeys(listing_id) if lid not in flag_listings.values()]
    before = cases_repo.case_listing_ids(db, case.id)
    try:
        added = cases_repo.add_case_items(db, case.id, pairs, user_id=current.user.id)
    except IntegrityError:  # a colleague added the same listing at this very moment
        db.rollback()
        return _error(request, "conflict", 409)
    if added:
        cases_repo.touch_case(db, case)
        review_repo.audit(
            db, "case_item_add", user=current.user, object_type="case", object_id=case.id,
            before={"listings": before}, after={"listings": before + added, "flags": list(dict.fromkeys(flag_id))},
            ip=client_ip(request),
        )  # fmt: skip
    db.commit()
    return _to_case(case.id, "added" if added else "nothing_added")


@router.get("/listings/{listing_id}/cases")
def listing_cases(request: Request, listing_id: int, db: Db, current: Reader) -> Response:
    """The listing page's cases box (loaded by HTMX): its cases, and for editors the add/create forms."""
    listing = db.get(Listing, listing_id)
    if listing is None:
        raise HTTPException(status_code=404)
    cases = cases_repo.cases_with_listing(db, listing_id)
    editor = current.user.role in EDITORS
    taken = {c.id for c in cases}
    return render(
        request,
        "_listing_cases.html",
        {
            "l": listing,
            "cases": cases,
            "can_edit": editor,
            "open_cases": [c for c in cases_repo.recent_cases(db, ("open",)) if c.id not in taken]
            if editor
            else [],
            "flags": cases_repo.listing_flags(db, listing_id) if editor else [],
        },
    )


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int, db: Db, current: Reader, msg: str = "") -> Response:
    dossier = cases_repo.case_dossier(db, case_id)
    if dossier is None:
        raise HTTPException(status_code=404)
    sellers = {e.seller.id: e.seller for e in dossier.entries if e.seller is not None}
    if dossier.seller is not None:
        sellers.setdefault(dossier.seller.id, dossier.seller)
    return render(
        request,
        "case.html",
        {
            "d": dossier,
            "c": dossier.case,
            "snippets": entry_snippets,
            "can_edit": current.user.role in EDITORS,
            "transitions": CASE_TRANSITIONS[dossier.case.status],
            "sellers": sorted(sellers.values(), key=lambda s: (s.name or "", s.id)),
            "message": msg if msg in MESSAGES else None,
        },
    )


@router.post("/cases/{case_id}/edit")
def edit_case(
    request: Request,
    case_id: int,
    db: Db,
    current: Editor,
    title: Title,
    legal_basis: LegalBasis = "",
    note: Note = "",
    seller_id: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    dossier = cases_repo.case_dossier(db, case_id)
    if dossier is None:
        raise HTTPException(status_code=404)
    case = dossier.case
    if case.status == "closed":
        return _error(request, "case_not_open", 409)
    if not title.strip():
        return _error(request, "bad_form", 422, "title")
    allowed = {e.seller.id for e in dossier.entries if e.seller is not None} | {case.seller_id}
    new_seller = int(seller_id) if seller_id.isdigit() else None
    if seller_id and new_seller not in allowed:
        return _error(request, "bad_form", 422, "seller_id")
    before = _fields(case)
    case.title, case.legal_basis, case.note = title.strip(), legal_basis.strip() or None, note.strip() or None
    case.seller_id = new_seller
    after = _fields(case)
    changed = [k for k in after if after[k] != before[k]]
    if changed:
        cases_repo.touch_case(db, case)
        review_repo.audit(
            db, "case_update", user=current.user, object_type="case", object_id=case.id,
            before={k: before[k] for k in changed}, after={k: after[k] for k in changed},
            ip=client_ip(request),
        )  # fmt: skip
    db.commit()
    return _to_case(case.id, "updated")


@router.post("/cases/{case_id}/status")
def move_case(
    request: Request,
    case_id: int,
    db: Db,
    current: Editor,
    to: Annotated[Literal[CASE_STATUSES], Form()],  # type: ignore[valid-type]
) -> Response:
    case = _case_or_404(db, case_id)
    from_status = case.status
    if to not in CASE_TRANSITIONS[from_status]:
        return _error(request, "bad_transition", 409)
    if not cases_repo.move_case(db, case.id, from_status=from_status, to_status=to):
        db.rollback()
        return _error(request, "conflict", 409)
    review_repo.audit(
        db, "case_status", user=current.user, object_type="case", object_id=case.id,
        before={"status": from_status}, after={"status": to}, ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    return _to_case(case.id, "moved")


@router.post("/cases/{case_id}/items/{listing_id}/remove")
def remove_item(request: Request, case_id: int, listing_id: int, db: Db, current: Editor) -> Response:
    case = _case_or_404(db, case_id)
    if case.status != "open":
        return _error(request, "case_not_open", 409)
    before = cases_repo.case_listing_ids(db, case.id)
    if not cases_repo.remove_case_item(db, case.id, listing_id):
        raise HTTPException(status_code=404)
    cases_repo.touch_case(db, case)
    review_repo.audit(
        db, "case_item_remove", user=current.user, object_type="case", object_id=case.id,
        before={"listings": before}, after={"listings": [x for x in before if x != listing_id]},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    return _to_case(case.id, "removed")


@router.post("/cases/{case_id}/export")
def export_case(
    request: Request,
    case_id: int,
    db: Db,
    current: Editor,
    fmt: Annotated[Literal["xlsx", "zip"], Form()],
) -> Response:
    dossier = cases_repo.case_dossier(db, case_id)
    if dossier is None:
        raise HTTPException(status_code=404)
    now, who = utcnow(), current.user.username
    if fmt == "xlsx":
        content, media_type = case_workbook(dossier, exported_by=who, exported_at=now), MEDIA_TYPES["xlsx"]
    else:
        content = case_zip(dossier, lang=language(request), exported_by=who, exported_at=now)
        media_type = ZIP_MEDIA_TYPE
    review_repo.audit(
        db, "case_export", user=current.user, object_type="case", object_id=dossier.case.id,
        after={"format": fmt, "listings": len(dossier.entries), "status": dossier.case.status,
               "sha256": hashlib.sha256(content).hexdigest()},
        ip=client_ip(request),
    )  # fmt: skip
    db.commit()
    stamp = now.strftime("%Y%m%d-%H%M%S")
    return Response(
        content,
        media_type=media_type,
        headers={
            "content-disposition": f'attachment; filename="ecomwatch-case-{dossier.case.id}-{stamp}.{fmt}"'
        },
    )
