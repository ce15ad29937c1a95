"""Generic web-shop page object on saved pages (marketplaces.md §8), crawl time pinned.

Each ``webshop_pages/NAME.html`` has ``NAME.json`` next to it: the URL it was saved from and the
expected output (``listing``; for shop pages ``links`` too). A parsing bug is fixed by first adding the
page that broke it. After a deliberate change, rewrite the expectations with
``python -m tests.crawler.pages.test_webshop --bless`` and read the diff before committing.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from crawler.items import Listing
from crawler.normalize import normalize_location
from crawler.pages import PageError, webshop

PAGES = Path(__file__).parent / "webshop_pages"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
NAMES = sorted(p.stem for p in PAGES.glob("*.html"))


def expected(name: str) -> dict[str, Any]:
    return json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def extract(name: str, url: str) -> dict[str, Any]:
    body = (PAGES / f"{name}.html").read_bytes()
    listing = webshop.parse_product(body, url=url, crawled_at=CRAWLED_AT)
    result: dict[str, Any] = {"url": url, "listing": json.loads(json.dumps(listing, default=str))}
    if listing is None:
        result["links"] = asdict(webshop.shop_links(webshop.read_page(body, url=url), url))
    return result


@pytest.mark.parametrize("name", NAMES)
def test_saved_page(name: str) -> None:
    want = expected(name)
    assert extract(name, want["url"]) == want


@pytest.mark.parametrize("name", [n for n in NAMES if expected(n).get("listing")])
def test_saved_page_is_a_valid_listing_with_a_known_province(name: str) -> None:
    fields = webshop.parse_product(
        (PAGES / f"{name}.html").read_bytes(), url=expected(name)["url"], crawled_at=CRAWLED_AT
    )
    listing = Listing.model_validate(fields)
    assert listing.price and listing.currency == "VND"
    if listing.shop_location:
        assert normalize_location(listing.shop_location).province, listing.shop_location


@pytest.mark.parametrize(
    ("name", "platform", "layers"),
    [
        ("haravan_product", "haravan", ["opengraph", "blob", "page"]),
        ("sapo_product", "sapo", ["microdata", "opengraph", "blob", "page"]),
        ("woocommerce_product", "woocommerce", ["json-ld", "blob", "page"]),
        ("shopify_product", "shopify", ["json-ld", "opengraph", "blob", "page"]),
        ("nextjs_product", "nextjs", ["blob", "page"]),
        ("no_markup", None, ["page"]),
    ],
)
def test_platforms_work_without_site_code(name: str, platform: str | None, layers: list[str]) -> None:
    listing = expected(name)["listing"]
    assert listing["attributes"].get("platform") == platform
    assert listing["raw"]["extracted_from"] == layers


def test_truncated_page_is_partial_until_accepted() -> None:
    body = (PAGES / "haravan_product.html").read_bytes()
    cut = body[: len(body) // 2]
    url = expected("haravan_product")["url"]
    with pytest.raises(webshop.PartialPage):
        webshop.parse_product(cut, url=url, crawled_at=CRAWLED_AT)
    salvaged = webshop.parse_product(cut, url=url, crawled_at=CRAWLED_AT, allow_partial=True)
    assert salvaged is not None and salvaged["price"] == 1250000


@pytest.mark.parametrize("body", [b"", b'{"not": "html"}', b"\x89PNG\r\n\x1a\n...."])
def test_not_html_is_a_page_error(body: bytes) -> None:
    with pytest.raises(PageError):
        webshop.parse_product(body, url="https://shop.vn/products/x", crawled_at=CRAWLED_AT)


def test_encoding_comes_from_the_page_meta_charset() -> None:
    """windows-1258 (old Vietnamese sites) writes tones as combining marks: decoded, then NFC."""
    html = '<html><head><meta charset="windows-1258"><meta property="og:type" content="product">'
    html += '<meta property="og:title" content="Giày da bò"><meta property="product:price:amount" content="500000">'
    html += "</head><body></body></html>"
    body = unicodedata.normalize("NFD", html).encode("cp1258")
    listing = webshop.parse_product(body, url="https://shop.vn/p/1", crawled_at=CRAWLED_AT)
    assert listing is not None and listing["title"] == "Giày da bò" and listing["price"] == 500000


@pytest.mark.parametrize(
    ("url", "canonical", "external_id", "clean"),
    [
        ("https://www.Shop.vn/products/a?utm_source=fb#top", "", "shop.vn/products/a", "https://www.Shop.vn/products/a"),
        ("https://shop.vn/x?variant=1", "https://shop.vn/products/x", "shop.vn/products/x", "https://shop.vn/products/x"),
        ("https://shop.vn/p", "https://other.vn/products/x", "shop.vn/p", "https://shop.vn/p"),
        ("http://127.0.0.1:8123/san-pham/a/", "", "127.0.0.1:8123/san-pham/a", "http://127.0.0.1:8123/san-pham/a/"),
        ("https://shop.vn/index.php?route=product&product_id=42&utm_medium=x", "", "shop.vn/index.php?route=product&product_id=42",
         "https://shop.vn/index.php?route=product&product_id=42"),
    ],
)  # fmt: skip
def test_listing_id_and_url(url: str, canonical: str, external_id: str, clean: str) -> None:
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    html = (
        f"<html><head>{head}<meta property='og:type' content='product'><meta property='og:title' content='A'>"
    )
    html += "<meta property='og:price:amount' content='100000'></head><body></body></html>"
    listing = webshop.parse_product(html, url=url, crawled_at=CRAWLED_AT)
    assert listing is not None
    assert (listing["external_id"], listing["url"]) == (external_id, clean)


def test_very_long_paths_are_hashed_into_the_id_column() -> None:
    url = "https://shop.vn/san-pham/" + "rat-dai-" * 30
    html = "<html><head><meta property='og:type' content='product'><meta property='og:title' content='A'>"
    html += "<meta property='og:price:amount' content='100000'></head><body></body></html>"
    listing = webshop.parse_product(html, url=url, crawled_at=CRAWLED_AT)
    assert listing is not None and len(listing["external_id"]) <= 128
    assert listing["external_id"].startswith("shop.vn/#") and listing["url"] == url


def bless() -> None:
    for name in NAMES:
        path = PAGES / f"{name}.json"
        url = json.loads(path.read_text(encoding="utf-8"))["url"]
        path.write_text(json.dumps(extract(name, url), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path}")  # noqa: T201 - a developer tool


if __name__ == "__main__" and "--bless" in sys.argv:
    bless()
