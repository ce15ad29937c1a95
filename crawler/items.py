"""Items: what a spider produces once its page object has extracted a page.

Spiders yield plain dicts (the page object's output); the validate pipeline turns them into
:class:`Listing` models here, so every later stage works with typed, checked values.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator


class Seller(BaseModel):
    """A shop or seller account on one source."""

    model_config = ConfigDict(extra="forbid")

    source: str
    external_id: str = Field(min_length=1, max_length=128)
    name: str | None = None
    url: str | None = None
    location: str | None = None
    is_official: bool | None = None

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Listing(BaseModel):
    """One product listing as seen on one crawl. Prices are integer VND."""

    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    source: str = Field(min_length=1, max_length=32)
    external_id: str = Field(min_length=1, max_length=128)
    url: str = Field(min_length=1, max_length=2048)
    title: str = Field(min_length=1, max_length=2000)
    description: str = ""
    price: int | None = Field(default=None, ge=0)
    original_price: int | None = Field(default=None, ge=0)
    currency: str = "VND"
    category_path: str = ""
    brand: str | None = None
    seller: Seller | None = None
    shop_name: str | None = None
    shop_location: str | None = None
    province: str | None = None
    province_legacy: str | None = None
    is_abroad: bool = False
    is_official_shop: bool | None = None
    sold_count: int | None = Field(default=None, ge=0)
    rating: float | None = Field(default=None, ge=0, le=5)
    images: list[str] = Field(default_factory=list)
    attributes: dict[str, str] = Field(default_factory=dict)
    # phones (+84…), zalo, links found in the title, description, shop name or page (for seller linking)
    contacts: dict[str, list[str]] = Field(default_factory=dict)
    crawled_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    raw_ref: str | None = None
    raw: dict[str, Any] | None = None

    # Set by the rules pipeline: the engine's Assessment of this listing (not serialised).
    _assessment: Any = PrivateAttr(default=None)

    @property
    def assessment(self) -> Any:
        return self._assessment

    @assessment.setter
    def assessment(self, value: Any) -> None:
        self._assessment = value

    @field_validator("external_id", mode="before")
    @classmethod
    def _id_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value

    @field_validator("title", mode="before")
    @classmethod
    def _title_not_blank(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("title is blank")
        return value

    @field_validator("price", "original_price", "sold_count", mode="before")
    @classmethod
    def _strict_number(cls, value: Any) -> Any:
        # A price must arrive as a number; strings such as "liên hệ" or "1.200.000đ" are a
        # page-object bug or a layout change and must not be silently coerced.
        if isinstance(value, str):
            raise ValueError(f"expected a number, got the string {value[:40]!r}")
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"expected a whole number of VND, got {value}")
            return int(value)
        return value

    @property
    def key(self) -> tuple[str, str]:
        return (self.source, self.external_id)
