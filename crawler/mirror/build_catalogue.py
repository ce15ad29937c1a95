"""Rebuild ``data/catalogue.jsonl.gz`` from the shared Sendo corpus (a developer tool, not run in tests).

    python -m crawler.mirror.build_catalogue [--source ../shared/data/sendo/sendo_searchlist_products_dedup.jsonl.gz]

Picks a varied, deterministic subset of real listings per mirror category (preferring titles with real
risk phrases such as "nội địa Nhật", "xách tay", "auth"), and converts each to the compact record that
:class:`crawler.mirror.catalogue.Product` reads. Sendo's warehouse province is dropped: Tiki does not
expose a seller's province in the shapes the mirror serves.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from crawler.mirror.catalogue import DATA_DIR, read_records
from crawler.mirror.text import fold, stable_int

logger = logging.getLogger(__name__)

DEFAULT_SOURCE = Path("/work/shared/data/sendo/sendo_searchlist_products_dedup.jsonl.gz")

# (leaf id, wanted count, title patterns on the lower-cased title with diacritics, exclusions)
PICKS: tuple[tuple[int, int, str, str], ...] = (
    (11906, 25, r"mũ bảo hiểm|nón bảo hiểm", r"kính|lưỡi trai gắn|tai nghe"),
    (1595, 42, r"^nước hoa|\bnước hoa (nam|nữ|chiết|mini|pháp|dubai)", r"nước hoa hồng|xe|ô tô|treo"),
    (
        8372,
        42,
        r"^(\[[^\]]*\] *)?đồng hồ (nam|nữ|đeo tay|thông minh|trẻ em|cặp|thời trang|casio|citizen|orient|"
        r"seiko|curnon|olym|sunrise|halei|nibosi|skmei|apple|thể thao|điện tử nam|điện tử nữ)",
        r"treo tường|báo thức|để bàn|dây đồng hồ|phụ kiện|\bpin\b|\bđo\b|argon|khí|áp suất|xe|acquy|hẹn giờ",
    ),
    (
        2550,
        36,
        r"sữa bột|sữa công thức|sữa non|sữa (tăng chiều cao|dinh dưỡng)|sữa dê",
        r"rửa mặt|tắm|dưỡng thể|\bkem\b|xà phòng|mặt nạ",
    ),
    (
        1582,
        52,
        r"kem chống nắng|\bson (kem|thỏi|môi|lì|dưỡng)|serum|sữa rửa mặt|mặt nạ|tẩy trang|kem dưỡng|toner",
        r"máy|khuôn|hộp đựng|công tắc|ổ cắm|\bcọ\b",
    ),
    (
        15078,
        42,
        r"viên uống|thực phẩm (bảo vệ sức khỏe|chức năng)|vitamin|collagen|omega|canxi|tpcn",
        r"serum|kem|sữa rửa|\bson\b|xịt khoáng|phân bón|\bb1\b|dầu gội|phun xăm|\blan\b|nhỏ mắt|mỹ phẩm",
    ),
    (
        4422,
        32,
        r"^(\[[^\]]*\] *|\d+ ?(g|gr|gram|kg) *)*(khô (gà|bò|mực|cá)|hạt (điều|macca|dinh dưỡng)|bánh (phồng|tráng|quy|gấu|đùi)|"
        r"cà phê|trà (thảo|xanh|ô long|sen)|mứt|chà bông|rong biển|kẹo|mực|đậu|gạo|mix)",
        r"\bxe\b|bếp|máy|tinh dầu|tẩy|gấu bông|thớt|loa|công tắc|dụng cụ|cảo|khuôn|bình|ly|cốc|mực (in|nạp|phun)|xăm",
    ),
    (
        977,
        42,
        r"^(\[[^\]]*\] *)?(túi xách|túi đeo|túi tote|ví (nữ|nam|da)|balo|ba lô)",
        r"laptop|máy ảnh|chống sốc|câu",
    ),
    (1687, 46, r"^(\[[^\]]*\] *)?giày", r"kệ|tủ|dây giày|lót giày|\bxi\b|vệ sinh|bảo hộ"),
    (
        1795,
        36,
        r"^(\[[^\]]*\] *)?(điện thoại|smartphone|iphone|samsung galaxy)",
        r"ốp|cáp|sạc|kính|miếng dán|giá đỡ|tai nghe|\bpin\b|gậy|đế|bàn|loa|vỏ|phụ kiện|\bsim\b|dây|túi",
    ),
    (
        8095,
        8,
        r"^(máy tính xách tay|laptop) ",
        r"giá đỡ|túi|balo|đế|quạt|bàn|pin|sạc|bàn phím|màn hình|ram|ổ cứng|adapter",
    ),
    (1584, 4, r"^tóc giả", r""),
)
MAX_PER_SELLER = 4

RISK = re.compile(
    r"nội địa (nhật|trung|hàn)|xách tay|\bauth|quảng châu|siêu cấp|date mới|hàng nhật|nhập khẩu"
)
LAPTOP = re.compile(r"máy tính xách tay")

ORIGINS = (
    (r"noi dia nhat|nhat ban|hang nhat|japan", "Nhật Bản"),
    (r"han quoc|noi dia han|korea", "Hàn Quốc"),
    (r"noi dia trung|quang chau|trung quoc|china", "Trung Quốc"),
    (r"thai lan|thailand", "Thái Lan"),
    (r"hang my|nhap my|usa|hoa ky", "Mỹ"),
    (r"phap|france|paris", "Pháp"),
    (r"hang uc|nhap uc|australia", "Úc"),
    (r"hang duc|nhap duc|germany", "Đức"),
)
FALLBACK_ORIGIN = {1795: "Trung Quốc", 8372: "Trung Quốc", 8095: "Trung Quốc", 1584: "Trung Quốc"}

# folded name in a title → (brand as Tiki shows it, brand country)
BRANDS: dict[str, tuple[str, str]] = {
    "nike": ("Nike", "Mỹ"),
    "adidas": ("Adidas", "Đức"),
    "puma": ("Puma", "Đức"),
    "converse": ("Converse", "Mỹ"),
    "vans": ("Vans", "Mỹ"),
    "mlb": ("MLB", "Hàn Quốc"),
    "casio": ("Casio", "Nhật Bản"),
    "citizen": ("Citizen", "Nhật Bản"),
    "seiko": ("Seiko", "Nhật Bản"),
    "orient": ("Orient", "Nhật Bản"),
    "rolex": ("Rolex", "Thụy Sĩ"),
    "olym pianus": ("Olym Pianus", "Thụy Sĩ"),
    "curnon": ("Curnon", "Việt Nam"),
    "sunrise": ("Sunrise", "Việt Nam"),
    "chanel": ("Chanel", "Pháp"),
    "dior": ("Dior", "Pháp"),
    "gucci": ("Gucci", "Ý"),
    "versace": ("Versace", "Ý"),
    "calvin klein": ("Calvin Klein", "Mỹ"),
    "burberry": ("Burberry", "Anh"),
    "armani": ("Giorgio Armani", "Ý"),
    "charme": ("Charme", "Việt Nam"),
    "samsung": ("Samsung", "Hàn Quốc"),
    "iphone": ("Apple", "Mỹ"),
    "apple": ("Apple", "Mỹ"),
    "oppo": ("OPPO", "Trung Quốc"),
    "xiaomi": ("Xiaomi", "Trung Quốc"),
    "vivo": ("Vivo", "Trung Quốc"),
    "realme": ("Realme", "Trung Quốc"),
    "nokia": ("Nokia", "Phần Lan"),
    "sony": ("Sony", "Nhật Bản"),
    "lg": ("LG", "Hàn Quốc"),
    "vinamilk": ("Vinamilk", "Việt Nam"),
    "nutifood": ("Nutifood", "Việt Nam"),
    "nutricare": ("Nutricare", "Việt Nam"),
    "meiji": ("Meiji", "Nhật Bản"),
    "morinaga": ("Morinaga", "Nhật Bản"),
    "similac": ("Similac", "Mỹ"),
    "abbott": ("Abbott", "Mỹ"),
    "ensure": ("Abbott", "Mỹ"),
    "pediasure": ("Abbott", "Mỹ"),
    "glucerna": ("Abbott", "Mỹ"),
    "nestle": ("Nestlé", "Thụy Sĩ"),
    "blackmores": ("Blackmores", "Úc"),
    "dhc": ("DHC", "Nhật Bản"),
    "kirkland": ("Kirkland", "Mỹ"),
    "nature made": ("Nature Made", "Mỹ"),
    "healthy care": ("Healthy Care", "Úc"),
    "innisfree": ("Innisfree", "Hàn Quốc"),
    "laneige": ("Laneige", "Hàn Quốc"),
    "some by mi": ("Some By Mi", "Hàn Quốc"),
    "the ordinary": ("The Ordinary", "Canada"),
    "anessa": ("Anessa", "Nhật Bản"),
    "sunplay": ("Sunplay", "Nhật Bản"),
    "skin aqua": ("Sunplay", "Nhật Bản"),
    "la roche posay": ("La Roche-Posay", "Pháp"),
    "bioderma": ("Bioderma", "Pháp"),
    "cocoon": ("Cocoon", "Việt Nam"),
    "napoli": ("Napoli", "Việt Nam"),
    "asia": ("Asia", "Việt Nam"),
    "royal": ("Royal Helmet", "Việt Nam"),
    "acer": ("Acer", "Đài Loan"),
    "dell": ("Dell", "Mỹ"),
    "asus": ("Asus", "Đài Loan"),
    "hp": ("HP", "Mỹ"),
    "lenovo": ("Lenovo", "Trung Quốc"),
}


def classify(title: str) -> int | None:
    low = title.lower()
    for leaf, _count, pattern, exclude in PICKS:
        if re.search(pattern, low) and not (exclude and re.search(exclude, low)):
            return leaf
    return None


def brand_of(folded: str) -> tuple[str, str]:
    """(brand, brand country) from the first known brand word in the title; ("OEM", "") if none."""
    for key, value in BRANDS.items():
        if f" {key} " in f" {folded} ":
            return value
    return ("OEM", "")


def origin_of(folded: str, leaf: int) -> str:
    for pattern, country in ORIGINS:
        if re.search(rf"\b({pattern})\b", folded):
            return country
    return FALLBACK_ORIGIN.get(leaf, "Việt Nam")


def convert(raw: dict[str, Any], leaf: int) -> dict[str, Any]:
    folded = fold(raw["name"])
    price = int(raw.get("sale_price_min") or raw.get("default_price_min") or 0)
    list_price = max(price, int(raw.get("default_price_min") or 0))
    brand, brand_country = brand_of(folded)
    rated = raw.get("rated") or {}
    shop = raw.get("shop") or {}
    record: dict[str, Any] = {
        "id": int(raw["id"]),
        "name": " ".join(raw["name"].split()),
        "price": price,
        "list_price": list_price,
        "sold": int(raw.get("sold") or 0),
        "rating": round(float(rated.get("star") or 0), 1),
        "reviews": int(rated.get("total") or 0),
        "seller_id": int(shop.get("id") or raw.get("seller_admin_id") or 0),
        "seller": (shop.get("name") or "Shop").strip(),
        "brand": brand,
        "cat": leaf,
        "origin": origin_of(folded, leaf),
        "brand_country": brand_country or origin_of(folded, leaf),
        "days": 30 + stable_int("days", raw["id"], modulo=1500),
        "src": f"sendo:{raw['id']}",
    }
    if "official" in fold(record["seller"]) or "chinh hang" in fold(record["seller"]):
        record["official"] = True
    return record


def select(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    by_leaf: dict[int, list[dict[str, Any]]] = {leaf: [] for leaf, *_ in PICKS}
    seen_names: set[str] = set()
    for raw in items:
        price = raw.get("sale_price_min") or 0
        leaf = classify(raw["name"])
        key = fold(raw["name"])[:45]
        if leaf is None or not 1000 <= price <= 80_000_000 or key in seen_names:
            continue
        seen_names.add(key)
        by_leaf[leaf].append(raw)
    chosen: list[dict[str, Any]] = []
    for leaf, count, *_ in PICKS:
        pool = sorted(by_leaf[leaf], key=lambda r: stable_int("pick", r["id"]))
        risky = [r for r in pool if RISK.search(r["name"].lower()) and not LAPTOP.search(r["name"].lower())]
        quota = risky[: max(1, count * 35 // 100)]
        rest = [r for r in pool if r not in quota]
        rest.sort(
            key=lambda r: (not (r.get("sold") or (r.get("rated") or {}).get("total")), stable_int(r["id"]))
        )
        picked: list[dict[str, Any]] = []
        per_seller: dict[int, int] = {}
        for raw in quota + rest:
            seller = int(raw.get("seller_admin_id") or 0)
            if len(picked) < count and per_seller.get(seller, 0) < MAX_PER_SELLER:
                picked.append(raw)
                per_seller[seller] = per_seller.get(seller, 0) + 1
        logger.info("leaf %s: %d candidates, %d risky, picked %d", leaf, len(pool), len(risky), len(picked))
        chosen += [convert(r, leaf) for r in picked]
    return chosen


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DATA_DIR / "catalogue.jsonl.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    records = sorted(select(read_records(args.source)), key=lambda r: r["id"])
    with gzip.GzipFile(args.out, "wb", mtime=0) as gz:
        for rec in records:
            gz.write((json.dumps(rec, ensure_ascii=False, separators=(",", ":")) + "\n").encode())
    logger.info("wrote %d records to %s (%d bytes)", len(records), args.out, args.out.stat().st_size)


if __name__ == "__main__":
    main()
