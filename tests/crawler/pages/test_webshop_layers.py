"""The generic web-shop parser's layers one by one: lenient JSON, values, markup readers, blobs,
sitemaps and the domain router."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from parsel import Selector

from crawler.pages import PageError, blobs, router, sitemaps, structured, webshop
from crawler.pages.heuristics import is_product_url
from crawler.pages.lenient_json import loads_lenient
from crawler.pages.values import availability, currency_of, to_price

PAGES = Path(__file__).parent / "webshop_pages"
RESPONSES = Path(__file__).parent / "responses"
CRAWLED_AT = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)

LENIENT = [
    ('{"a": 1}', [{"a": 1}]),
    ('{"a": 1,}', [{"a": 1}]),  # trailing comma
    ('{"a": [1, 2,],}', [{"a": [1, 2]}]),
    ('{"a": 1, // comment\n "b": 2}', [{"a": 1, "b": 2}]),
    ('/* head */ {"a": "http://x.vn/y"}', [{"a": "http://x.vn/y"}]),  # // inside a string is kept
    ('{"a": "line\none\ttab"}', [{"a": "line\none\ttab"}]),  # raw control characters
    ('{"a": "it\\\'s"}', [{"a": "it's"}]),  # invalid escape \'
    ('{"a": "Sữa "Meiji" 800g", "b": 1}', [{"a": 'Sữa "Meiji" 800g', "b": 1}]),  # unescaped inner quotes
    ("{&quot;a&quot;: &quot;x&quot;}", [{"a": "x"}]),  # entity-encoded
    ('<!-- {"a": 1} -->', [{"a": 1}]),
    ('//<![CDATA[\n{"a": 1}\n//]]>', [{"a": 1}]),
    ('{"a": 1}{"b": 2};', [{"a": 1}, {"b": 2}]),  # several values in one block
    ('[{"a": 1}, {"b": 2}]', [[{"a": 1}, {"b": 2}]]),
    ('{"a": ', []),  # cut off: nothing, never a guess
    ("", []),
]


@pytest.mark.parametrize(("text", "values"), LENIENT)
def test_loads_lenient(text: str, values: list[object]) -> None:
    assert loads_lenient(text) == values


PRICES = [
    (1200000, "VND", 1200000),
    (1200000.0, "VND", 1200000),
    ("1200000.00", "VND", 1200000),
    ("350000.0000", "VND", 350000),
    ("1.290.000", "VND", 1290000),
    ("1,250,000", "VND", 1250000),
    ("1.200", "VND", 1200),  # Vietnamese thousands
    ("1.200", None, 1200),
    ("12.99", "USD", 13),  # kept in its own currency, whole units
    ("1.200", "USD", 1),
    ("1.450.000đ", "VND", 1450000),
    ("₫ 990,000", "VND", 990000),
    ({"amount": "500000"}, "VND", 500000),
    (0, "VND", None),  # "Liên hệ" shops write 0
    ("Liên hệ", "VND", None),
    ("", "VND", None),
    (None, "VND", None),
    (True, "VND", None),
]


@pytest.mark.parametrize(("value", "currency", "price"), PRICES)
def test_to_price(value: object, currency: str | None, price: int | None) -> None:
    assert to_price(value, currency) == price


@pytest.mark.parametrize(
    ("value", "word"),
    [
        ("http://schema.org/InStock", "in_stock"),
        ("https://schema.org/OutOfStock", "out_of_stock"),
        ("InStock", "in_stock"),
        ("in stock", "in_stock"),
        ("instock", "in_stock"),
        ("Còn hàng", "in_stock"),
        ("Tạm hết hàng", "out_of_stock"),
        ("PreOrder", "preorder"),
        ("https://schema.org/Discontinued", "discontinued"),
        (True, "in_stock"),
        (False, "out_of_stock"),
        ("Liên hệ", None),
        (None, None),
    ],
)
def test_availability(value: object, word: str | None) -> None:
    assert availability(value) == word


@pytest.mark.parametrize(
    ("value", "code"),
    [("VND", "VND"), ("vnd", "VND"), ("₫", "VND"), ("đ", "VND"), ("usd", "USD"), ("", None), ("dong", None)],
)
def test_currency_of(value: str, code: str | None) -> None:
    assert currency_of(value) == code


def test_microdata_items_nest_offers_and_brand() -> None:
    html = """<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Áo</h1>
    <div itemprop="brand" itemscope itemtype="https://schema.org/Brand"><meta itemprop="name" content="X"></div>
    <div itemprop="offers" itemscope itemtype="https://schema.org/Offer"><span itemprop="price">120.000₫</span>
    <meta itemprop="priceCurrency" content="VND"></div><img itemprop="image" src="/a.jpg"></div>"""
    [item] = structured.microdata_items(Selector(text=html).root)
    fields = structured.product_fields(item, "https://shop.vn/p/1")
    assert (fields["title"], fields["brand"], fields["price"], fields["currency"]) == (
        "Áo",
        "X",
        120000,
        "VND",
    )
    assert fields["images"] == ["https://shop.vn/a.jpg"]


def test_json_ld_product_group_takes_the_cheapest_variant_and_list_price() -> None:
    node = {
        "@type": "ProductGroup", "name": "Nước hoa", "brand": "Chanel",
        "hasVariant": [
            {"@type": "Product", "offers": {"price": "2890000.00", "priceCurrency": "VND"}},
            {"@type": "Product", "offers": {"@type": "Offer", "priceCurrency": "VND", "priceSpecification": [
                {"price": 2500000, "priceType": "https://schema.org/StrikethroughPrice"}, {"price": 1890000}]}},
        ],
    }  # fmt: skip
    fields = structured.product_fields(node, "https://shop.vn/")
    assert (fields["price"], fields["original_price"], fields["brand"]) == (1890000, 2500000, "Chanel")


@pytest.mark.parametrize(
    ("platform", "script", "price"),
    [
        ("haravan", 'new Haravan.OptionSelectors("product-select", { product: {"title": "A", "price": 125000000.0, "variants": []}, x: 1});', 1250000),
        ("shopify", 'var meta = {"product": {"id": 1, "vendor": "V", "variants": [{"price": 189000000, "sku": "S"}]}};', 1890000),
        ("sapo", 'new Bizweb.OptionSelectors("product-selectors", {product: {"name": "A", "price": 350000.0000, "variants": []}});', 350000),
    ],
)  # fmt: skip
def test_theme_money_is_scaled_by_platform(platform: str, script: str, price: int) -> None:
    marker = {"haravan": "hstatic.net", "shopify": "cdn.shopify.com", "sapo": "bizweb.dktcdn.net"}[platform]
    html = f'<html><head><link href="//{marker}/x.css"><script>{script}</script></head><body><h1>A</h1></body></html>'
    listing = webshop.parse_product(html, url="https://shop.vn/products/a", crawled_at=CRAWLED_AT)
    assert listing is not None and listing["price"] == price and listing["attributes"]["platform"] == platform


def test_next_data_finds_the_product_object_in_page_props() -> None:
    page = Selector(text=(PAGES / "nextjs_product.html").read_text(encoding="utf-8"))
    product = blobs.next_data_product(page)
    assert product is not None and product["sku"] == "SLIM-JP-60"


def test_category_page_at_a_product_path_is_not_a_product() -> None:
    """A shop answered a product URL from its sitemap with a collection page (three buy buttons)."""
    body = (PAGES / "category_page.html").read_bytes()
    assert (
        webshop.parse_product(body, url="https://sneakersaigon.vn/products/da-an", crawled_at=CRAWLED_AT)
        is None
    )


@pytest.mark.parametrize(
    ("url", "product"),
    [
        ("https://shop.vn/products/giay-a", True),
        ("https://shop.vn/collections/all/products/giay-a", True),
        ("https://shop.vn/san-pham/pod-x/", True),
        ("https://shop.vn/product/pod-x/", True),
        ("https://tiki.vn/nuoc-hoa-p276048484.html", True),
        ("https://shop.vn/collections/all", False),
        ("https://shop.vn/giay-adidas-samba-og", False),  # Sapo: only a product sitemap says so
        ("https://shop.vn/blogs/news/a", False),
    ],
)
def test_is_product_url(url: str, product: bool) -> None:
    assert is_product_url(url) is product


def sitemap(kind: str, urls: list[str]) -> bytes:
    tag = "sitemap" if kind == "sitemapindex" else "url"
    items = "".join(f"<{tag}><loc>{u}</loc></{tag}>" for u in urls)
    return f'<?xml version="1.0"?><{kind} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</{kind}>'.encode()


def test_sitemap_index_prefers_product_sitemaps() -> None:
    children = [
        "https://s.vn/sitemap_products_1.xml",
        "https://s.vn/sitemap_pages_1.xml",
        "https://s.vn/post-sitemap.xml",
    ]
    page = sitemaps.parse_sitemap(sitemap("sitemapindex", children), url="https://s.vn/sitemap.xml")
    assert (page.kind, page.sitemaps, page.skipped) == ("sitemapindex", children[:1], 2)


def test_sitemap_index_without_product_sitemaps_follows_the_others() -> None:
    children = ["https://s.vn/sitemap-1.xml", "https://s.vn/sitemap-tin-tuc.xml"]
    page = sitemaps.parse_sitemap(sitemap("sitemapindex", children), url="https://s.vn/sitemap.xml")
    assert page.sitemaps == children[:1]


def test_urls_of_a_product_sitemap_are_all_products_even_gzipped() -> None:
    urls = ["https://s.vn/giay-a", "https://s.vn/ao-b"]
    body = gzip.compress(sitemap("urlset", urls))
    assert sitemaps.parse_sitemap(body, url="https://s.vn/sitemap_products.xml.gz").products == urls


def test_other_sitemaps_keep_only_product_like_urls() -> None:
    urls = ["https://s.vn/products/a", "https://s.vn/gioi-thieu", "https://s.vn/san-pham/b"]
    page = sitemaps.parse_sitemap(sitemap("urlset", urls), url="https://s.vn/sitemap.xml")
    assert (page.products, page.skipped) == ([urls[0], urls[2]], 1)


@pytest.mark.parametrize("body", [b"<html><body>404</body></html>", b"not xml at all", b"\x1f\x8bbroken"])
def test_unreadable_sitemap(body: bytes) -> None:
    with pytest.raises(PageError):
        sitemaps.parse_sitemap(body, url="https://s.vn/sitemap.xml")


def test_robots_sitemaps() -> None:
    robots = "User-agent: *\nDisallow: /cart\nSitemap: https://s.vn/sitemap.xml\nsitemap: /sitemap2.xml\n"
    assert sitemaps.robots_sitemaps(robots, url="https://s.vn/robots.txt") == [
        "https://s.vn/sitemap.xml",
        "https://s.vn/sitemap2.xml",
    ]


ROUTES = [
    ("https://tiki.vn/nuoc-hoa-abc-p276048484.html?spid=276048496", "tiki", "tiki_detail",
     "https://tiki.vn/api/v2/products/276048484?platform=web&version=3&spid=276048496"),
    ("https://www.sendo.vn/kem-chong-nang-63797186.html", "sendo", "sendo_detail",
     "https://www.sendo.vn/m/wap_v2/full/san-pham/kem-chong-nang-63797186?platform=web"),
    ("https://www.lazada.vn/products/ao-polo-i2374522833-s11223344.html?spm=x", "lazada", "lazada_product",
     "https://www.lazada.vn/products/ao-polo-i2374522833-s11223344.html"),
    ("https://shopee.vn/Mu-bao-hiem-i.298458622.17599062482", "shopee", "unsupported", None),
    ("https://www.tiktok.com/view/product/1729384756", "tiktok", "unsupported", None),
    ("https://m.facebook.com/marketplace/item/123/", "facebook", "unsupported", None),
    ("https://tiki.vn/nha-sach-tiki/c8322", "tiki", "unsupported", None),  # a category, not a product
    ("https://sneakersaigon.vn/products/af1", "webshop", "webshop", "https://sneakersaigon.vn/products/af1"),
    ("ftp://shop.vn/x", "?", "unsupported", None),
]  # fmt: skip


@pytest.mark.parametrize(("url", "source", "kind", "fetch_url"), ROUTES)
def test_route(url: str, source: str, kind: str, fetch_url: str | None) -> None:
    found = router.route(url)
    assert (found.source, found.kind, found.fetch_url) == (source, kind, fetch_url)


def test_route_to_a_mirror_keeps_the_listing_url() -> None:
    url = "https://tiki.vn/x-p1001.html"
    found = router.route(url, site_urls=router.parse_site_urls("tiki=http://127.0.0.1:8765/"))
    assert found.fetch_url == "http://127.0.0.1:8765/api/v2/products/1001?platform=web&version=3"
    listing = router.listing_for(
        found, (RESPONSES / "tiki_detail_1001.json").read_bytes(), crawled_at=CRAWLED_AT
    )
    assert listing is not None and listing["source"] == "tiki" and str(listing["external_id"]) == "1001"


def test_sendo_detail_through_the_router() -> None:
    found = router.route("https://www.sendo.vn/kem-chong-nang-63797186.html")
    body = (RESPONSES / "sendo_detail_63797186.json").read_bytes()
    listing = router.listing_for(found, body, crawled_at=CRAWLED_AT)
    assert listing is not None and listing["source"] == "sendo" and listing["title"]
    with pytest.raises(router.NotFound):
        router.listing_for(found, (RESPONSES / "sendo_detail_404.json").read_bytes(), crawled_at=CRAWLED_AT)


@pytest.mark.parametrize("value", ["shopee=http://x", "tiki=ftp://x", "tiki"])
def test_bad_site_urls(value: str) -> None:
    with pytest.raises(ValueError, match="site_urls"):
        router.parse_site_urls(value)
