"""A local independent web shop for the webshop and urls spiders: the saved pages of
``tests/crawler/pages/webshop_pages`` served at the paths their platforms use, with robots.txt, a
Shopify/Haravan-style sitemap index (one child gzipped), and pages that misbehave.

``python -m tests.spiders.webshop_mirror`` prints ``MIRROR_URL=http://127.0.0.1:PORT`` and serves until
killed; :func:`running_mirror` runs it as a subprocess for a test. Faults: ``/products/loi-may-chu``
always answers 500, ``/san-pham/phao-hoa-gian-36-ong-z121`` answers after ``SLOW_SECONDS``,
``/products/trang-bi-cat`` is always cut in half; ``POST /__control {"truncate": N}`` cuts the next N
product pages too. ``GET /__requests`` lists the paths asked for (to prove robots.txt was obeyed).
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parents[1] / "crawler" / "pages" / "webshop_pages"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SLOW_SECONDS = 1.0

#: product path → saved page; the sitemap lists these (plus the fault paths below)
PRODUCTS = {
    "/products/giay-nike-air-force-1-07-trang": "haravan_product",
    "/kem-tron-trang-da-collagen-x3-luxury-250g": "sapo_product",  # Sapo: products at the root
    "/san-pham/pod-vaporesso-xros-3/": "woocommerce_product",
    "/products/nuoc-hoa-chanel-coco-mademoiselle-edp-100ml": "shopify_product",
    "/sua-bot-meiji-noi-dia-nhat-800g.html": "jsonld_malformed",
    "/dong-ho/rolex-submariner-date-41mm-replica-p1057.html": "jsonld_entities_graph",
    "/san-pham/marlboro-do-cay-10-goi.html": "microdata_only",
    "/phan-bon/npk-16-16-8-dau-trau-25kg": "rdfa_product",
    "/san-pham/phao-hoa-gian-36-ong-z121": "opengraph_only",
    "/san-pham/vien-uong-giam-can-slim-body-nhat-ban-60-vien": "nextjs_product",
    "/chi-tiet.php?id=128": "no_markup",
}
#: listed in the gzipped second product sitemap
MORE_PRODUCTS = {"/giay-adidas-samba-og": "rdfa_product"}
DISALLOWED = "/products/hang-noi-bo-khong-ban"  # robots.txt forbids it; it must never be fetched
ALWAYS_500 = "/products/loi-may-chu"
TRUNCATED = "/products/trang-bi-cat"
GONE = "/products/da-xoa"  # 404
NOT_A_PRODUCT = "/products/khong-phai-san-pham"  # a collection page where a product was expected
SLOW = "/san-pham/phao-hoa-gian-36-ong-z121"
LISTING = "/collections/all"
LISTING_LINKS = {  # what /collections/all links to (category_page.html) and where those lead here
    "/collections/all/products/giay-nike-air-jordan-1-low": "shopify_product",
    "/giay-adidas-samba-og": "rdfa_product",
}
FAULTS = (DISALLOWED, ALWAYS_500, TRUNCATED, GONE, NOT_A_PRODUCT)
#: listings a full sitemap crawl stores: every product page, the truncated one salvaged
STORED_FROM_SITEMAP = len(PRODUCTS) + len(MORE_PRODUCTS) + 1


def page(name: str) -> bytes:
    return (PAGES / f"{name}.html").read_bytes()


def urlset(base: str, paths: list[str]) -> bytes:
    urls = "".join(
        f"<url><loc>{base}{p.replace('&', '&amp;')}</loc><changefreq>daily</changefreq></url>" for p in paths
    )
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


class Shop:
    def __init__(self) -> None:
        self.requests: list[str] = []
        self.truncate = 0
        self.lock = threading.Lock()

    def answer(self, path: str, base: str) -> tuple[int, str, bytes, float]:
        """(status, content type, body, delay) for a path (with its query)."""
        html = "text/html; charset=utf-8"
        if path == "/robots.txt":
            body = f"User-agent: *\nDisallow: /cart\nDisallow: /checkout\nDisallow: {DISALLOWED}\n\nSitemap: {base}/sitemap.xml\n"
            return 200, "text/plain", body.encode(), 0.0
        if path == "/sitemap.xml":
            children = [
                "/sitemap_products_1.xml",
                "/sitemap_products_2.xml.gz",
                "/sitemap_pages_1.xml",
                "/sitemap_blogs_1.xml",
            ]
            items = "".join(f"<sitemap><loc>{base}{c}</loc></sitemap>" for c in children)
            body = f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{items}</sitemapindex>'
            return 200, "application/xml", body.encode(), 0.0
        if path == "/sitemap_products_1.xml":
            return 200, "application/xml", urlset(base, [*PRODUCTS, *FAULTS]), 0.0
        if path == "/sitemap_products_2.xml.gz":
            return 200, "application/x-gzip", gzip.compress(urlset(base, list(MORE_PRODUCTS))), 0.0
        if path in ("/sitemap_pages_1.xml", "/sitemap_blogs_1.xml"):
            return 200, "application/xml", urlset(base, ["/pages/lien-he", "/blogs/news/khai-truong"]), 0.0
        if path == ALWAYS_500:
            return 500, html, b"<html><body><h1>500 Internal Server Error</h1></body></html>", 0.0
        if path == TRUNCATED:
            body = page("haravan_product")
            return 200, html, body[: len(body) * 45 // 100], 0.0
        if path in (LISTING, NOT_A_PRODUCT):
            return 200, html, page("category_page"), 0.0
        if path == LISTING + "?page=2":
            links = '<a href="/san-pham/pod-vaporesso-xros-3/">Pod XROS 3</a>'
            return (
                200,
                html,
                f"<html><body><div class='product-list'>{links}</div></body></html>".encode(),
                0.0,
            )
        name = PRODUCTS.get(path) or MORE_PRODUCTS.get(path) or LISTING_LINKS.get(path)
        if name is None:
            return (
                404,
                html,
                b"<html><body><h1>404 - Kh\xc3\xb4ng t\xc3\xacm th\xe1\xba\xa5y trang</h1></body></html>",
                0.0,
            )
        body = page(name)
        with self.lock:
            if self.truncate > 0:
                self.truncate -= 1
                body = body[: len(body) // 2]
        return 200, html, body, SLOW_SECONDS if path == SLOW else 0.0


def make_handler(shop: Shop) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path == "/__requests":
                with shop.lock:
                    self.reply(200, "application/json", json.dumps(shop.requests).encode())
                return
            with shop.lock:
                shop.requests.append(self.path)
            status, content_type, body, delay = shop.answer(self.path, f"http://{self.headers['Host']}")
            if delay:
                time.sleep(delay)
            self.reply(status, content_type, body)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            faults = json.loads(self.rfile.read(length) or b"{}")
            with shop.lock:
                shop.truncate = int(faults.get("truncate", 0))
            self.reply(200, "application/json", b'{"ok": true}')

        def reply(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    return Handler


def serve(port: int = 0) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", port), make_handler(Shop()))
    server.daemon_threads = True
    print(f"MIRROR_URL=http://127.0.0.1:{server.server_address[1]}", flush=True)  # noqa: T201 - the URL line
    server.serve_forever()


@contextmanager
def running_mirror(timeout: float = 20.0) -> Iterator[str]:
    """The mirror as a subprocess (scrapy's mockserver habit); yields its base URL."""
    proc = subprocess.Popen(  # noqa: S603 - fixed interpreter and module
        [sys.executable, "-m", "tests.spiders.webshop_mirror"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = proc.stdout.readline().strip()
        if not line.startswith("MIRROR_URL=") or time.monotonic() > deadline:
            raise RuntimeError(f"web-shop mirror did not start (printed {line!r})")
        yield line.removeprefix("MIRROR_URL=")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


if __name__ == "__main__":
    serve()
