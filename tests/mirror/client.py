"""A tiny urllib client for the mirror tests: every response is read and closed."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def fetch(
    url: str, *, headers: dict[str, str] | None = None, data: Any = None, timeout: float = 10
) -> Response:
    """GET (or POST when ``data`` is given, as JSON) and return status, headers and body."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=dict(headers or {}))
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - local test server
            return Response(resp.status, dict(resp.headers.items()), resp.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return Response(exc.code, dict(exc.headers.items()), exc.read())


def get_json(url: str, **kwargs: Any) -> Any:
    response = fetch(url, **kwargs)
    assert response.status == 200, (url, response.status, response.body[:300])
    return response.json()
