"""Browser crawls need Debian's Chromium: skip without it, or fail with ECOMWATCH_REQUIRE_SERVICES=1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.services import REQUIRE_SERVICES

CHROMIUM = Path("/usr/bin/chromium")


def need_chromium() -> None:
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
