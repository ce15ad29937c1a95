"""Log lines about listings name the source and id, never dump the whole (attacker-written) item."""

from __future__ import annotations

import logging
from typing import Any

from scrapy import logformatter


def _describe(item: Any) -> str:
    if isinstance(item, dict):
        return f"{item.get('source', '?')}:{item.get('external_id', '?')}"
    key = getattr(item, "key", None)
    return ":".join(map(str, key)) if key else type(item).__name__


class EcomwatchLogFormatter(logformatter.LogFormatter):
    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any = None) -> Any:  # type: ignore[override]
        return {
            "level": logging.INFO,  # the validate pipeline already logged the reason as a warning
            "msg": "Dropped %(item)s: %(exception)s",
            "args": {"item": _describe(item), "exception": exception},
        }

    def scraped(self, item: Any, response: Any, spider: Any = None) -> Any:  # type: ignore[override]
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s from %(src)s",
                "args": {"item": _describe(item), "src": getattr(response, "url", response)}}  # fmt: skip
