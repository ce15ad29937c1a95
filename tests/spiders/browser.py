"""Browser crawls need Debian's Chromium: skip without it, or fail with ECOMWATCH_REQUIRE_SERVICES=1."""

from tests.services import CHROMIUM, need_chromium

__all__ = ["CHROMIUM", "need_chromium"]
