"""Shared Playwright helpers for the browser spiders (Shopee, TikTok, Facebook), used through scrapy-playwright.

The browser is opt-in per request (``meta={"playwright": True}``) and only for spiders that mix in
:class:`BrowserSpiderMixin`; every other crawl never starts Chromium.

* :func:`browser_settings` / :class:`BrowserSpiderMixin` — scrapy-playwright handlers and launch options
  from ``ECOMWATCH_BROWSER_*``, installed at spider priority by the browser spiders only.
* :func:`abort_request` — drops images, fonts and media (``PLAYWRIGHT_ABORT_REQUEST``).
* :func:`context_kwargs` — an operator-supplied storage state (cookies) file, checked up front.
* :class:`ResponseCapture` — keeps the JSON the page itself fetches (``page.on("response")``).
* :func:`browser_meta` / :func:`close_page` — request meta for one page, and closing it whatever happened.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

HANDLER = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
#: resource types a crawl never needs; aborting them saves most of a page's bytes
ABORTED_RESOURCES = frozenset({"image", "font", "media"})


def abort_request(request: Any) -> bool:
    """``PLAYWRIGHT_ABORT_REQUEST``: True for images, fonts and media."""
    return request.resource_type in ABORTED_RESOURCES


def browser_settings(settings: Any) -> dict[str, Any]:
    """scrapy-playwright settings for a browser spider, from ``ECOMWATCH_BROWSER_*`` (a Scrapy Settings)."""
    max_pages = settings.getint("ECOMWATCH_BROWSER_MAX_PAGES", 4)
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": settings.get("ECOMWATCH_BROWSER_EXECUTABLE", "/usr/bin/chromium"),
            "args": settings.getlist("ECOMWATCH_BROWSER_ARGS", ["--no-sandbox"]),
            "headless": True,
        },
        "PLAYWRIGHT_ABORT_REQUEST": abort_request,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": max_pages,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": settings.getfloat("ECOMWATCH_BROWSER_NAVIGATION_TIMEOUT", 30)
        * 1000,
        "PLAYWRIGHT_RESTART_DISCONNECTED_BROWSER": True,
    }


class BrowserSpiderMixin:
    """Installs :func:`browser_settings` at spider priority, so only this spider's crawl loads the browser."""

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        super().update_settings(settings)  # type: ignore[misc]
        settings.setdict(browser_settings(settings), priority="spider")


class StorageStateError(ValueError):
    """The operator's storage-state file is missing or not Playwright's JSON."""


def context_kwargs(storage_state: str | None, *, locale: str = "vi-VN") -> dict[str, Any]:
    """Browser-context options; ``storage_state`` is a Playwright storage-state JSON (cookies, origins)."""
    kwargs: dict[str, Any] = {"locale": locale, "timezone_id": "Asia/Ho_Chi_Minh"}
    if storage_state:
        path = Path(storage_state)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise StorageStateError(f"storage_state {path}: cannot read it ({error.strerror})") from None
        except json.JSONDecodeError as error:
            raise StorageStateError(
                f"storage_state {path}: not JSON ({error.msg}, line {error.lineno})"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("cookies", []), list):
            raise StorageStateError(
                f"storage_state {path}: expected Playwright's {{'cookies': [...], 'origins': [...]}}"
                " (save one with context.storage_state(path=…))"
            )
        kwargs["storage_state"] = str(path)
    return kwargs


@dataclass(slots=True)
class Captured:
    url: str
    status: int
    body: bytes
    retry_after: str | None = None  # the response's Retry-After header, as sent


class ResponseCapture:
    """Collects the responses a page fetches whose URL matches ``pattern`` (as they arrive)."""

    def __init__(self, pattern: str) -> None:
        self.pattern = re.compile(pattern)
        self.responses: list[Captured] = []
        self._arrived = asyncio.Event()

    async def on_response(self, response: Any) -> None:
        if not self.pattern.search(response.url):
            return
        try:
            body = await response.body()
        except Exception as error:  # the page closed or the body was evicted: record it as empty
            logger.debug("could not read %s: %s", response.url, error)
            body = b""
        headers = response.headers if isinstance(response.headers, dict) else {}
        self.responses.append(Captured(response.url, response.status, body, headers.get("retry-after")))
        self._arrived.set()

    async def first(self, timeout: float) -> Captured | None:
        """The first matching response, waiting up to ``timeout`` seconds for it (None if none came)."""
        return await self.nth(1, timeout)

    async def nth(self, n: int, timeout: float) -> Captured | None:
        """The ``n``-th matching response (1-based), waiting up to ``timeout`` seconds for it."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._arrived.clear()  # cleared before the check: an arrival after it sets it again
            if len(self.responses) >= n:
                return self.responses[n - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            try:
                await asyncio.wait_for(self._arrived.wait(), remaining)
            except TimeoutError:
                return None


def browser_meta(capture: ResponseCapture, context: str, context_options: dict[str, Any]) -> dict[str, Any]:
    """Meta for one browser page: our own status handling (pages are closed by us, never dropped)."""
    return {
        "playwright": True,
        "playwright_include_page": True,
        "playwright_context": context,
        "playwright_context_kwargs": context_options,
        "playwright_page_event_handlers": {"response": capture.on_response},
        "capture": capture,
        # a retried or filtered response would drop its page unclosed: the spider sees every status
        "handle_httpstatus_all": True,
        "dont_retry": True,
    }


async def close_page(meta: dict[str, Any]) -> None:
    page = meta.pop("playwright_page", None)
    if page is not None:
        try:
            await page.close()
        except Exception as error:  # already closed with its browser
            logger.debug("closing page: %s", error)
