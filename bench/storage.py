"""Storage write throughput: ``upsert_listings`` against a raw Core ``executemany`` INSERT.

    .venv/bin/python bench/storage.py [--rows 100000] [--batch 500] [--sqlite-only] [--repeat 3]
                                      [--no-recrawl] [--profile sqlite|postgresql]

For each dialect (a temporary SQLite file in WAL mode; a temporary PostgreSQL database on
ECOMWATCH_TEST_PG_URL, default postgresql://postgres@127.0.0.1:5432/test, created and dropped here):

* ``raw insert``  — the row dicts ``upsert_listings`` would write, built before the clock starts, inserted
  with ``connection.execute(insert(Listing), batch)`` and one commit per batch into an empty, migrated
  ``listing`` table: no hashing, no conflict handling, no ids back, but SQLAlchemy's per-row parameter
  handling (which the repository's write avoids, so it can beat this baseline).
* ``repository``  — ``upsert_listings(session, batch)`` with one unit of work (commit) per batch, as the
  store pipeline flushes, on an empty, migrated database. Everything it does is on the clock.
* ``recrawl``     — the same listings again (1 in 10 with a new price) on the now-full table.

The target is repository / raw >= 0.70 (wall clock) on the first pass. Each measurement starts on a fresh
database, after one warm-up of both paths; the best of ``--repeat`` runs (default 3) counts. ``cpu`` is
the same ratio in this process's CPU time: on SQLite, where the database runs in-process, it is immune to
other load on a shared machine; on PostgreSQL it leaves out the server's work, so it is not shown.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Run as a script, this file's directory comes first on sys.path and its name would shadow the
# ``storage`` package: put the project root there instead.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from sqlalchemy import Engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from crawler.items import Listing as ListingItem  # noqa: E402
from storage import repositories as repo  # noqa: E402
from storage.db import make_engine, make_session_factory, unit_of_work, upgrade  # noqa: E402
from storage.models import Listing  # noqa: E402

PG_ADMIN_URL = os.environ.get("ECOMWATCH_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
TARGET = 0.70
SOURCES = ("shopee", "tiki", "lazada")

# --- realistic listings ---------------------------------------------------------------------------

PRODUCTS = [
    ("Sữa bột {brand} số 1 cho bé 0-12 tháng 800g", "Mẹ & Bé > Sữa bột", (250_000, 950_000)),
    ("Nồi cơm điện {brand} 1.8L lòng niêu", "Thiết bị điện gia dụng > Nồi cơm điện", (390_000, 3_500_000)),
    ("Kem chống nắng {brand} SPF50+ PA++++ 60ml", "Sắc đẹp > Chăm sóc da mặt", (89_000, 690_000)),
    ("Đồng hồ nam {brand} dây da chống nước", "Đồng hồ > Đồng hồ nam", (150_000, 12_000_000)),
    ("Tai nghe Bluetooth {brand} chống ồn", "Điện thoại & Phụ kiện > Tai nghe", (99_000, 6_990_000)),
    ("Viên uống giảm cân {brand} thảo mộc", "Sức khỏe > Thực phẩm chức năng", (120_000, 1_500_000)),
    ("Giày thể thao {brand} nam nữ", "Giày dép > Giày thể thao", (180_000, 4_200_000)),
    ("Túi xách nữ {brand} da thật", "Túi ví nữ > Túi đeo chéo", (250_000, 25_000_000)),
    ("Nước hoa {brand} Eau de Parfum 100ml", "Sắc đẹp > Nước hoa", (199_000, 4_500_000)),
    ("Bánh kẹo {brand} hộp quà Tết", "Bách hóa online > Bánh kẹo", (45_000, 450_000)),
]
BRANDS = [
    "Meiji",
    "Sharp",
    "Anessa",
    "Casio",
    "Sony",
    "Nike",
    "Gucci",
    "Chanel",
    "Xiaomi",
    "Vinamilk",
    "Orihiro",
]
QUALIFIERS = [
    "chính hãng", "xách tay Nhật", "hàng nội địa Trung", "giá rẻ", "freeship toàn quốc", "siêu sale 🔥",
    "like auth 1:1", "bảo hành 12 tháng", "date mới", "loại 1", "", "",
]  # fmt: skip
PROVINCES = ["Hà Nội", "Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Bình Dương", "Đồng Nai", "Nghệ An"]
ORIGINS = ["Việt Nam", "Nhật Bản", "Hàn Quốc", "Trung Quốc", "Thái Lan", "Mỹ"]


def generate(n: int, seed: int = 20261129) -> list[ListingItem]:
    rng = random.Random(seed)
    crawled = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)
    listings = []
    for i in range(n):
        source = SOURCES[i % len(SOURCES)]
        template, category, (low, high) = rng.choice(PRODUCTS)
        brand = rng.choice(BRANDS)
        title = f"{template.format(brand=brand)} {rng.choice(QUALIFIERS)}".strip()
        price = rng.randrange(low, high, 1_000)
        province = rng.choice(PROVINCES)
        external_id = str(10_000_000 + i * 7)
        listings.append(
            ListingItem(
                source=source,
                external_id=external_id,
                url=f"https://{source}.vn/{title[:30].replace(' ', '-')}-i.{external_id}",
                title=title,
                description=f"{title}. Cam kết hàng đúng mô tả, đổi trả trong 7 ngày. Giao hàng từ {province}.",
                price=price,
                original_price=price + rng.randrange(0, high // 2, 1_000) if rng.random() < 0.6 else None,
                category_path=category,
                brand=brand,
                shop_name=f"{brand} Store {rng.randrange(1, 2_000)}",
                shop_location=province,
                province=province,
                is_official_shop=rng.random() < 0.15,
                sold_count=rng.randrange(0, 50_000),
                rating=round(rng.uniform(3.5, 5.0), 1),
                images=[f"https://cf.{source}.vn/file/{uuid.UUID(int=rng.getrandbits(128)).hex}"
                        for _ in range(rng.randrange(1, 4))],
                attributes={
                    "Xuất xứ": rng.choice(ORIGINS),
                    "Thương hiệu": brand,
                    "Kho hàng": str(rng.randrange(0, 500)),
                    "Gửi từ": province,
                },
                raw={"itemid": int(external_id), "shopid": rng.randrange(1, 10**9), "liked": rng.randrange(0, 999)},
                crawled_at=crawled + timedelta(seconds=i // 50),
            )
        )  # fmt: skip
    return listings


def recrawled(listings: Sequence[ListingItem], seed: int = 7) -> list[ListingItem]:
    """The next crawl: later timestamps, and one listing in ten with a new price."""
    rng = random.Random(seed)
    later = timedelta(days=1)
    return [
        item.model_copy(
            update={"crawled_at": item.crawled_at + later}
            | ({"price": (item.price or 0) + 1_000} if rng.random() < 0.1 else {})
        )
        for item in listings
    ]


# --- databases ------------------------------------------------------------------------------------


class Databases:
    """Fresh, migrated, empty databases on demand for one dialect."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self._tmp = tempfile.mkdtemp(prefix="ecomwatch-bench-") if dialect == "sqlite" else None
        self._pg_db: str | None = None
        self._admin: Engine | None = None
        if dialect == "postgresql":
            self._admin = make_engine(PG_ADMIN_URL).execution_options(isolation_level="AUTOCOMMIT")
            self._pg_db = f"ecomwatch_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._pg_db}"'))

    @contextmanager
    def fresh(self) -> Iterator[Engine]:
        if self.dialect == "sqlite":
            assert self._tmp is not None
            url = f"sqlite:///{Path(self._tmp) / uuid.uuid4().hex}.db"
        else:
            assert self._pg_db is not None
            schema = f"b_{uuid.uuid4().hex[:8]}"
            base = make_url(PG_ADMIN_URL).set(database=self._pg_db)
            setup = make_engine(base.render_as_string(hide_password=False))
            with setup.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            setup.dispose()
            url = base.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
                hide_password=False
            )
        engine = make_engine(url)
        upgrade(engine)
        try:
            yield engine
        finally:
            engine.dispose()

    def close(self) -> None:
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)
        if self._admin is not None:
            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._pg_db}" WITH (FORCE)'))
            self._admin.dispose()


