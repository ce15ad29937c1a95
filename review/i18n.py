"""Interface text in Vietnamese (the default) and English. Keys are the English meaning in snake case."""

from __future__ import annotations

from collections.abc import Callable

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"

# key: (Vietnamese, English)
_TEXT: dict[str, tuple[str, str]] = {
    "app_name": ("Giám sát thương mại điện tử", "E-commerce watch"),
    "nav_queue": ("Hàng đợi", "Queue"),
    "nav_tips": ("Tin báo", "Tips"),
    "nav_audit": ("Nhật ký", "Audit log"),
    "nav_tip_form": ("Gửi tin báo", "Report a listing"),
    "logout": ("Đăng xuất", "Log out"),
    "login": ("Đăng nhập", "Log in"),
    "username": ("Tên đăng nhập", "Username"),
    "password": ("Mật khẩu", "Password"),
    "login_failed": ("Sai tên đăng nhập hoặc mật khẩu.", "Wrong username or password."),
    "login_locked": (
        "Tài khoản tạm khóa vì đăng nhập sai nhiều lần; thử lại sau {minutes} phút.",
        "Account locked after repeated failed logins; try again in {minutes} minutes.",
    ),
    "queue_title": ("Cờ vi phạm chờ xử lý", "Flags awaiting review"),
    "category": ("Loại vi phạm", "Category"),
    "severity": ("Mức độ", "Severity"),
    "source": ("Nguồn", "Source"),
    "province": ("Tỉnh/thành", "Province"),
    "province_current": ("Tỉnh/thành hiện nay", "Current provinces"),
    "province_legacy": ("Tỉnh/thành trước 2025", "Provinces before 2025"),
    "rule": ("Quy tắc", "Rule"),
    "status": ("Trạng thái", "Status"),
    "date_from": ("Từ ngày", "From"),
    "date_to": ("Đến ngày", "To"),
    "search": ("Tìm trong tiêu đề, cửa hàng", "Search titles and shops"),
    "apply": ("Lọc", "Filter"),
    "clear": ("Xóa lọc", "Clear"),
    "all": ("Tất cả", "All"),
    "open": ("Chờ xử lý", "Open"),
    "load_more": ("Xem thêm", "More"),
    "no_results": ("Không có kết quả.", "Nothing found."),
    "risk": ("Rủi ro", "Risk"),
    "title": ("Tiêu đề", "Title"),
    "shop": ("Cửa hàng", "Shop"),
    "price": ("Giá", "Price"),
    "flagged_at": ("Ngày gắn cờ", "Flagged"),
    "score": ("Điểm", "Score"),
    "cat_counterfeit": ("Hàng giả", "Counterfeit"),
    "cat_brand_infringement": ("Xâm phạm nhãn hiệu", "Brand infringement"),
    "cat_smuggled": ("Hàng nhập lậu", "Smuggled"),
    "cat_prohibited": ("Hàng cấm", "Prohibited"),
    "cat_restricted": ("Hàng hạn chế kinh doanh", "Restricted"),
    "cat_expired": ("Hàng hết hạn sử dụng", "Expired"),
    "cat_misleading": ("Thông tin sai lệch", "Misleading"),
    "sev_low": ("Thấp", "Low"),
    "sev_medium": ("Trung bình", "Medium"),
    "sev_high": ("Cao", "High"),
    "sev_critical": ("Nghiêm trọng", "Critical"),
    "st_new": ("Mới", "New"),
    "st_in_review": ("Đang xem xét", "In review"),
    "st_confirmed": ("Xác nhận vi phạm", "Confirmed"),
    "st_dismissed": ("Đã bỏ qua", "Dismissed"),
    "st_escalated": ("Chuyển cấp trên", "Escalated"),
    "st_superseded": ("Không còn hiệu lực", "Superseded"),
    "description": ("Mô tả", "Description"),
    "price_history": ("Lịch sử giá", "Price history"),
    "observed_at": ("Ngày ghi nhận", "Seen"),
    "sold": ("Đã bán", "Sold"),
    "seller": ("Người bán", "Seller"),
    "official_shop": ("Cửa hàng chính hãng", "Official shop"),
    "other_listings": ("Tin đăng khác của người bán", "The seller's other listings"),
    "past_decisions": ("Quyết định trước đây", "Past decisions"),
    "images": ("Hình ảnh", "Images"),
    "images_note": (
        "Ảnh không được tải tự động; mở liên kết nếu cần.",
        "Images are not loaded automatically; open a link if needed.",
    ),
    "raw_data": ("Dữ liệu thu thập gốc", "Raw crawled data"),
    "rules_fired": ("Quy tắc đã kích hoạt", "Rules that fired"),
    "evidence": ("Bằng chứng", "Evidence"),
    "open_original": ("Mở tin gốc", "Open the original"),
    "history": ("Lịch sử xử lý", "Review history"),
    "attributes": ("Thuộc tính", "Attributes"),
    "claim": ("Nhận xử lý", "Start review"),
    "confirm": ("Xác nhận vi phạm", "Confirm violation"),
    "legal_basis": ("Căn cứ pháp lý", "Legal basis"),
    "note": ("Ghi chú", "Note"),
    "dismiss": ("Bỏ qua", "Dismiss"),
    "reason": ("Lý do", "Reason"),
    "escalate": ("Chuyển cấp trên", "Escalate"),
    "assign": ("Giao cho đồng nghiệp", "Assign to a colleague"),
    "assignee": ("Người xử lý", "Assignee"),
    "by": ("Người thực hiện", "By"),
    "rs_not_violation": ("Không vi phạm", "Not a violation"),
    "rs_licensed": ("Hàng hợp pháp, có giấy phép", "Legal, licensed product"),
    "rs_wrong_category": ("Sai loại vi phạm", "Wrong category"),
    "rs_duplicate": ("Trùng lặp", "Duplicate"),
    "rs_insufficient_evidence": ("Chưa đủ bằng chứng", "Insufficient evidence"),
    "rs_listing_removed": ("Tin đăng đã bị gỡ", "Listing removed"),
    "rs_other": ("Lý do khác", "Other"),
    "decided": ("Đã ghi nhận.", "Recorded."),
    "conflict": (
        "Cờ này vừa được người khác xử lý; tải lại trang để xem trạng thái mới.",
        "Someone else changed this flag; reload the page to see its new status.",
    ),
    "bad_transition": (
        "Không thể thực hiện thao tác này ở trạng thái hiện tại.",
        "Not possible in the current status.",
    ),
    "bad_form": ("Biểu mẫu chưa hợp lệ: {detail}", "The form is not valid: {detail}"),
    "tip_title": ("Báo tin hàng giả, hàng lậu, hàng cấm", "Report counterfeit, smuggled or banned goods"),
    "tip_intro": (
        "Gửi đường dẫn tin đăng đáng ngờ. Thông tin liên hệ không bắt buộc.",
        "Send the link of a suspicious listing. Contact details are optional.",
    ),
    "tip_url": ("Đường dẫn tin đăng (http/https)", "Listing URL (http/https)"),
    "tip_description": ("Mô tả vi phạm", "What is wrong"),
    "tip_contact": ("Liên hệ (không bắt buộc)", "Contact (optional)"),
    "tip_honeypot": ("Để trống ô này", "Leave this empty"),
    "submit": ("Gửi", "Submit"),
    "tip_thanks": ("Cảm ơn! Tin báo đã được tiếp nhận.", "Thank you! Your tip was received."),
    "tip_rate": (
        "Bạn đã gửi quá nhiều tin báo; thử lại sau một giờ.",
        "Too many tips; try again in an hour.",
    ),
    "tips_title": ("Tin báo của người dân", "Citizens' tips"),
    "contact": ("Liên hệ", "Contact"),
    "received_at": ("Ngày nhận", "Received"),
    "audit_title": ("Nhật ký hệ thống", "Audit log"),
    "at": ("Thời gian", "When"),
    "user": ("Người dùng", "User"),
    "action": ("Hành động", "Action"),
    "object": ("Đối tượng", "Object"),
    "before": ("Trước", "Before"),
    "after": ("Sau", "After"),
    "older": ("Cũ hơn", "Older"),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    "csrf": (
        "Biểu mẫu đã hết hạn hoặc không hợp lệ; tải lại trang và thử lại.",
        "The form expired or is not valid; reload the page and try again.",
    ),
    "not_found": ("Không tìm thấy.", "Not found."),
    "back": ("Quay lại", "Back"),
    "language": ("English", "Tiếng Việt"),
}


def translator(lang: str) -> Callable[..., str]:
    index = 1 if lang == "en" else 0

    def t(key: str, **values: object) -> str:
        pair = _TEXT.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


def pick_language(query: str | None, cookie: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE
