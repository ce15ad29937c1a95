"""Reachability of the machine's services; tests skip without them unless CI requires them."""

from __future__ import annotations

import os
import socket

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
