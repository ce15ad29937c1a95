"""Crawl the local web-shop mirror end to end into the database (webshop and urls spiders), and the
``ecomwatch extract`` command on saved pages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.cli import app
from crawler.mirror import start_mirror
from storage.db import make_engine, make_session_factory
from storage.models import Listing, Seller, Source
from tests.spiders import webshop_mirror as shop
from tests.spiders.crawl_helpers import control, crawl, db_counts, mirror_ids

PAGES = Path(__file__).resolve().parents[1] / "crawler" / "pages" / "webshop_pages"


@pytest.fixture
def mirror() -> Iterator[str]:
    with shop.running_mirror() as url:
        yield url


def requested(mirror_url: str) -> list[str]:
    with urllib.request.urlopen(f"{mirror_url}/__requests", timeout=5) as response:
        return json.load(response)


def listing_id(mirror_url: str, path: str) -> str:
    return urlsplit(mirror_url).netloc + (path.rstrip("/") or "/")


def stored(db_url: str) -> dict[str, dict[str, object]]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(Listing.external_id, Source.name, Listing.title, Listing.price, Listing.province,
                   Listing.attributes, Seller.external_id, Listing.contacts)
            .join(Source, Listing.source_id == Source.id)
            .outerjoin(Seller, Listing.seller_id == Seller.id)
        ).all()  # fmt: skip
    engine.dispose()
    return {
        row[0]: {
            "source": row[1],
            "title": row[2],
            "price": row[3],
            "province": row[4],
            "attributes": row[5],
            "seller": row[6],
            "contacts": row[7],
        }  # fmt: skip
        for row in rows
    }


def test_sitemap_crawl_stores_products_obeys_robots_and_counts_bad_pages(mirror: str, db_url: str) -> None:
    [stats] = crawl(db_url, "webshop", "--base-url", mirror, "--arg", "sitemap=/sitemap.xml")
    listings = stored(db_url)
    expected = {listing_id(mirror, p) for p in [*shop.PRODUCTS, *shop.MORE_PRODUCTS, shop.TRUNCATED]}
    assert set(listings) == expected
    assert stats["item_scraped_count"] == shop.STORED_FROM_SITEMAP == len(listings)
    assert {row["source"] for row in listings.values()} == {"webshop"}
    assert {row["seller"] for row in listings.values()} == {urlsplit(mirror).netloc}
    # every platform's page gave a priced listing; locations were read from the pages
    assert all(row["price"] for row in listings.values())
    sapo = listings[listing_id(mirror, "/kem-tron-trang-da-collagen-x3-luxury-250g")]
    assert sapo["price"] == 350000 and sapo["province"] == "Hà Nội"
    assert sapo["contacts"]["phones"] == ["+84987654321"]
    # robots.txt: the disallowed product is in the sitemap but was never asked for
    assert shop.DISALLOWED not in requested(mirror)
    assert stats["robotstxt/forbidden"] == stats["ecomwatch/pages/robots_forbidden"] == 1
    # bad pages are counted, the crawl goes on
    assert stats["ecomwatch/pages/failed/500"] == 1
    assert stats["ecomwatch/pages/not_found"] == 1
    assert stats["ecomwatch/pages/not_product"] == 1
    assert stats["ecomwatch/pages/partial"] == 1 and stats["ecomwatch/pages/malformed_retries"] == 2
    assert listings[listing_id(mirror, shop.TRUNCATED)]["attributes"]["page_truncated"] == "true"
    assert stats["ecomwatch/sitemaps/read"] == 3  # the index and both product sitemaps; pages/blogs skipped
    # a 500 that never recovered and a truncated page make the run degraded, not failed
    assert db_counts(db_url)["runs"] == [("degraded", shop.STORED_FROM_SITEMAP)]


def test_recrawl_updates_without_duplicates(mirror: str, sqlite_url: str) -> None:
    args = ("webshop", "--base-url", mirror, "--arg", "sitemap=/sitemap.xml")
    crawl(sqlite_url, *args)
    first = db_counts(sqlite_url)
    [stats] = crawl(sqlite_url, *args)
    second = db_counts(sqlite_url)
    assert second["listings"] == first["listings"] == shop.STORED_FROM_SITEMAP
    assert second["flags"] == first["flags"]
    assert stats.get("ecomwatch/listings/new", 0) == 0


def test_robots_can_be_ignored_when_configured(mirror: str, sqlite_url: str) -> None:
    [stats] = crawl(sqlite_url, "webshop", "--base-url", mirror, "--arg", "sitemap=/sitemap.xml",
                    "--arg", "obey_robots=false")  # fmt: skip
    assert shop.DISALLOWED in requested(mirror)
    assert "ecomwatch/pages/robots_forbidden" not in stats
    assert listing_id(mirror, shop.DISALLOWED) not in stored(sqlite_url)  # it is a 404 here, but was fetched


def test_robots_txt_discovers_the_sitemap_without_arguments(mirror: str, sqlite_url: str) -> None:
    [stats] = crawl(sqlite_url, "webshop", "--base-url", mirror, "--arg", "max_products=3")
    assert stats["item_scraped_count"] == 3
    assert stats["ecomwatch/pages/over_limit"] > 0
    paths = requested(mirror)
    assert paths[0] == "/robots.txt" and "/sitemap.xml" in paths


def test_shop_page_follows_product_links_and_the_next_page(mirror: str, sqlite_url: str) -> None:
    [stats] = crawl(sqlite_url, "webshop", "--arg", f"url={mirror}{shop.LISTING}", "--max-pages", "2")
    paths = [
        "/products/giay-nike-air-force-1-07-trang",
        *shop.LISTING_LINKS,
        "/san-pham/pod-vaporesso-xros-3/",
    ]
    assert set(stored(sqlite_url)) == {listing_id(mirror, p) for p in paths}
    assert stats["ecomwatch/pages/listing"] == 2


def test_truncated_page_is_asked_for_again(mirror: str, sqlite_url: str) -> None:
    control(mirror, truncate=1)
    path = "/products/giay-nike-air-force-1-07-trang"
    [stats] = crawl(sqlite_url, "webshop", "--arg", f"url={mirror}{path}")
    assert stats["ecomwatch/pages/malformed_retries"] == 1 and "ecomwatch/pages/partial" not in stats
    [row] = stored(sqlite_url).values()
    assert row["price"] == 1250000 and "page_truncated" not in row["attributes"]


def test_urls_spider_routes_by_domain(mirror: str, sqlite_url: str, tmp_path: Path) -> None:
    with start_mirror() as tiki:
        [tiki_id, *_] = sorted(mirror_ids(tiki.url, query="nước hoa", max_pages=1))
        urls = tmp_path / "urls.txt"
        urls.write_text(
            "\n".join([
                "# an analyst's list",
                f"https://tiki.vn/nuoc-hoa-p{tiki_id}.html?spid=1",
                f"{mirror}/san-pham/marlboro-do-cay-10-goi.html",
                f"{mirror}{shop.DISALLOWED}",
                "https://shopee.vn/Nuoc-hoa-i.123.456",
                "https://www.facebook.com/marketplace/item/123/",
                "",
                "not a url",
            ]),
            encoding="utf-8",
        )  # fmt: skip
        [stats] = crawl(sqlite_url, "urls", "--arg", f"file={urls}", "--arg", f"site_urls=tiki={tiki.url}")
    listings = stored(sqlite_url)
    assert {(row["source"], key) for key, row in listings.items()} == {
        ("tiki", tiki_id),
        ("webshop", listing_id(mirror, "/san-pham/marlboro-do-cay-10-goi.html")),
    }
    assert stats["ecomwatch/urls/seen"] == 6
    assert stats["ecomwatch/urls/unsupported"] == 3
    assert stats["ecomwatch/urls/unsupported/shopee"] == stats["ecomwatch/urls/unsupported/facebook"] == 1
    assert stats["ecomwatch/pages/robots_forbidden"] == 1


# --- ecomwatch extract ------------------------------------------------------------------------------


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_extract_prints_what_the_crawler_reads() -> None:
    url = "https://myphamhathanh.vn/kem-tron-trang-da-collagen-x3-luxury-250g"
    code, output = run_cli("extract", "--url", url, "--file", str(PAGES / "sapo_product.html"))
    assert code == 0, output
    result = json.loads(output)
    assert {k: result[k] for k in ("title", "price", "currency", "brand", "sku", "availability")} == {
        "title": "Kem trộn trắng da Collagen X3 Luxury 250g",
        "price": 350000,
        "currency": "VND",
        "brand": "Collagen X3",
        "sku": "X3-LUX-250",
        "availability": "in_stock",
    }
    assert result["seller"] == {
        "id": "myphamhathanh.vn",
        "name": "Mỹ Phẩm Hà Thành",
        "url": "https://myphamhathanh.vn/",
    }
    assert result["location"]["province"] == "Hà Nội"
    assert result["contacts"]["phones"] == ["+84987654321"]
    assert result["extracted_from"] == ["microdata", "opengraph", "blob", "page"]
    assert result["problems"] == [] and result["description"].startswith("Kem body Collagen X3")


def test_extract_a_shop_page_lists_its_products() -> None:
    url = "https://sneakersaigon.vn/collections/all"
    code, output = run_cli("extract", "--url", url, "--file", str(PAGES / "category_page.html"))
    result = json.loads(output)
    assert code == 0 and result["product"] is None
    assert "https://sneakersaigon.vn/products/giay-nike-air-force-1-07-trang" in result["product_links"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "https://shopee.vn/x-i.1.2"], "browser"),
        (["--url", "https://shop.vn/products/x", "--file", "/nonexistent/page.html"], "--file"),
        (
            ["--url", "https://shop.vn/products/x", "--file", str(PAGES / "haravan_product.json")],
            "not an HTML page",
        ),
    ],
)
def test_extract_errors_say_what_is_wrong(args: list[str], message: str) -> None:
    code, output = run_cli("extract", *args)
    assert code == 2 and message in " ".join(output.split())


@pytest.mark.parametrize(
    ("spider", "args", "message"),
    [
        ("webshop", {"max_pages": "abc"}, "webshop: max_pages must be a whole number ≥ 1, got 'abc'"),
        ("webshop", {"max_pages": "0"}, "webshop: max_pages must be a whole number ≥ 1, got '0'"),
        ("webshop", {"max_products": "1e3"}, "webshop: max_products must be a whole number"),
        ("webshop", {"obey_robots": "maybe"}, "webshop: obey_robots must be true or false, got 'maybe'"),
        ("urls", {"tips": "yes please"}, "urls: tips must be true or false"),
        ("urls", {"url": "https://shop.vn/p", "max_pages": "-1"}, "urls: max_pages must be a whole number"),
    ],
)
def test_bad_arguments_are_refused_naming_the_argument(
    spider: str, args: dict[str, str], message: str
) -> None:
    from spiders.urls import UrlsSpider
    from spiders.webshop import WebshopSpider

    cls = {"webshop": WebshopSpider, "urls": UrlsSpider}[spider]
    with pytest.raises(ValueError, match=re.escape(message)):
        cls(base_url="https://shop.vn", **args)


def test_good_arguments_are_read() -> None:
    from spiders.webshop import WebshopSpider

    spider = WebshopSpider(base_url="https://shop.vn", max_pages=" 7 ", max_products="20", obey_robots="off")
    assert (spider.max_pages, spider.max_products, spider.obey_robots) == (7, 20, False)


def test_a_bad_argument_is_a_one_line_cli_error(sqlite_url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "--db", sqlite_url, "crawl", "webshop", "--base-url",
         "https://shop.vn", "--arg", "max_products=abc"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode != 0
    assert "max_products must be a whole number" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr


FB_RESPONSES = PAGES.parent / "responses"
FB_ITEM = "https://www.facebook.com/marketplace/item/1187345502261990/"


def test_extract_a_saved_facebook_item_page() -> None:
    code, output = run_cli(
        "extract", "--url", FB_ITEM, "--file", str(FB_RESPONSES / "facebook_item_page.html")
    )
    result = json.loads(output)
    assert code == 0 and (result["source"], result["external_id"]) == ("facebook", "1187345502261990")
    assert (result["price"], result["availability"]) == (1_200_000, "pending")  # price from the description
    assert result["contacts"]["zalo"] == ["+84912345678"] and result["seller"]["id"] == "100089912345678"
    assert result["location"]["province"] == "An Giang" and result["problems"] == []


@pytest.mark.parametrize(
    ("page", "message"),
    [("facebook_item_removed.html", "was removed"), ("facebook_login_wall.html", "login wall")],
)
def test_extract_a_facebook_item_page_that_is_not_a_listing(page: str, message: str) -> None:
    code, output = run_cli("extract", "--url", FB_ITEM, "--file", str(FB_RESPONSES / page))
    assert code == 2 and message in " ".join(output.split())
