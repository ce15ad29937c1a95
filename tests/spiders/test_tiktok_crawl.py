"""Crawl the TikTok Shop mirror end to end (plain HTTP: the product JSON is in the page), captcha included."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.tiktok import product_id, seller_path
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


def test_arguments() -> None:
    from spiders.tiktok import TiktokSpider

    spider = TiktokSpider(seller="https://www.tiktok.com/shop/store/a/12", product="34")
    assert (spider.sellers, spider.products) == (["/shop/store/a/12"], ["/view/product/34"])
    with pytest.raises(ValueError, match="seller"):
        TiktokSpider()
    with pytest.raises(ValueError, match="signed app API"):
        TiktokSpider(query="son")


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