def postgres_reachable() -> str | None:
    """None when PostgreSQL answers; otherwise why not."""
    try:
        engine = make_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: skip PostgreSQL
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return None


# --- the two write paths --------------------------------------------------------------------------


def batches(seq: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def raw_rows(engine: Engine, listings: Sequence[ListingItem]) -> list[dict]:
    """The row dicts the repository writes (ids of sources created up front, off the clock)."""
    factory = make_session_factory(engine)
    with unit_of_work(factory) as session:
        sources = repo.source_ids(session, SOURCES)
    return [
        repo._listing_row(item, sources[item.source], None, repo.content_hash(item), 0.0) for item in listings
    ]


def raw_insert(engine: Engine, rows: Sequence[dict], batch: int) -> None:
    stmt = insert(Listing)
    for chunk in batches(rows, batch):
        with engine.begin() as conn:
            conn.execute(stmt, list(chunk))


def repository_upsert(engine: Engine, listings: Sequence[ListingItem], batch: int) -> tuple[int, int]:
    factory = make_session_factory(engine)
    new = changed = 0
    for chunk in batches(listings, batch):
        with unit_of_work(factory) as session:
            result = repo.upsert_listings(session, chunk)
        new += len(result.new)
        changed += len(result.changed)
    return new, changed


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(Listing)).scalar_one()


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Figures:
    dialect: str
    raw: float = 0.0  # rows/s (wall clock), best of the repeats
    repository: float = 0.0
    recrawl: float | None = None
    raw_cpu: float = float("inf")  # CPU seconds of this process, best of the repeats
    repository_cpu: float = float("inf")
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.repository / self.raw if self.raw else 0.0

    @property
    def cpu_ratio(self) -> float | None:
        return (
            self.raw_cpu / self.repository_cpu if self.dialect == "sqlite" and self.repository_cpu else None
        )


