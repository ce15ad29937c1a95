"""The mirror's HTTP server: a stdlib ``ThreadingHTTPServer`` plus in-process and subprocess helpers.

with start_mirror(seed=1) as mirror:          # background thread, ephemeral port
    urlopen(mirror.url + "/api/v2/products?q=nước+hoa")
    mirror.control(fail_429=2)                # same as POST /__control {"fail_429": 2}

with start_mirror(source="lazada") as mirror: # the same catalogue in Lazada's shapes (also "sendo")
    urlopen(mirror.url + "/catalog/?ajax=true&page=1&q=nước+hoa")

proc, url = spawn_mirror_subprocess("--synthetic", "50000")   # python -m crawler.mirror …
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, fields
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from crawler.mirror import facebook, lazada, sendo, shopee, tiktok
from crawler.mirror.catalogue import ProductSource, load_catalogue
from crawler.mirror.faults import ControlError, Faults, FaultState
from crawler.mirror.routes import TIKI, Reply, Settings, Site
from crawler.mirror.synthetic import SyntheticCatalogue
from crawler.mirror.tiki import error_body

logger = logging.getLogger(__name__)

#: the marketplaces a mirror can imitate (``--source`` / ``start_mirror(source=…)``)
SITES: dict[str, Site] = {
    site.name: site for site in (TIKI, sendo.SITE, lazada.SITE, shopee.SITE, tiktok.SITE, facebook.SITE)
}


@dataclass(frozen=True)
class MirrorOptions:
    """Everything a mirror can be started with; fault fields are the initial :class:`Faults`."""

    source: str = "tiki"  # which marketplace's shapes to serve: a key of SITES
    seed: int = 0
    synthetic: int = 0  # >0: serve N generated listings instead of the bundled catalogue
    paging_cap: int = 2000  # paging.total cap like the real site; 0 = no cap (for benchmarks)
    max_limit: int = 40
    fail_429: int = 0
    fail_500: int = 0
    truncate: int = 0
    slow_ms: int = 0
    slow_count: int = 0
    drift: str | None = None
    bad_items: bool = False
    require_guest_token: bool = False
    retry_after: int = 1
    captcha: int = 0  # block pages, for sites that have them (lazada)
    silent_empty: int = 0
    anti_bot: int = 0  # shopee block pages
    forbidden: int = 0
    traffic_error: int = 0
    login_wall: int = 0  # facebook
    login_redirect: int = 0

    def faults(self) -> Faults:
        names = {f.name for f in fields(Faults)}
        faults = Faults(**{k: getattr(self, k) for k in names})
        if faults.slow_ms and not faults.slow_count:
            faults.slow_count = 1
        return faults


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 makes concurrent crawlers wait on SYN retries

    def __init__(self, address: tuple[str, int], options: MirrorOptions) -> None:
        if options.source not in SITES:
            raise ValueError(f"unknown mirror source {options.source!r}; known: {sorted(SITES)}")
        self.options = options
        self.site = SITES[options.source]
        catalogue = load_catalogue(seed=options.seed)
        self.source: ProductSource = (
            SyntheticCatalogue(catalogue, options.synthetic, options.seed) if options.synthetic else catalogue
        )
        self.settings = Settings(
            seed=options.seed, paging_cap=options.paging_cap, max_limit=options.max_limit
        )
        try:
            self.faults = FaultState(
                options.faults(), site=self.site.name, drifts=self.site.drifts, blocks=self.site.blocks
            )
        except ControlError as error:
            raise ValueError(str(error)) from None
        super().__init__(address, MirrorHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"


class MirrorHandler(BaseHTTPRequestHandler):
    server: MirrorServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms delayed-ACK stalls

    def version_string(self) -> str:
        return self.server.site.server_header

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        logger.debug("%s %s", self.address_string(), format % args)

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        params = dict(parse_qsl(split.query, keep_blank_values=True))
        server = self.server
        # read any request body now, so an unhandled one never corrupts the next request on the connection
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        try:
            reply = self._dispatch(method, split.path, params, raw)
        except Exception:  # a mirror bug must still answer, and be visible in the log
            logger.exception("mirror failed on %s %s", method, self.path)
            reply = Reply(500, "error", error_body(500, "Internal Server Error"))
        server.faults.record(reply.kind, reply.status)
        self._send(reply)

    def _dispatch(self, method: str, path: str, params: dict[str, str], raw: bytes) -> Reply:
        server, site = self.server, self.server.site
        if path == "/__control":
            return self._control(method, raw)
        if path == "/__stats":
            return Reply(200, "stats", server.faults.snapshot())
        if method != "GET":
            if path not in site.post_paths:
                return Reply(405, "other", error_body(405, "Method Not Allowed"))
            form = dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
            params = params | form
        if path in ("/", "/index.html"):
            return Reply(200, "index", text=site.index_html, content_type="text/html; charset=utf-8")
        if path == "/robots.txt":
            return Reply(200, "robots", text=site.robots_txt, content_type="text/plain; charset=utf-8")
        if not site.is_api(path):
            return site.route(server.source, server.settings, path, params)
        if site.guard is not None and (refused := site.guard(self.path, self.headers)) is not None:
            return refused
        has_token = site.token_header is None or bool(self.headers.get(site.token_header, "").strip())
        decision = server.faults.decide(has_token, site.blocks_for(path, params))
        if decision.status is not None:
            return site.failure(decision.status, decision.retry_after)
        if decision.block is not None and site.block is not None:
            return site.block(decision.block, path, params)
        if decision.slow_ms:
            time.sleep(decision.slow_ms / 1000)
        reply = site.route(server.source, server.settings, path, params)
        if decision.bad_items:
            site.inject_bad_items(reply)
        if decision.drift and reply.status == 200:
            site.apply_drift(reply, decision.drift)
        reply.truncate = decision.truncate
        return reply

    def _control(self, method: str, raw: bytes) -> Reply:
        if method != "POST":
            return Reply(405, "control", error_body(405, "POST a JSON object to /__control"))
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ControlError("the /__control body must be a JSON object")
            state = self.server.faults.apply(body)
        except (ValueError, ControlError) as exc:
            return Reply(400, "control", error_body(400, str(exc)))
        logger.info("mirror faults now %s", state)
        return Reply(200, "control", {"faults": state})

    def _send(self, reply: Reply) -> None:
        body = reply.body()
        if reply.truncate:
            body = body[: max(1, len(body) // 2)]
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class MirrorHandle:
    """A mirror running in a background thread of this process."""

    def __init__(self, server: MirrorServer) -> None:
        self.server = server
        self.url = server.url
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{server.site.name}-mirror",
            daemon=True,
        )
        self._thread.start()

    def control(self, **body: Any) -> dict[str, Any]:
        """Change faults at run time (same keys as ``POST /__control``)."""
        return self.server.faults.apply(body)

    def stats(self) -> dict[str, Any]:
        return self.server.faults.snapshot()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()

    def __enter__(self) -> MirrorHandle:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_mirror(host: str = "127.0.0.1", port: int = 0, **options: Any) -> MirrorHandle:
    """Start a mirror in a background thread; ``options`` are :class:`MirrorOptions` fields."""
    known = {f.name for f in fields(MirrorOptions)}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(f"unknown mirror option(s) {unknown}; known: {sorted(known)}")
    server = MirrorServer((host, port), MirrorOptions(**options))
    logger.info("%s mirror serving %d listings at %s", server.site.name, len(server.source), server.url)
    return MirrorHandle(server)
