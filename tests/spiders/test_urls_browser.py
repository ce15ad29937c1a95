"""The urls spider's browser path: a Shopee product URL and a Facebook group post URL, read in Debian's
Chromium through the shopee / facebook spiders' own page handling, against their mirrors."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from sqlalchemy import select

from crawler.mirror import start_mirror
from crawler.mirror.catalogue import load_catalogue
from crawler.mirror.shopee import product_path
from crawler.pages import facebook as facebook_page
from storage.db import make_engine, make_session_factory
from storage.models import Listing, Source
from tests.spiders.browser import need_chromium
from tests.spiders.crawl_helpers import crawl

need_chromium()


def stored(db_url: str) -> list[tuple[str, str, str, int | None]]:
    engine = make_engine(db_url)
    with make_session_factory(engine)() as session:
        rows = session.execute(
            select(Source.name, Listing.external_id, Listing.url, Listing.price).join(Source)
        ).all()
    engine.dispose()
    return sorted(tuple(r) for r in rows)  # type: ignore[misc]


def test_shopee_product_urls_in_chromium(sqlite_url: str) -> None:
    product = load_catalogue().query("thuốc lá", None, "default").page(0, 1)[0]
    slug_url = "https://shopee.vn" + product_path(product)
    short_url = f"https://shopee.vn/product/{product.seller_id}/{product.id}"
    with start_mirror(source="shopee") as mirror:
        [stats] = crawl(sqlite_url, "urls", "--browser", "--arg", f"url={slug_url}|{short_url}",
                        "--arg", f"site_urls=shopee={mirror.url}", timeout=120)  # fmt: skip
        served = mirror.stats()["requests"]
    [(source, external_id, url, price)] = stored(sqlite_url)
    assert (source, external_id) == ("shopee", str(product.id))
    assert url.startswith("https://shopee.vn/") and url.endswith(f"-i.{product.seller_id}.{product.id}")
    assert isinstance(price, int) and 0 < price < 100_000_000  # VND × 100000 undone
    assert stats["ecomwatch/pages/detail"] == 2 and stats["ecomwatch/items/duplicate"] == 1
    assert stats["playwright/page_count"] == 2 and "ecomwatch/urls/skipped" not in stats
    assert served["detail"] == 2 and served.get("unsigned", 0) == 0  # the page's own JS fetched get_pc


def test_facebook_group_post_url_in_chromium(sqlite_url: str, tmp_path: Path) -> None:
    cookies = [{"name": name, "value": "1", "domain": "127.0.0.1", "path": "/", "expires": -1, "httpOnly": True,
                "secure": False, "sameSite": "Lax"} for name in ("c_user", "xs")]  # fmt: skip
    state = tmp_path / "fb-state.json"
    state.write_text(json.dumps({"cookies": cookies, "origins": []}), encoding="utf-8")
    with start_mirror(source="facebook") as mirror:
        request = urllib.request.Request(f"{mirror.url}/groups/42/", headers={"Cookie": "c_user=1; xs=1"})
        with urllib.request.urlopen(request, timeout=5) as response:
            posts = facebook_page.parse_posts(response.read(), url=f"{mirror.url}/groups/42/")
        post_id = posts[3]["raw"]["post_id"]
        mirror.control(reset=True)
        post_url = f"https://www.facebook.com/groups/42/posts/{post_id}/"
        [stats] = crawl(sqlite_url, "urls", "--browser", "--arg", f"url={post_url}",
                        "--arg", f"site_urls=facebook={mirror.url}", "--arg", f"facebook_state={state}",
                        timeout=120)  # fmt: skip
    [(source, external_id, url, _price)] = stored(sqlite_url)
    assert (source, url) == ("facebook", post_url) and post_id in external_id
    assert stats["ecomwatch/pages/group"] == 1 and stats["item_scraped_count"] == 1
