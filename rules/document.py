"""What the engine evaluates: a :class:`Document` built from a Listing, a dict or a JSONL record.

The engine reads only these fields, so the crawl pipeline (``crawler.items.Listing``), labelled
JSONL records (see ``docs/rules.md``) and ad-hoc dicts from the CLI all evaluate the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

# Text fields the rules can read, in the order they are joined for matching.
TEXT_FIELDS = ("title", "description", "shop_name", "category_path", "attributes")
_ABROAD_WORDS = ("nước ngoài", "nuoc ngoai", "quốc tế", "quoc te", "overseas", "abroad", "oversea")


class Document:
    """The fields of one listing that rules look at. Construct with :func:`to_document`."""

    __slots__ = (
        "title", "description", "shop_name", "category_path", "attributes", "price", "brand",
        "shop_location", "is_abroad", "is_official_shop", "crawled_at", "ref",
    )  # fmt: skip

    def __init__(
        self,
        title: str = "",
        description: str = "",
        *,
        shop_name: str = "",
        category_path: str = "",
        attributes: Mapping[str, str] | None = None,
        price: int | None = None,
        brand: str | None = None,
        shop_location: str = "",
        is_abroad: bool | None = None,
        is_official_shop: bool | None = None,
        crawled_at: date | None = None,
        ref: str = "",
    ) -> None:
        self.title = title or ""
        self.description = description or ""
        self.shop_name = shop_name or ""
        self.category_path = category_path or ""
        self.attributes: dict[str, str] = dict(attributes) if attributes else {}
        if brand and not any(k.lower() in ("brand", "thương hiệu") for k in self.attributes):
            self.attributes["brand"] = brand
        self.price = price
        self.brand = brand
        self.shop_location = shop_location or ""
        if is_abroad is None:
            loc = self.shop_location.lower()
            is_abroad = bool(loc) and any(w in loc for w in _ABROAD_WORDS)
        self.is_abroad = bool(is_abroad)
        self.is_official_shop = is_official_shop
        self.crawled_at = crawled_at or datetime.now(UTC).date()
        self.ref = ref

    def __repr__(self) -> str:
        return f"Document(ref={self.ref!r}, title={self.title[:60]!r}, price={self.price})"


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return _parse_date(str(value).strip())


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> date:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(text[:10])


def _as_price(value: Any) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return int(digits) if digits else None


def _text(value: Any) -> str:
    return value if type(value) is str else str(value or "")


def from_mapping(record: Mapping[str, Any]) -> Document:
    """A Document from a dict or labelled JSONL record (unknown keys are ignored)."""
    attrs = record.get("attributes")
    if attrs and not isinstance(attrs, Mapping):
        raise TypeError(f"attributes must be an object, got {type(attrs).__name__}")
    get = record.get
    return Document(
        _text(get("title")),
        _text(get("description")),
        shop_name=_text(get("shop_name")),
        category_path=_text(get("category_path") or get("category")),
        attributes={str(k): str(v) for k, v in attrs.items() if v is not None} if attrs else None,
        price=_as_price(get("price")),
        brand=get("brand") or None,
        shop_location=_text(get("shop_location")),
        is_abroad=get("is_abroad"),
        is_official_shop=get("is_official_shop"),
        crawled_at=_as_date(get("crawled_at")),
        ref=_text(get("id") or get("external_id")),
    )


def to_document(obj: Any) -> Document:
    """Accept a Document, a ``Listing`` (or any object with its attributes), a dict, or a string title."""
    if type(obj) is dict:  # the common case first: isinstance against the Mapping ABC is slow
        return from_mapping(obj)
    if isinstance(obj, Document):
        return obj
    if isinstance(obj, str):
        return Document(obj)
    if isinstance(obj, Mapping):
        return from_mapping(obj)
    if hasattr(obj, "title"):
        return Document(
            obj.title,
            getattr(obj, "description", "") or "",
            shop_name=getattr(obj, "shop_name", None) or "",
            category_path=getattr(obj, "category_path", "") or "",
            attributes=getattr(obj, "attributes", None),
            price=getattr(obj, "price", None),
            brand=getattr(obj, "brand", None),
            shop_location=getattr(obj, "shop_location", None) or getattr(obj, "province", None) or "",
            is_abroad=getattr(obj, "is_abroad", None) or None,  # False: also look at the location
            is_official_shop=getattr(obj, "is_official_shop", None),
            crawled_at=_as_date(getattr(obj, "crawled_at", None)),
            ref=":".join(str(getattr(obj, k, "")) for k in ("source", "external_id")),
        )
    raise TypeError(f"cannot evaluate a {type(obj).__name__}: pass a Listing, a dict or a Document")
