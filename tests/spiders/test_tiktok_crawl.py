"""Crawl the TikTok Shop mirror end to end (plain HTTP: the product JSON is in the page), captcha included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.tiktok import product_id, seller_path
from crawler.normalize import fold
from tests.spiders.crawl_helpers import crawl, db_counts


@pytest.fixture
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="tiktok") as handle:
        yield handle


def seller_and_products() -> tuple[str, set[str]]:
    catalogue = load_catalogue()
    product = catalogue.query("thuốc lá", None, "default").page(0, 1)[0]
    ids = {str(product_id(p)) for p in catalogue.query(seller_id=product.seller_id).page(0, 1000)}
    return seller_path(product), ids


def test_seller_pages_to_products_with_a_captcha(mirror: MirrorHandle, sqlite_url: str) -> None:
    seller, expected = seller_and_products()
    mirror.control(captcha=2)
    [stats] = crawl(sqlite_url, "tiktok", "--base-url", mirror.url, "--arg", f"seller={seller}")
    assert stats["ecomwatch/blocks/captcha"] == 2 and stats.get("ecomwatch/pages/lost", 0) == 0
    counts = db_counts(sqlite_url)
    assert counts["ids"] == expected and counts["runs"] == [("degraded", len(expected))]
    assert counts["flags"] > 0  # vape and e-cigarettes


def test_a_product_id_and_the_circuit_breaker(mirror: MirrorHandle, sqlite_url: str) -> None:
    _seller, expected = seller_and_products()
    one = sorted(expected)[0]
    [stats] = crawl(sqlite_url, "tiktok", "--base-url", mirror.url, "--arg", f"product={one}")
    assert stats["item_scraped_count"] == 1
    mirror.control(captcha=100)
    [stats] = crawl(
        sqlite_url, "tiktok", "--base-url", mirror.url, "--arg", f"product={one}", "--arg", "max_blocks=2"
    )
    assert stats["ecomwatch/blocks/circuit_open"] == 1


def matching(seller_id: int, query: str) -> set[str]:
    """The seller's products whose title has every word of the query (diacritics ignored)."""
    words = fold(query).split()
    products = load_catalogue().query(seller_id=seller_id).page(0, 1000)
    return {str(product_id(p)) for p in products if all(w in fold(p.name) for w in words)}


def test_keyword_search_over_seller_cards_with_a_captcha(mirror: MirrorHandle, sqlite_url: str) -> None:
    seller, _all = seller_and_products()
    expected = matching(int(seller.rsplit("/", 1)[1]) - 7_494_000_000_000_000, "pod")
    assert 0 < len(expected) < len(_all)
    mirror.control(captcha=2)  # the seller page (the search) meets the captcha twice
    [stats] = crawl(
        sqlite_url, "tiktok", "--base-url", mirror.url, "--query", "pod", "--arg", f"seller={seller}"
    )
    assert stats["ecomwatch/blocks/captcha"] == 2 and stats["ecomwatch/search/matched"] == len(expected)
    assert mirror.stats()["requests"]["product_page"] == len(expected)  # only the matches are fetched
    counts = db_counts(sqlite_url)
    assert counts["ids"] == expected and counts["runs"] == [("degraded", len(expected))]


def test_keyword_search_without_details_keeps_the_cards(mirror: MirrorHandle, sqlite_url: str) -> None:
    from crawler.mirror.tiktok import seller_path

    product = load_catalogue().query("túi xách", None, "default").page(0, 1)[0]
    expected = matching(product.seller_id, "tui xach")
    [stats] = crawl(sqlite_url, "tiktok", "--base-url", mirror.url, "--query", "tui xach", "--no-details",
                    "--arg", f"seller={seller_path(product)}")  # fmt: skip
    assert stats["item_scraped_count"] == len(expected) > 0
    assert mirror.stats()["requests"].get("product_page", 0) == 0
    assert db_counts(sqlite_url)["ids"] == expected


def test_arguments() -> None:
    from spiders.tiktok import TiktokSpider

    spider = TiktokSpider(seller="https://www.tiktok.com/shop/store/a/12", product="34")
    assert (spider.sellers, spider.products) == (["/shop/store/a/12"], ["/view/product/34"])
    with pytest.raises(ValueError, match="seller"):
        TiktokSpider()
    with pytest.raises(ValueError, match="signed app API"):
        TiktokSpider(query="son")
    with pytest.raises(ValueError, match="max_pages must be a whole number"):
        TiktokSpider(seller="a/1", max_pages="abc")
    search = TiktokSpider(seller="a/1", query="Sữa bột|vape")
    assert [search.matches(t) for t in ("SUA BOT Meiji", "Sữa tắm", "Vape pod", "")] == [
        True,
        False,
        True,
        False,
    ]


@pytest.mark.parametrize(
    ("spider", "browser"),
    [("shopee", True), ("facebook", True), ("tiktok", False), ("tiki", False), ("lazada", False)],
)
def test_only_browser_spiders_install_the_playwright_handler(spider: str, browser: bool) -> None:
    """Chromium is started only by the crawls that need it; every other crawl keeps Scrapy's plain HTTP."""
    from scrapy.crawler import Crawler
    from scrapy.spiderloader import SpiderLoader

    from crawler.runner import project_settings

    settings = project_settings()
    crawler = Crawler(SpiderLoader.from_settings(settings).load(spider), settings)
    handlers = crawler.settings.getdict("DOWNLOAD_HANDLERS")
    assert ("scrapy_playwright" in str(handlers.get("https"))) is browser
    if browser:
        assert crawler.settings["PLAYWRIGHT_LAUNCH_OPTIONS"]["executable_path"] == "/usr/bin/chromium"
