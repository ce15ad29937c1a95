"""The mirror's catalogue: products loaded from ``data/``, searched, filtered and sorted.

Two files make the catalogue: ``catalogue.jsonl.gz`` (real Sendo listings converted to Tiki terms by
``build_catalogue.py``) and ``violations.jsonl`` (hand-written listings, each with ``_demo_labels``).
``_demo_labels`` is kept on :class:`Product` for evaluation and is never served.
"""

from __future__ import annotations

import functools
import gzip
import json
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from crawler.mirror.categories import CATEGORIES, ROOT_CATEGORY_ID, category_ids
from crawler.mirror.text import contains_words, fold, slugify, stable_int

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data"
SORTS = ("default", "top_seller", "newest", "price,asc", "price,desc")
_LEADING_TAGS = re.compile(r"^(?:(?:freeship|mau moi|chinh hang|hang moi ve|gia tot|sieu hot|hot)\s+)+")


@dataclass(frozen=True, slots=True)
class Product:
    """One listing as the mirror knows it; :mod:`crawler.mirror.tiki` turns it into Tiki JSON."""

    id: int
    name: str
    price: int
    list_price: int
    sold: int
    rating: float
    reviews: int
    seller_id: int
    seller_name: str
    brand: str
    category_id: int
    origin: str
    brand_country: str
    days: int
    description: str = ""
    expiry: str = ""
    official: bool = False
    authentic: bool = False
    specs: tuple[tuple[str, str, str], ...] = ()
    source: str = ""
    labels: tuple[str, ...] | None = field(default=None, compare=False)

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Product:
        labels = rec.get("_demo_labels")
        return cls(
            id=int(rec["id"]),
            name=rec["name"],
            price=int(rec["price"]),
            list_price=int(rec.get("list_price") or rec["price"]),
            sold=int(rec.get("sold") or 0),
            rating=float(rec.get("rating") or 0),
            reviews=int(rec.get("reviews") or 0),
            seller_id=int(rec["seller_id"]),
            seller_name=rec["seller"],
            brand=rec.get("brand") or "OEM",
            category_id=int(rec["cat"]),
            origin=rec.get("origin", ""),
            brand_country=rec.get("brand_country", ""),
            days=int(rec.get("days") or 0),
            description=rec.get("desc", ""),
            expiry=rec.get("expiry", ""),
            official=bool(rec.get("official", False)),
            authentic=bool(rec.get("authentic", False)),
            specs=tuple(tuple(s) for s in rec.get("specs", ())),
            source=rec.get("src", "demo"),
            labels=tuple(labels) if labels is not None else None,
        )

    def search_text(self) -> str:
        """Folded text a query is matched against: title, brand and category names."""
        names = [CATEGORIES[c].name for c in category_ids(self.category_id) if c != ROOT_CATEGORY_ID]
        return fold(" ".join([self.name, self.brand, *names]))


class Results(Protocol):
    """A sorted result set that can be paged without materialising it."""

    @property
    def total(self) -> int: ...

    def page(self, offset: int, limit: int) -> list[Product]: ...


class ProductSource(Protocol):
    """What the server needs from a catalogue (bundled or synthetic)."""

    def __len__(self) -> int: ...

    def get(self, product_id: int) -> Product | None: ...

    def query(
        self, q: str = "", category: int | None = None, sort: str = "default", seller_id: int | None = None
    ) -> Results: ...

    def seller_slug(self, product: Product) -> str: ...

    def seller_id_for_slug(self, slug: str) -> int | None: ...


@dataclass(frozen=True, slots=True)
class ListResults:
    items: Sequence[Product]

    @property
    def total(self) -> int:
        return len(self.items)

    def page(self, offset: int, limit: int) -> list[Product]:
        return list(self.items[offset : offset + limit])


def relevance(product: Product, query: str, folded_query: str, folded_name: str) -> int:
    """4: title starts with the phrase, 3: exact phrase in the title, 2: phrase without diacritics,
    1: all words in the title, 0: matched on brand or category only."""
    if folded_query and _LEADING_TAGS.sub("", folded_name).startswith(folded_query):
        return 4
    if query and query.lower() in product.name.lower():
        return 3
    if contains_words(folded_name, folded_query):
        return 2
    if all(contains_words(folded_name, word) for word in folded_query.split()):
        return 1
    return 0


