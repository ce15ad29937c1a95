"""The mirror's category tree (Tiki-style ids; see ``data/README.md`` for the table).

Every product sits in one leaf; its ``primary_category_path`` is ``1/2/8322/{top}/{leaf}``, so a
``category=`` filter on any id of that path finds it and ``category=8322`` lists the whole catalogue.
On the real site 8322 is the book store; in the mirror it is the demo root.
"""

from __future__ import annotations

from dataclasses import dataclass

ROOT_CATEGORY_ID = 8322
DEMO_CATEGORY = ROOT_CATEGORY_ID  # the category to crawl for "everything" (ecomwatch demo)


@dataclass(frozen=True, slots=True)
class Category:
    id: int
    name: str
    url_key: str
    parent_id: int | None

    @property
    def url(self) -> str:
        return f"/{self.url_key}/c{self.id}"


_TREE: tuple[tuple[int, str, str, int | None], ...] = (
    (ROOT_CATEGORY_ID, "Tất cả sản phẩm", "tat-ca-san-pham", None),
    (1520, "Làm Đẹp - Sức Khỏe", "lam-dep-suc-khoe", ROOT_CATEGORY_ID),
    (1582, "Mỹ phẩm - Chăm sóc da", "my-pham-cham-soc-da", 1520),
    (1595, "Nước hoa", "nuoc-hoa", 1520),
    (15078, "Thực phẩm chức năng", "thuc-pham-chuc-nang", 1520),
    (1591, "Dược phẩm - Thiết bị y tế", "duoc-pham-thiet-bi-y-te", 1520),
    (1584, "Phụ kiện làm đẹp", "phu-kien-lam-dep", 1520),
    (2549, "Đồ Chơi - Mẹ & Bé", "do-choi-me-be", ROOT_CATEGORY_ID),
    (2550, "Sữa bột - Sữa công thức", "sua-bot-sua-cong-thuc", 2549),
    (4384, "Bách Hóa Online", "bach-hoa-online", ROOT_CATEGORY_ID),
    (4422, "Thực phẩm - Đồ khô", "thuc-pham-do-kho", 4384),
    (4423, "Rượu - Bia - Đồ uống", "ruou-bia-do-uong", 4384),
    (8371, "Đồng hồ và Trang sức", "dong-ho-va-trang-suc", ROOT_CATEGORY_ID),
    (8372, "Đồng hồ", "dong-ho", 8371),
    (976, "Túi thời trang", "tui-thoi-trang", ROOT_CATEGORY_ID),
    (977, "Túi xách - Ví - Balo", "tui-xach-vi-balo", 976),
    (1686, "Giày - Dép", "giay-dep", ROOT_CATEGORY_ID),
    (1687, "Giày thể thao - Giày dép", "giay-the-thao-giay-dep", 1686),
    (1789, "Điện Thoại - Máy Tính Bảng", "dien-thoai-may-tinh-bang", ROOT_CATEGORY_ID),
    (1795, "Điện thoại Smartphone", "dien-thoai-smartphone", 1789),
    (1796, "Sim số - Thẻ cào", "sim-so-the-cao", 1789),
    (1846, "Laptop - Máy Vi Tính - Linh kiện", "laptop-may-vi-tinh-linh-kien", ROOT_CATEGORY_ID),
    (8095, "Laptop", "laptop", 1846),
    (8594, "Ô Tô - Xe Máy - Xe Đạp", "o-to-xe-may-xe-dap", ROOT_CATEGORY_ID),
    (11906, "Mũ bảo hiểm", "mu-bao-hiem", 8594),
    (1883, "Nhà Cửa - Đời Sống", "nha-cua-doi-song", ROOT_CATEGORY_ID),
    (1884, "Đồ dùng tiện ích - Quà tặng", "do-dung-tien-ich-qua-tang", 1883),
    (1885, "Trang trí nhà cửa - Phong thủy", "trang-tri-nha-cua-phong-thuy", 1883),
    (1886, "Đồ Tết - Lễ hội", "do-tet-le-hoi", 1883),
    (316, "Nhà Sách - Băng Đĩa", "nha-sach-bang-dia", ROOT_CATEGORY_ID),
    (317, "Album - Băng đĩa nhạc", "album-bang-dia-nhac", 316),
)

CATEGORIES: dict[int, Category] = {row[0]: Category(*row) for row in _TREE}

# Leaves whose products carry an expiry attribute ("Hạn sử dụng") in their specifications.
PERISHABLE_LEAVES = frozenset({1582, 1595, 15078, 1591, 2550, 4422, 4423})
MILK_LEAF = 2550
ALCOHOL_LEAF = 4423


def lineage(leaf_id: int) -> list[Category]:
    """The categories from the root down to ``leaf_id`` (root first)."""
    chain: list[Category] = []
    current: int | None = leaf_id
    while current is not None:
        category = CATEGORIES[current]
        chain.append(category)
        current = category.parent_id
    return chain[::-1]


def category_path(leaf_id: int) -> str:
    """Tiki's ``primary_category_path``: ``1/2/`` then the ids from the root to the leaf."""
    return "/".join(["1", "2", *(str(c.id) for c in lineage(leaf_id))])


def category_ids(leaf_id: int) -> list[int]:
    return [c.id for c in lineage(leaf_id)]


def leaves() -> list[Category]:
    parents = {c.parent_id for c in CATEGORIES.values()}
    return [c for c in CATEGORIES.values() if c.id not in parents]
