"""The TikTok Shop mirror over real HTTP: product pages with __MODERN_ROUTER_DATA__, seller pages, captcha."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from crawler.mirror import MirrorHandle, start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.tiktok import seller_path
from crawler.pages import Blocked, tiktok
from tests.mirror.client import fetch


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror(source="tiktok") as handle:
        yield handle


def a_seller() -> str:
    catalogue = load_catalogue()
    product = max(
        catalogue.query("", None, "default").page(0, 400),
        key=lambda p: catalogue.query(seller_id=p.seller_id).total,
    )
    return seller_path(product)


def test_seller_pages_link_products_and_the_product_json_is_double_encoded(mirror: MirrorHandle) -> None:
    first = fetch(mirror.url + a_seller())
    page = tiktok.parse_seller(first.body, url=mirror.url + a_seller())
    assert page.product_urls
    product = fetch(page.product_urls[0])
    assert product.status == 200
    raw = re.search(
        rb'id="__MODERN_ROUTER_DATA__" type="application/json">(.*?)</script>', product.body, re.S
    )
    assert raw and b'"desc_detail": "[{\\"type\\"' in raw.group(1)  # a JSON string inside the JSON
    info = tiktok.parse_product(product.body, url=page.product_urls[0])
    assert (
        info["product_base"]["price"]["currency"] == "VND" and info["seller"]["seller_location"] is not None
    )


def test_faults() -> None:
    with start_mirror(source="tiktok") as mirror:
        mirror.control(captcha=1, drift="rename_name")
        blocked = fetch(mirror.url + a_seller())
        with pytest.raises(Blocked):
            tiktok.parse_seller(blocked.body, url=mirror.url)
        assert blocked.status == 200
        assert fetch(mirror.url + "/view/product/1").status == 404
        mirror.control(fail_429=1)
        assert fetch(mirror.url + a_seller()).status == 429


def test_seller_pages_embed_search_result_cards(mirror: MirrorHandle) -> None:
    """The cards (marketplaces.md §5 search-result shape) list the same products as the links."""
    url = mirror.url + a_seller()
    page = tiktok.parse_seller(fetch(url).body, url=url)
    assert [c["product_id"] for c in page.cards] == [u.rsplit("/", 1)[1] for u in page.product_urls]
    card = page.cards[0]
    assert set(card) == {"product_id", "title", "image", "product_price_info", "rate_info", "sold_info",
                         "seller_info", "seo_url"}  # fmt: skip
    assert card["product_price_info"]["sale_price_decimal"].isdigit()
    mirror.control(captcha=1)
    with pytest.raises(Blocked):
        tiktok.parse_seller(fetch(url).body, url=url)
