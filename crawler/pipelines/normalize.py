"""Normalise text, location and seller fields of a listing (pure functions in crawler.normalize)."""

from __future__ import annotations

from typing import Any

from crawler.contacts import extract_contacts, merge_contacts
from crawler.items import Listing
from crawler.normalize import clean_text, normalize_location


def normalize_listing(listing: Listing) -> Listing:
    location = normalize_location(
        listing.shop_location or (listing.seller.location if listing.seller else None)
    )
    seller = listing.seller
    if seller is not None:
        seller = seller.model_copy(update={"name": clean_text(seller.name) or None})
    title = clean_text(listing.title)
    description = clean_text(listing.description, multiline=True)
    shop_name = clean_text(listing.shop_name) or (seller.name if seller else None)
    found = extract_contacts("\n".join(part for part in (title, description, shop_name) if part))
    return listing.model_copy(
        update={
            "title": title,
            "description": description,
            "contacts": merge_contacts(listing.contacts, found),
            "category_path": clean_text(listing.category_path),
            "brand": clean_text(listing.brand) or None,
            "shop_name": shop_name,
            "shop_location": location.written,
            "province": location.province,
            "province_legacy": location.province_legacy,
            "is_abroad": listing.is_abroad or location.is_abroad,
            "attributes": {
                clean_text(k): value for k, v in listing.attributes.items() if (value := clean_text(v))
            },
            "seller": seller,
        }
    )


class NormalizePipeline:
    def __init__(self, stats: Any) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        return cls(crawler.stats)

    def process_item(self, item: Listing) -> Listing:
        listing = normalize_listing(item)
        if listing.title != item.title or listing.description != item.description:
            self.stats.inc_value("ecomwatch/items/text_normalised")
        if listing.shop_location and not listing.province and not listing.is_abroad:
            self.stats.inc_value("ecomwatch/items/location_unknown")
        return listing
