"""Reachability of the machine's services; tests skip without them unless CI requires them."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("ECOMWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_SERVICES = os.environ.get("ECOMWATCH_REQUIRE_SERVICES") == "1"


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def need_service(name: str, host: str, port: int) -> None:
    """Skip (or, with ECOMWATCH_REQUIRE_SERVICES=1, fail) when a service is not reachable."""
    if reachable(host, port):
        return
    message = f"{name} is not reachable at {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} and ECOMWATCH_REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip(f"{message}; set ECOMWATCH_REQUIRE_SERVICES=1 to fail instead")


CHROMIUM = Path("/usr/bin/chromium")


def need_chromium() -> None:
    """Skip (or, with ECOMWATCH_REQUIRE_SERVICES=1, fail) when Debian's Chromium is not installed."""
    if CHROMIUM.exists():
        return
    if REQUIRE_SERVICES:
        pytest.fail(
            f"{CHROMIUM} is missing and ECOMWATCH_REQUIRE_SERVICES=1 (apt-get install chromium)",
            pytrace=False,
        )
    pytest.skip(
        f"{CHROMIUM} is missing (apt-get install chromium); set ECOMWATCH_REQUIRE_SERVICES=1 to fail instead",
        allow_module_level=True,
    )
