"""A scripted HTTP server on 127.0.0.1 for the shapes marketplaces.md documents but our own mirrors do not
serve: each test says, per path, what a faithful mirror built from the doc would answer.

with serve({"/api/v2/products": answer_json({...})}) as server:
    crawl(db, "tiki", "--base-url", server.url, …)
    server.requests        # every path (with its query) asked for, in order

An answer is an :class:`Answer`, a list of answers used in turn (the last repeats), or a callable
``(Asked) -> Answer``. Unknown paths answer 404.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Asked:
    path: str
    params: dict[str, str]
    headers: dict[str, str]  # names lower-cased
    n: int  # how many times this path was asked for, 1 first


Responder = Callable[[Asked], Answer]


def answer_json(value: Any, status: int = 200, **headers: str) -> Answer:
    return Answer(status, json.dumps(value, ensure_ascii=False).encode(), headers=dict(headers))


class DocServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, routes: dict[str, Responder | Answer | list[Answer]]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.requests: list[str] = []
        self.headers_seen: list[dict[str, str]] = []
        self.counts: Counter[str] = Counter()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, raw_path: str, headers: dict[str, str]) -> Answer:
        split = urlsplit(raw_path)
        with self.lock:
            self.requests.append(raw_path)
            self.headers_seen.append(headers)
            self.counts[split.path] += 1
            n = self.counts[split.path]
        route = self.routes.get(split.path)
        if route is None:
            return answer_json({"error": "not found"}, 404)
        if isinstance(route, Answer):
            return route
        if isinstance(route, list):
            return route[min(n, len(route)) - 1]
        return route(Asked(split.path, dict(parse_qsl(split.query, keep_blank_values=True)), headers, n))


class _Handler(BaseHTTPRequestHandler):
    server: DocServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        answer = self.server.answer(self.path, {k.lower(): v for k, v in self.headers.items()})
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@contextmanager
def serve(routes: dict[str, Responder | Answer | list[Answer]]) -> Iterator[DocServer]:
    server = DocServer(routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
