"""Misbehaviour on request: thread-safe fault state and request statistics.

Faults are set at start-up (CLI flags / ``start_mirror`` options) or at run time with
``POST /__control`` and a JSON body, e.g. ``{"fail_429": 3}``. Counted faults (``fail_429``,
``fail_500``, ``truncate``, ``slow_count``, and the block pages ``captcha`` and ``silent_empty`` of
sites that have them) are consumed by the next API requests they apply to, one each; flags (``drift``,
``bad_items``, ``require_guest_token``) stay until changed. ``{"reset": true}`` turns every fault off
(start-up faults included) and zeroes the statistics. Which drifts and blocks exist depends on the site
being imitated; asking for another is refused with a message naming the ones it has.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

#: every drift some site knows (each site accepts its own subset)
DRIFTS = ("rename_name", "price_as_text", "drop_paging", "async_data", "price_strings", "sold_elsewhere")
#: block pages a site may serve instead of the real answer
BLOCKS = ("captcha", "silent_empty", "anti_bot", "forbidden", "traffic_error", "login_wall", "login_redirect")
_COUNTED = ("fail_429", "fail_500", "truncate", "slow_count", *BLOCKS)


class ControlError(ValueError):
    """A ``/__control`` body that cannot be applied; the message says which key and why."""


@dataclass
class Faults:
    fail_429: int = 0
    fail_500: int = 0
    truncate: int = 0
    slow_ms: int = 0
    slow_count: int = 0
    drift: str | None = None
    bad_items: bool = False
    require_guest_token: bool = False
    retry_after: int = 1
    captcha: int = 0
    silent_empty: int = 0
    anti_bot: int = 0  # shopee: {"error":90309999} with HTTP 200
    forbidden: int = 0  # shopee: HTTP 403 on the API
    traffic_error: int = 0  # shopee: redirect to /verify/traffic/error
    login_wall: int = 0  # facebook: the login wall instead of the page
    login_redirect: int = 0  # facebook: a redirect to /login/?next=… instead of the page


@dataclass(frozen=True)
class Decision:
    """What to do to one API request, decided atomically."""

    status: int | None = None  # 429 or 500 to answer with instead of the real response
    slow_ms: int = 0
    truncate: bool = False
    drift: str | None = None
    bad_items: bool = False
    retry_after: int = 1
    block: str | None = None  # a block page (captcha, silent_empty) to serve instead


class FaultState:
    """The mirror's fault switches and counters, safe to use from many handler threads."""

    def __init__(
        self,
        initial: Faults | None = None,
        *,
        site: str = "tiki",
        drifts: Iterable[str] = DRIFTS[:3],
        blocks: Iterable[str] = (),
    ) -> None:
        self._lock = threading.Lock()
        self._site = site
        self._drifts = tuple(drifts)
        self._blocks = tuple(blocks)
        self._initial = initial or Faults()
        for key, value in asdict(self._initial).items():
            self._check_site(key, value)
        self._faults = Faults(**asdict(self._initial))
        self._requests: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._injected: Counter[str] = Counter()

    def apply(self, body: dict[str, Any]) -> dict[str, Any]:
        """Apply a control body; ``reset`` first turns every fault off and zeroes the statistics."""
        known = {f.name for f in fields(Faults)} | {"reset"}
        unknown = sorted(set(body) - known)
        if unknown:
            raise ControlError(f"unknown control key(s) {unknown}; known: {sorted(known)}")
        updates = {k: v for k, v in body.items() if k != "reset"}
        for key, value in updates.items():
            _check(key, value)
            self._check_site(key, value)
        with self._lock:
            if body.get("reset"):
                self._faults = Faults(retry_after=self._initial.retry_after)
                self._requests.clear()
                self._statuses.clear()
                self._injected.clear()
            for key, value in updates.items():
                setattr(self._faults, key, value)
            if "slow_ms" in updates and "slow_count" not in updates and self._faults.slow_count == 0:
                self._faults.slow_count = 1
            return asdict(self._faults)

    def _check_site(self, key: str, value: Any) -> None:
        if key == "drift" and value is not None and value not in self._drifts:
            raise ControlError(
                f"control key 'drift' must be null or one of {list(self._drifts)} on the {self._site} mirror,"
                f" got {value!r}"
            )
        if key in BLOCKS and value and key not in self._blocks:
            raise ControlError(
                f"control key {key!r}: the {self._site} mirror has no {key} page"
                f" (block pages it has: {list(self._blocks) or 'none'})"
            )

    def decide(self, has_guest_token: bool, blocks: frozenset[str] = frozenset()) -> Decision:
        """Consume the faults that apply to the next API request (``blocks``: block pages it may get)."""
        with self._lock:
            f = self._faults
            if f.require_guest_token and not has_guest_token:
                return self._inject("missing_guest_token", Decision(status=403))
            if f.fail_429 > 0:
                f.fail_429 -= 1
                return self._inject("fail_429", Decision(status=429, retry_after=f.retry_after))
            if f.fail_500 > 0:
                f.fail_500 -= 1
                return self._inject("fail_500", Decision(status=500))
            for name in BLOCKS:
                if name in blocks and getattr(f, name) > 0:
                    setattr(f, name, getattr(f, name) - 1)
                    return self._inject(name, Decision(block=name))
            slow = 0
            if f.slow_ms > 0 and f.slow_count > 0:
                f.slow_count -= 1
                slow = f.slow_ms
                self._injected["slow"] += 1
            truncate = f.truncate > 0
            if truncate:
                f.truncate -= 1
                self._injected["truncate"] += 1
            return Decision(slow_ms=slow, truncate=truncate, drift=f.drift, bad_items=f.bad_items)

    def _inject(self, name: str, decision: Decision) -> Decision:
        self._injected[name] += 1
        return decision

    def record(self, kind: str, status: int) -> None:
        with self._lock:
            self._requests[kind] += 1
            self._statuses[str(status)] += 1

    def snapshot(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self._requests),
                "total": sum(self._requests.values()),
                "statuses": dict(self._statuses),
                "injected": dict(self._injected),
                "faults": asdict(self._faults),
            }


def _check(key: str, value: Any) -> None:
    if key in (*_COUNTED, "slow_ms", "retry_after"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ControlError(f"control key {key!r} must be a non-negative integer, got {value!r}")
    elif key in ("bad_items", "require_guest_token"):
        if not isinstance(value, bool):
            raise ControlError(f"control key {key!r} must be true or false, got {value!r}")
    elif key == "drift" and value is not None and value not in DRIFTS:
        raise ControlError(f"control key 'drift' must be null or one of {list(DRIFTS)}, got {value!r}")
