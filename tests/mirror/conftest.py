"""Mirror fixtures: one shared read-only mirror per module, a fresh one for tests that set faults."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from crawler.mirror import MirrorHandle, start_mirror


@pytest.fixture(scope="module")
def mirror() -> Iterator[MirrorHandle]:
    with start_mirror() as handle:
        yield handle


@pytest.fixture
def fresh_mirror() -> Iterator[MirrorHandle]:
    with start_mirror() as handle:
        yield handle
