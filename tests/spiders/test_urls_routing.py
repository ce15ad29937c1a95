"""The urls spider routes TikTok, Shopee and Facebook URLs: TikTok over plain HTTP (against the mirror),
Shopee and Facebook through the browser when it is on, else skipped as ``needs_browser``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.tiktok import product_id, seller_path
from spiders.urls import UrlsSpider, extra_route, split_site_urls
from tests.spiders.crawl_helpers import crawl, db_counts

MIRROR = "http://127.0.0.1:8765"


@pytest.mark.parametrize(
    ("url", "kind", "external_id", "fetch"),
    [
        ("https://www.tiktok.com/view/product/1729000000000000001", "tiktok_product", "1729000000000000001",
         f"{MIRROR}/view/product/1729000000000000001"),
        ("https://shop.tiktok.com/view/product/17?lang=vi", "tiktok_product", "17", f"{MIRROR}/view/product/17"),
        ("https://www.tiktok.com/shop/pdp/son-moi-3ce/1729", "tiktok_product", "1729", f"{MIRROR}/view/product/1729"),
        ("https://www.tiktok.com/shop/pdp/1729", "tiktok_product", "1729", f"{MIRROR}/view/product/1729"),
        ("https://www.tiktok.com/t/ZSabc123/", "tiktok_short", None, f"{MIRROR}/t/ZSabc123/"),
        ("https://www.tiktok.com/shop/store/my-shop/7494000000000001", "tiktok_seller", None,
         f"{MIRROR}/shop/store/my-shop/7494000000000001"),
        ("https://www.tiktok.com/@someone/video/123", "unsupported", None, None),
        ("https://shopee.vn/Nuoc-hoa-Chanel-i.298458622.17599062482", "shopee_product", "17599062482",
         "https://shopee.vn/Nuoc-hoa-Chanel-i.298458622.17599062482"),
        ("https://shopee.vn/product/298458622/17599062482?sp_atk=x", "shopee_product", "17599062482",
         "https://shopee.vn/product-i.298458622.17599062482"),
        ("https://shopee.vn/shop/298458622", "unsupported", None, None),
        ("https://www.facebook.com/groups/42/posts/300000000000007/", "facebook_post", "300000000000007",
         "https://www.facebook.com/groups/42/"),
        ("https://m.facebook.com/groups/hoi-vape/permalink/99/", "facebook_post", "99",
         "https://www.facebook.com/groups/hoi-vape/"),
        ("https://www.facebook.com/marketplace/item/123/", "facebook_item", "123",
         "https://www.facebook.com/marketplace/item/123/"),
        ("https://m.facebook.com/marketplace/item/392128523205558/?ref=share", "facebook_item", "392128523205558",
         "https://www.facebook.com/marketplace/item/392128523205558/"),
        ("https://www.facebook.com/marketplace/item/abc/", "unsupported", None, None),
    ],
)  # fmt: skip
def test_extra_routes(url: str, kind: str, external_id: str | None, fetch: str | None) -> None:
    source = "tiktok" if "tiktok" in url else "shopee" if "shopee" in url else "facebook"
    route = extra_route(url, source, {"tiktok": MIRROR})
    assert (route.source, route.kind, route.external_id, route.fetch_url) == (
        source,
        kind,
        external_id,
        fetch,
    )
    assert route.url == url and (route.reason != "") == (kind == "unsupported")


def test_site_urls_split_between_the_router_and_the_spider() -> None:
    assert split_site_urls(f"tiki={MIRROR}|tiktok={MIRROR}/|shopee={MIRROR}") == (
        {"tiki": MIRROR},
        {"tiktok": MIRROR, "shopee": MIRROR},
    )
    with pytest.raises(ValueError, match="shopee=http"):
        split_site_urls("shopee=ftp://x")
    with pytest.raises(ValueError, match="NAME"):
        split_site_urls("amazon=http://x")
    with pytest.raises(ValueError, match="tips=true"):
        UrlsSpider()
    assert UrlsSpider(tips="true").tips and not UrlsSpider(url="https://x.vn/p").tips


@pytest.mark.parametrize("browser", [False, True])
def test_the_browser_is_installed_only_when_configured(browser: bool) -> None:
    from scrapy.crawler import Crawler

    from crawler.runner import project_settings

    crawler = Crawler(UrlsSpider, project_settings(ECOMWATCH_URLS_BROWSER=browser or None))
    handlers = crawler.settings.getdict("DOWNLOAD_HANDLERS")
    assert ("scrapy_playwright" in str(handlers.get("https"))) is browser


@pytest.fixture
def tiktok() -> Iterator[MirrorHandle]:
    with start_mirror(source="tiktok") as handle:
        yield handle


def test_tiktok_shopee_and_facebook_urls_without_a_browser(
    tiktok: MirrorHandle, sqlite_url: str, tmp_path: Path
) -> None:
    catalogue = load_catalogue()
    product = catalogue.query("thuốc lá", None, "default").page(0, 1)[0]
    sellers_products = {
        str(product_id(p)) for p in catalogue.query(seller_id=product.seller_id).page(0, 1000)
    }
    urls = tmp_path / "urls.txt"
    urls.write_text(
        "\n".join([
            f"https://www.tiktok.com/view/product/{product_id(product)}",
            f"https://www.tiktok.com{seller_path(product)}",
            "https://www.tiktok.com/view/product/1729999999999999999",  # not in the mirror: 404
            "https://shopee.vn/Nuoc-hoa-i.123.456",
            "https://shopee.vn/product/123/457",
            "https://www.facebook.com/groups/42/posts/300000000000007/",
            "https://www.facebook.com/marketplace/item/123/",
        ]),
        encoding="utf-8",
    )  # fmt: skip
    [stats] = crawl(sqlite_url, "urls", "--arg", f"file={urls}", "--arg", f"site_urls=tiktok={tiktok.url}")
    counts = db_counts(sqlite_url)
    assert counts["ids"] == sellers_products | {str(product_id(product))}
    assert stats["ecomwatch/urls/routed/tiktok"] == 3 and stats["ecomwatch/pages/seller"] == 1
    assert stats["ecomwatch/pages/not_found"] == 1
    assert stats["ecomwatch/urls/skipped/needs_browser"] == 4  # two Shopee products, a Facebook post and item
    assert stats["ecomwatch/urls/unsupported/shopee"] == 2
    assert stats["ecomwatch/urls/unsupported/facebook"] == 2  # the post and the item page (no browser)
    assert "ecomwatch/blocks" not in stats and counts["flags"] > 0  # e-cigarettes
