"""Synthetic mode: N deterministic listings for scale benchmarks, generated lazily per page.

Listing ``i`` (id ``SYNTHETIC_BASE_ID + i``) is a variant of bundled product ``i % B`` (B = bundled
count): the same seller, category and labels, with a varied title, price and sales. Search, category and
seller filters are decided on the base product, so a result set is periodic in ``i`` and any page is
computed in O(page size) without holding N listings in memory. Synthetic results come in id order
whatever ``sort`` asks for.
"""

from __future__ import annotations

import dataclasses
import functools
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from crawler.mirror.catalogue import Catalogue, Product
from crawler.mirror.text import stable_int

SYNTHETIC_BASE_ID = 300_000_000
_PREFIXES = ("", "", "[Freeship] ", "[Hàng mới về] ", "Combo 2 ", "[Giá tốt] ", "[Mẫu mới] ")
_SUFFIXES = (
    "",
    " - Màu Đen",
    " - Màu Trắng",
    " (Mẫu 2025)",
    " Size M",
    " - Bản nâng cấp",
    " - Phiên bản 2",
    " - Hộp quà tặng",
)


@dataclass(frozen=True, slots=True)
class PeriodicResults:
    """Indices ``i < n`` with ``i % period`` in ``residues`` (sorted), materialised per page."""

    residues: Sequence[int]
    period: int
    n: int
    make: Callable[[int], Product]

    @property
    def total(self) -> int:
        return sum((self.n - r + self.period - 1) // self.period for r in self.residues if r < self.n)

    def page(self, offset: int, limit: int) -> list[Product]:
        m = len(self.residues)
        out: list[Product] = []
        if m == 0:
            return out
        for j in range(offset, offset + limit):
            i = (j // m) * self.period + self.residues[j % m]
            if i >= self.n:
                break
            out.append(self.make(i))
        return out


class SyntheticCatalogue:
    """Same interface as :class:`Catalogue` for the server, over ``n`` generated listings."""

    def __init__(self, base: Catalogue, n: int, seed: int = 0) -> None:
        if n < 0:
            raise ValueError(f"synthetic listing count must be >= 0, got {n}")
        self.base = base
        self.n = n
        self.seed = seed
        self.seller_slugs = base.seller_slugs
        self._residues = functools.lru_cache(maxsize=256)(self._matching_residues)

    def __len__(self) -> int:
        return self.n

    def product(self, i: int) -> Product:
        base = self.base.products[i % len(self.base.products)]
        variant = i // len(self.base.products)
        if variant == 0:
            name = base.name
        else:
            prefix = _PREFIXES[stable_int("pre", self.seed, i, modulo=len(_PREFIXES))]
            suffix = _SUFFIXES[stable_int("suf", self.seed, i, modulo=len(_SUFFIXES))]
            name = f"{prefix}{base.name}{suffix}"
        factor = 80 + stable_int("price", self.seed, i, modulo=41)
        price = max(1000, base.price * factor // 100 // 1000 * 1000)
        return dataclasses.replace(
            base,
            id=SYNTHETIC_BASE_ID + i,
            name=name,
            price=price,
            list_price=max(price, base.list_price * factor // 100 // 1000 * 1000),
            sold=stable_int("sold", self.seed, i, modulo=base.sold * 2 + 50) if base.sold else 0,
            days=1 + stable_int("days", self.seed, i, modulo=1500),
            source=f"synthetic:{base.id}",
        )

    def get(self, product_id: int) -> Product | None:
        i = product_id - SYNTHETIC_BASE_ID
        return self.product(i) if 0 <= i < self.n else None

    def seller_slug(self, product: Product) -> str:
        return self.base.seller_slug(product)

    def seller_id_for_slug(self, slug: str) -> int | None:
        return self.base.seller_id_for_slug(slug)

    def query(
        self, q: str = "", category: int | None = None, sort: str = "default", seller_id: int | None = None
    ) -> PeriodicResults:
        residues = self._residues(q.strip(), category, seller_id)
        return PeriodicResults(residues, len(self.base.products), self.n, self.product)

    def _matching_residues(self, q: str, category: int | None, seller_id: int | None) -> tuple[int, ...]:
        matched = {p.id for p in self.base.query(q, category, "default", seller_id).page(0, len(self.base))}
        ids = [p.id for p in self.base.products]
        return tuple(sorted(bisect_left(ids, pid) for pid in matched))