class Catalogue:
    """Immutable product set with Tiki-like search (all words, diacritics ignored) and sorting."""

    def __init__(self, products: Iterable[Product], seed: int = 0) -> None:
        self.products: list[Product] = sorted(products, key=lambda p: p.id)
        self.seed = seed
        self.by_id: dict[int, Product] = {p.id: p for p in self.products}
        if len(self.by_id) != len(self.products):
            raise ValueError("catalogue has duplicate product ids")
        self._text = {p.id: p.search_text() for p in self.products}
        self._folded_names = {p.id: fold(p.name) for p in self.products}
        self.seller_slugs = _seller_slugs(self.products)
        self._slug_to_seller = {slug: sid for sid, slug in self.seller_slugs.items()}
        self._cached = functools.lru_cache(maxsize=512)(self._query)

    def __len__(self) -> int:
        return len(self.products)

    def get(self, product_id: int) -> Product | None:
        return self.by_id.get(product_id)

    def seller_slug(self, product: Product) -> str:
        return self.seller_slugs[product.seller_id]

    def seller_id_for_slug(self, slug: str) -> int | None:
        return self._slug_to_seller.get(slug)

    def query(
        self, q: str = "", category: int | None = None, sort: str = "default", seller_id: int | None = None
    ) -> Results:
        return self._cached(q.strip(), category, sort if sort in SORTS else "default", seller_id)

    def _query(self, q: str, category: int | None, sort: str, seller_id: int | None) -> Results:
        folded_q = "" if q == "*" else fold(q)
        words = folded_q.split()
        scored: list[tuple[int, Product]] = []
        for p in self.products:
            if category is not None and category not in category_ids(p.category_id):
                continue
            if seller_id is not None and p.seller_id != seller_id:
                continue
            if words and not all(contains_words(self._text[p.id], w) for w in words):
                continue
            scored.append((relevance(p, q, folded_q, self._folded_names[p.id]) if words else 0, p))
        return ListResults([p for _, p in sorted(scored, key=self._sort_key(sort))])

    def _sort_key(self, sort: str) -> Any:
        seed = self.seed
        keys = {
            "top_seller": lambda sp: (-sp[1].sold, sp[1].id),
            "newest": lambda sp: (sp[1].days, sp[1].id),
            "price,asc": lambda sp: (sp[1].price, sp[1].id),
            "price,desc": lambda sp: (-sp[1].price, sp[1].id),
        }
        return keys.get(sort, lambda sp: (-sp[0], stable_int(seed, sp[1].id), sp[1].id))

    def labelled_listings(self, crawled_at: str) -> Iterator[dict[str, Any]]:
        """Hand-written products in the analysts' labelled-listing format (see taxonomy.md)."""
        for p in self.products:
            if p.labels is None:
                continue
            names = [CATEGORIES[c].name for c in category_ids(p.category_id) if c != ROOT_CATEGORY_ID]
            yield {
                "id": f"tiki:{p.id}",
                "source": "tiki",
                "title": p.name,
                "description": p.description,
                "price": p.price,
                "shop_name": p.seller_name,
                "category": " > ".join(names),
                "crawled_at": crawled_at,
                "labels": list(p.labels),
            }


def _seller_slugs(products: Iterable[Product]) -> dict[int, str]:
    """One URL slug per seller id; a name shared by two sellers gets the id appended."""
    names: dict[int, str] = {}
    for p in products:
        names.setdefault(p.seller_id, p.seller_name)
    slugs: dict[int, str] = {}
    taken: set[str] = set()
    for seller_id in sorted(names):
        slug = slugify(names[seller_id])
        if slug in taken:
            slug = f"{slug}-{seller_id}"
        taken.add(slug)
        slugs[seller_id] = slug
    return slugs


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc


def load_products(data_dir: Path = DATA_DIR) -> list[Product]:
    """Products from the bundled catalogue plus the hand-written listings."""
    products = [Product.from_record(r) for r in read_records(data_dir / "catalogue.jsonl.gz")]
    products += [Product.from_record(r) for r in read_records(data_dir / "violations.jsonl")]
    logger.debug("loaded %d products from %s", len(products), data_dir)
    return products


@functools.cache
def default_products() -> tuple[Product, ...]:
    """The bundled products, loaded once per process."""
    return tuple(load_products())


def load_catalogue(seed: int = 0) -> Catalogue:
    return Catalogue(default_products(), seed=seed)