def timed(fn: Callable[[], object]) -> tuple[float, float, object]:
    """(wall seconds, CPU seconds of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def measure(dialect: str, listings: list[ListingItem], args: argparse.Namespace) -> Figures:
    n, size = len(listings), args.batch
    figures = Figures(dialect)
    dbs = Databases(dialect)
    try:
        # Warm up both paths once (imports, statement compilation, connection pools, page cache).
        warm = generate(2 * size, seed=1)
        with dbs.fresh() as engine:
            raw_insert(engine, raw_rows(engine, warm), size)
        with dbs.fresh() as engine:
            repository_upsert(engine, warm, size)

        again = recrawled(listings) if args.recrawl else []
        for _ in range(args.repeat):
            with dbs.fresh() as engine:
                rows = raw_rows(engine, listings)
                seconds, cpu, _ = timed(lambda e=engine, r=rows: raw_insert(e, r, size))
                assert count(engine) == n
                figures.raw = max(figures.raw, n / seconds)
                figures.raw_cpu = min(figures.raw_cpu, cpu)
            with dbs.fresh() as engine:
                seconds, cpu, (new, changed) = timed(lambda e=engine: repository_upsert(e, listings, size))  # type: ignore[misc]
                assert (count(engine), new, changed) == (n, n, 0), (count(engine), new, changed)
                figures.repository = max(figures.repository, n / seconds)
                figures.repository_cpu = min(figures.repository_cpu, cpu)
                if args.recrawl:
                    seconds, _, (new, changed) = timed(lambda e=engine: repository_upsert(e, again, size))  # type: ignore[misc]
                    expected = sum(a.price != b.price for a, b in zip(listings, again, strict=True))
                    assert (count(engine), new, changed) == (n, 0, expected), (count(engine), new, changed)
                    figures.recrawl = max(figures.recrawl or 0.0, n / seconds)
    finally:
        dbs.close()
    return figures


def profile(dialect: str, listings: list[ListingItem], size: int) -> None:
    dbs = Databases(dialect)
    try:
        with dbs.fresh() as engine:
            profiler = cProfile.Profile()
            profiler.runcall(repository_upsert, engine, listings, size)
        print(f"\nprofile of the repository path on {dialect} ({len(listings):,} rows):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    finally:
        dbs.close()


def table(results: list[Figures], rows: int, batch: int) -> str:
    lines = [
        f"{rows:,} listings, batches of {batch}; rows/s, wall clock (higher is better)",
        "",
        f"{'dialect':<11} {'raw insert':>11} {'repository':>11} {'recrawl':>10} {'repo/raw':>9} {'cpu':>5}"
        f"  target >= {TARGET:.2f}",
        f"{'-' * 11} {'-' * 11} {'-' * 11} {'-' * 10} {'-' * 9} {'-' * 5}  {'-' * 14}",
    ]
    for f in results:
        if f.note:
            lines.append(f"{f.dialect:<11} {f.note}")
            continue
        recrawl = f"{f.recrawl:>10,.0f}" if f.recrawl is not None else f"{'-':>10}"
        cpu = f"{f.cpu_ratio:>5.2f}" if f.cpu_ratio is not None else f"{'-':>5}"
        verdict = "met" if f.ratio >= TARGET else "NOT met"
        lines.append(
            f"{f.dialect:<11} {f.raw:>11,.0f} {f.repository:>11,.0f} {recrawl} {f.ratio:>9.2f} {cpu}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--no-recrawl", dest="recrawl", action="store_false", help="skip the second pass")
    parser.add_argument("--profile", choices=["sqlite", "postgresql"], help="cProfile the repository path")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    listings = generate(args.rows)
    print(f"generated {len(listings):,} listings in {time.perf_counter() - start:.1f}s")

    dialects = ["sqlite"] if args.sqlite_only else ["sqlite", "postgresql"]
    if args.profile:
        dialects = [args.profile]
    results = []
    for dialect in dialects:
        if dialect == "postgresql" and (why := postgres_reachable()):
            results.append(
                Figures(dialect, note=f"skipped: PostgreSQL unreachable at {PG_ADMIN_URL} ({why})")
            )
            continue
        if args.profile:
            profile(dialect, listings, args.batch)
            return 0
        results.append(measure(dialect, listings, args))
        print(f"measured {dialect}")
    print()
    print(table(results, args.rows, args.batch))
    return 0 if all(f.note or f.ratio >= TARGET for f in results) else 1


if __name__ == "__main__":
    sys.exit(main())
