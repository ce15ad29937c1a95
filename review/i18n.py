"""Interface text in Vietnamese (the default) and English. Keys are the English meaning in snake case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
    "cat_tip": ("Tin báo của người dân", "Citizen's tip"),
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
    "nav_reports": ("Báo cáo", "Reports"),
    "nav_sellers": ("Người bán vi phạm", "Sellers"),
    "reports_title": ("Báo cáo", "Reports"),
    "no_data": ("Không có dữ liệu.", "No data."),
    "flags_by_week": ("Cờ theo tuần", "Flags by week"),
    "flags_by_category": ("Cờ theo loại vi phạm", "Flags by category"),
    "decisions_by_status": ("Quyết định theo kết quả", "Decisions by outcome"),
    "flags_by_week_table": (
        "Cờ theo tuần, loại, nguồn và tỉnh/thành",
        "Flags by week, category, source and province",
    ),
    "iso_week": ("Tuần (ISO)", "ISO week"),
    "flags": ("Số cờ", "Flags"),
    "listings": ("Tin đăng", "Listings"),
    "decisions": ("Quyết định", "Decisions"),
    "turnaround": ("Thời gian xử lý", "Turnaround"),
    "turnaround_explained": (
        "Từ lúc cờ được tạo đến quyết định đầu tiên (xác nhận, bỏ qua hoặc chuyển cấp trên).",
        "From a flag's creation to its first decision (confirm, dismiss or escalate).",
    ),
    "decided_flags": ("Cờ đã quyết định", "Flags decided"),
    "median": ("Trung vị", "Median"),
    "hours": ("giờ", "hours"),
    "top_sellers": ("Người bán nhiều vi phạm nhất", "Top sellers"),
    "top_rules": ("Quy tắc gắn cờ nhiều nhất", "Top rules"),
    "export": ("Xuất", "Export"),
    "export_queue": ("Xuất danh sách đã lọc", "Export the filtered list"),
    "sellers_title": ("Người bán vi phạm nhiều lần", "Repeat offenders"),
    "sellers_explained": (
        "Xếp theo số vi phạm đã xác nhận, rồi theo số cờ.",
        "Ranked by confirmed violations, then by flags.",
    ),
    "first_seen": ("thấy lần đầu", "first seen"),
    "last_seen": ("lần cuối", "last seen"),
    "contacts": ("Liên hệ", "Contacts"),
    "phones": ("Điện thoại", "Phones"),
    "links": ("Liên kết", "Links"),
    "seller_listings": ("Tin đăng của người bán", "The seller's listings"),
    "shared_contacts": (
        "Tin đăng khác dùng cùng số điện thoại/Zalo",
        "Other listings sharing a phone or Zalo number",
    ),
    "seller_record": ("Hồ sơ người bán", "Seller's record"),
    "bulk_title": ("Xử lý hàng loạt", "Bulk action"),
    "bulk_done": ("Đã xử lý {done}/{total} cờ.", "{done} of {total} flags done."),
    "bulk_selected": ("Các cờ đã chọn", "Selected flags"),
    "bulk_action": ("Thao tác", "Action"),
    "bulk_apply": ("Áp dụng cho các cờ đã chọn", "Apply to the selected flags"),
    "select_flag": ("Chọn cờ", "Select flag"),
    "flag": ("Cờ", "Flag"),
    "result": ("Kết quả", "Result"),
    "from_tip": ("Từ tin báo", "From a tip"),
    "from_tip_only": ("Chỉ tin từ tin báo", "From tips only"),
    "tip_queued": ("Chờ thu thập", "Queued"),
    "tip_crawled": ("Đã thu thập", "Crawled"),
    "tip_failed": ("Không thu thập được", "Crawl failed"),
    "tip_rejected": ("Từ chối", "Rejected"),
    "tip_listing": ("Tin đăng", "Listing"),
    "nav_rules": ("Quy tắc", "Rules"),
    "rules_title": ("Độ chính xác của quy tắc", "Rule precision"),
    "rules_precision_explained": (
        "Độ chính xác = số cờ xác nhận vi phạm / (xác nhận + bỏ qua), theo quyết định hiện hành.",
        "Precision = confirmed / (confirmed + dismissed), from the decisions that stand.",
    ),
    "precision": ("Độ chính xác", "Precision"),
    "dismiss_reasons": ("Lý do bỏ qua", "Dismissal reasons"),
    "rule_pack": ("Gói quy tắc", "Rule pack"),
    "examples_flag": ("Ví dụ phải gắn cờ", "Examples that must flag"),
    "examples_pass": ("Ví dụ không được gắn cờ", "Examples that must pass"),
    "rules_eval": ("Đánh giá trên tệp gán nhãn", "Evaluate on a labelled file"),
    "rules_eval_explained": (
        "Tệp JSONL, mỗi dòng một tin đăng có trường labels; tối đa {mb} MB.",
        "A JSONL file, one listing per line with a labels field; at most {mb} MB.",
    ),
    "run_eval": ("Chạy đánh giá", "Run"),
    "eval_result": ("Kết quả trên {n} tin đăng", "Results on {n} listings"),
    "support": ("Số mẫu", "Support"),
    "computed_at": ("Số liệu lúc", "Figures as of"),
    "nav_cases": ("Hồ sơ vụ việc", "Cases"),
    "nav_users": ("Người dùng", "Users"),
    "nav_sources": ("Nguồn dữ liệu", "Sources"),
    "cases_title": ("Hồ sơ vụ việc", "Cases"),
    "case": ("Hồ sơ", "Case"),
    "new_case": ("Tạo hồ sơ mới", "New case"),
    "create": ("Tạo", "Create"),
    "save": ("Lưu", "Save"),
    "remove": ("Gỡ khỏi hồ sơ", "Remove from the case"),
    "no_cases": ("Chưa có hồ sơ nào.", "No cases yet."),
    "cs_open": ("Đang lập", "Open"),
    "cs_submitted": ("Đã trình", "Submitted"),
    "cs_closed": ("Đã đóng", "Closed"),
    "to_open": ("Trả lại để bổ sung", "Reopen"),
    "to_submitted": ("Trình hồ sơ", "Submit"),
    "to_closed": ("Đóng hồ sơ", "Close"),
    "created_by": ("Người lập", "Created by"),
    "created_at": ("Ngày lập", "Created"),
    "updated_at": ("Cập nhật", "Updated"),
    "added_by": ("Người thêm", "Added by"),
    "edit_case": ("Sửa thông tin hồ sơ", "Edit the case"),
    "case_seller": ("Người bán trong hồ sơ", "Seller of the case"),
    "none": ("— không —", "— none —"),
    "add_to_case": ("Thêm vào hồ sơ", "Add to case"),
    "add_selected_to_case": ("Thêm các cờ đã chọn vào hồ sơ", "Add the selected flags to a case"),
    "in_cases": ("Thuộc hồ sơ", "In cases"),
    "case_from_listing": ("Lập hồ sơ mới từ tin đăng này", "New case from this listing"),
    "case_from_seller": (
        "Lập hồ sơ mới về người bán này (kèm các tin đã xác nhận vi phạm)",
        "New case about this seller (with their confirmed violations)",
    ),
    "with_seller": ("Gắn người bán của tin đăng vào hồ sơ", "Make the listing's seller the case's seller"),
    "related_flag": ("Cờ liên quan", "Related flag"),
    "no_open_cases": ("Không có hồ sơ đang lập.", "No open cases."),
    "categories": ("Loại vi phạm", "Categories"),
    "evidence_snippets": ("Trích đoạn bằng chứng", "Evidence snippets"),
    "export_case": ("Xuất hồ sơ", "Export the case"),
    "export_zip": ("Bộ hồ sơ ZIP", "ZIP case file"),
    "exported_by": ("Người xuất", "Exported by"),
    "exported_at": ("Thời điểm xuất", "Exported at"),
    "case_summary": ("Tóm tắt hồ sơ vụ việc", "Case summary"),
    "case_not_open": (
        "Hồ sơ không ở trạng thái đang lập; trả lại hồ sơ trước khi thay đổi.",
        "The case is not open; reopen it before changing it.",
    ),
    "msg_created": ("Đã lập hồ sơ.", "Case created."),
    "msg_added": ("Đã thêm vào hồ sơ.", "Added to the case."),
    "msg_nothing_added": ("Các tin đăng này đã có trong hồ sơ.", "These listings are already in the case."),
    "msg_removed": ("Đã gỡ tin đăng khỏi hồ sơ.", "Listing removed from the case."),
    "msg_updated": ("Đã lưu.", "Saved."),
    "msg_moved": ("Đã chuyển trạng thái hồ sơ.", "Case status changed."),
    "users_title": ("Quản lý người dùng", "Users"),
    "role": ("Vai trò", "Role"),
    "role_admin": ("Quản trị", "Admin"),
    "role_analyst": ("Phân tích", "Analyst"),
    "role_inspector": ("Kiểm soát viên", "Inspector"),
    "active": ("Hoạt động", "Active"),
    "disabled": ("Đã khóa", "Disabled"),
    "disable": ("Khóa tài khoản", "Disable"),
    "enable": ("Mở khóa tài khoản", "Enable"),
    "change_role": ("Đổi vai trò", "Change role"),
    "reset_password": ("Đặt lại mật khẩu", "Reset password"),
    "new_password": ("Mật khẩu mới (ít nhất 10 ký tự)", "New password (at least 10 characters)"),
    "add_user": ("Thêm người dùng", "Add a user"),
    "sessions": ("Phiên đăng nhập", "Sessions"),
    "locked_until": ("Tạm khóa đến", "Locked until"),
    "last_admin": (
        "Không thể khóa hoặc hạ quyền quản trị viên cuối cùng; hãy tạo quản trị viên khác trước.",
        "The last admin cannot be disabled or demoted; make another admin first.",
    ),
    "msg_user_added": ("Đã thêm người dùng.", "User added."),
    "msg_role_changed": ("Đã đổi vai trò.", "Role changed."),
    "msg_user_disabled": (
        "Đã khóa tài khoản và kết thúc các phiên đăng nhập.",
        "Account disabled; its sessions ended.",
    ),
    "msg_user_enabled": ("Đã mở khóa tài khoản.", "Account enabled."),
    "msg_password_reset": (
        "Đã đặt lại mật khẩu; các phiên cũ đã kết thúc.",
        "Password reset; old sessions ended.",
    ),
    "sources_title": ("Nguồn dữ liệu và lượt thu thập gần nhất", "Sources and their last crawl"),
    "sources_file": ("Tệp cấu hình", "Configuration file"),
    "enabled": ("Bật", "Enabled"),
    "not_in_file": ("Không có trong tệp cấu hình", "Not in the file"),
    "spider": ("Spider", "Spider"),
    "last_run": ("Lượt gần nhất", "Last run"),
    "started": ("Bắt đầu", "Started"),
    "finished": ("Kết thúc", "Finished"),
    "pages": ("Trang", "Pages"),
    "new_flags": ("Cờ mới", "New flags"),
    "blocks": ("Bị chặn", "Blocks"),
    "yes": ("Có", "Yes"),
    "no": ("Không", "No"),
    "language": ("English", "Tiếng Việt"),
}


def translator(lang: str) -> Callable[..., str]:
    return _translators[1 if lang == "en" else 0]


def _make_translator(index: int) -> Callable[..., str]:
    def t(key: str, **values: object) -> str:
        pair = _TEXT.get(key)
        text = pair[index] if pair else key
        return text.format(**values) if values else text

    return t


_translators = (_make_translator(0), _make_translator(1))  # built once, not per request


class _Labels(dict[str, str]):
    """Texts of one key prefix by suffix (``cat_smuggled`` under ``smuggled``); an unknown suffix
    gives the key itself, as :func:`translator` does."""

    def __init__(self, prefix: str, index: int) -> None:
        super().__init__({k[len(prefix) :]: v[index] for k, v in _TEXT.items() if k.startswith(prefix)})
        self.prefix = prefix

    def __missing__(self, suffix: str) -> str:
        return self.prefix + suffix


@dataclass(frozen=True, slots=True)
class Labels:
    """Per-language lookup tables for pages that print a label per row (one dict look-up each, instead of
    building the key and calling the translator)."""

    cat: _Labels
    sev: _Labels
    st: _Labels


_labels = tuple(Labels(_Labels("cat_", i), _Labels("sev_", i), _Labels("st_", i)) for i in (0, 1))


def labels(lang: str) -> Labels:
    return _labels[1 if lang == "en" else 0]


def pick_language(query: str | None, cookie: str | None) -> str:
    for candidate in (query, cookie):
        if candidate in LANGUAGES:
            return candidate
    return DEFAULT_LANGUAGE
