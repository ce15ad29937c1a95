"""Sitemaps and robots.txt of a web shop: which URLs are products, which child sitemaps to follow.

Platforms name their product sitemaps: Shopify and Haravan ``sitemap_products_1.xml``, Sapo
``sitemap_products.xml``, WooCommerce with Yoast or Rank Math ``product-sitemap.xml``. URLs listed in a
product sitemap are products whatever their path (Sapo puts products at ``/{handle}``); elsewhere only
product-like paths count (``/products/``, ``/san-pham/``, ``/product/``, ``-p123.html``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

from crawler.pages import PageError
from crawler.pages.heuristics import is_product_url

_PRODUCT_SITEMAP = re.compile(r"product|san-?pham", re.I)
_OTHER_SITEMAP = re.compile(
    r"post|page|blog|article|news|tin-?tuc|categor|collection|tag|author|image|video", re.I
)
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.I | re.M)
MAX_SITEMAP_BYTES = 50 * 1024 * 1024


@dataclass(slots=True)
class SitemapPage:
    kind: str  # "sitemapindex" or "urlset"
    sitemaps: list[str] = field(default_factory=list)  # child sitemaps worth following
    products: list[str] = field(default_factory=list)  # product page URLs
    skipped: int = 0  # URLs or child sitemaps that do not look like products


def parse_sitemap(body: bytes, *, url: str) -> SitemapPage:
    """A sitemap index or URL set (gzip allowed); raises :class:`PageError` for anything else."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_BYTES)
        except (OSError, EOFError, ValueError) as error:
            raise PageError(f"sitemap {url}: bad gzip body ({error})") from None
    head = body.lstrip()[:512].lower()
    if not head.startswith(b"<") or b"<html" in head:
        raise PageError(f"sitemap {url}: not an XML sitemap")
    try:
        sitemap = Sitemap(body)
    except Exception as error:  # lxml raises several kinds for a body it cannot recover
        raise PageError(f"sitemap {url}: unreadable XML ({error})") from None
    kind = sitemap.type or ""
    locs = [urljoin(url, entry["loc"].strip()) for entry in sitemap if entry.get("loc")]
    if kind == "sitemapindex":
        wanted = [loc for loc in locs if _PRODUCT_SITEMAP.search(urlsplit(loc).path)]
        if not wanted:
            wanted = [loc for loc in locs if not _OTHER_SITEMAP.search(urlsplit(loc).path)]
        return SitemapPage(kind, sitemaps=wanted, skipped=len(locs) - len(wanted))
    if kind != "urlset":
        raise PageError(f"sitemap {url}: root element is {kind or 'missing'}, not urlset or sitemapindex")
    every = bool(_PRODUCT_SITEMAP.search(urlsplit(url).path))
    products = [loc for loc in locs if every or is_product_url(loc)]
    return SitemapPage(kind, products=products, skipped=len(locs) - len(products))


def robots_sitemaps(body: str, *, url: str) -> list[str]:
    """``Sitemap:`` lines of a robots.txt, absolute."""
    return [urljoin(url, found) for found in _SITEMAP_LINE.findall(body)]
