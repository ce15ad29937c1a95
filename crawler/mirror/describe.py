"""Product descriptions: the HTML ``description`` of a detail response and its plain-text summary.

Hand-written listings carry their own description (where many of their violations hide). Listings
converted from Sendo have none in the source data, so one is composed from the title, brand, origin
and a category paragraph, ending with Tiki's real tax boilerplate (which itself mentions
"thuế nhập khẩu" — an innocent phrase rules must not trip on).
"""

from __future__ import annotations

import html
import re

from crawler.mirror.catalogue import Product
from crawler.mirror.text import stable_int

TIKI_FOOTER = (
    "<p>Giá sản phẩm trên Tiki đã bao gồm thuế theo luật hiện hành. Bên cạnh đó, tuỳ vào loại sản phẩm, "
    "hình thức và địa chỉ giao hàng mà có thể phát sinh thêm chi phí khác như phí vận chuyển, phụ phí hàng "
    "cồng kềnh, thuế nhập khẩu (đối với đơn hàng giao từ nước ngoài có giá trị trên 1 triệu đồng).....</p>"
)

_CATEGORY_TEXT: dict[int, tuple[str, ...]] = {
    1582: (
        "Sản phẩm phù hợp với nhiều loại da, kết cấu mỏng nhẹ, thấm nhanh.",
        "Bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp. Thử trên vùng da nhỏ trước khi dùng.",
    ),
    1595: (
        "Hương thơm lưu lâu, thiết kế chai sang trọng, thích hợp làm quà tặng.",
        "Xịt cách da 15-20cm tại cổ tay, sau tai. Tránh xa lửa và nhiệt độ cao.",
    ),
    15078: (
        "Sản phẩm này không phải là thuốc và không có tác dụng thay thế thuốc chữa bệnh.",
        "Đọc kỹ hướng dẫn sử dụng trước khi dùng. Bảo quản nơi khô mát.",
    ),
    2550: (
        "Pha theo đúng hướng dẫn trên bao bì. Dùng hết trong vòng 4 tuần sau khi mở nắp.",
        "Sữa mẹ là thức ăn tốt nhất cho sức khỏe và sự phát triển toàn diện của trẻ nhỏ.",
    ),
    4422: ("Đóng gói cẩn thận, giữ nguyên hương vị. Bảo quản nơi khô ráo, đậy kín sau khi mở.",),
    8372: ("Thiết kế thời trang, dễ phối đồ. Bảo hành máy theo chính sách của cửa hàng.",),
    977: ("Chất liệu bền đẹp, nhiều ngăn tiện dụng, phù hợp đi làm, đi chơi.",),
    1687: ("Form chuẩn, đế êm, phù hợp đi học, đi chơi. Vui lòng tham khảo bảng size trước khi đặt.",),
    1795: ("Máy đã được kiểm tra kỹ trước khi giao. Hỗ trợ đổi trả theo chính sách của cửa hàng.",),
    8095: ("Cấu hình ổn định cho học tập và văn phòng. Bảo hành theo chính sách của hãng.",),
    11906: ("Vỏ nhựa ABS chịu lực, lót xốp EPS hấp thụ xung lực, quai đeo chắc chắn.",),
    1584: ("Sợi tóc mềm mại, dễ tạo kiểu, phù hợp nhiều dáng mặt.",),
}
_TAG = re.compile(r"<[^>]+>")


def description_html(product: Product) -> str:
    """The ``description`` field of a detail response (an HTML string)."""
    if product.description:
        return product.description + TIKI_FOOTER
    texts = _CATEGORY_TEXT.get(product.category_id, ("Hàng được đóng gói cẩn thận trước khi giao.",))
    pick = texts[stable_int("desc", product.id, modulo=len(texts))]
    name = html.escape(product.name)
    parts = [
        f"<h3>{name}</h3>",
        f"<p>Thương hiệu: {html.escape(product.brand)}. Xuất xứ: {html.escape(product.origin or 'Đang cập nhật')}.</p>",
        f"<p>{pick}</p>",
        TIKI_FOOTER,
    ]
    return "\n".join(parts)


def plain_description(product: Product) -> str:
    """Description text without tags or the Tiki footer (used for ``short_description``)."""
    body = description_html(product).replace(TIKI_FOOTER, "")
    return " ".join(html.unescape(_TAG.sub(" ", body)).split())


def short_description(product: Product) -> str:
    text = plain_description(product)
    return text if len(text) <= 200 else text[:197].rstrip() + "..."
