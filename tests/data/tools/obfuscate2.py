"""Write ``labelled_obfuscated2.jsonl``: disguised spellings of the listings in ``labelled_holdout2.jsonl``.

Every positive listing of the holdout gets one variant ``<id>-o`` with the same labels; about forty
innocent listings get one too (``labels: []``). The tricks are the ones sellers use to slip past word
filters:

- whole text: no diacritics (``nodiac``), teencode (``teen``: ``ko``, ``hàg``, ``đc``, ``sp``, lower case, emoji);
- on the listing's signal phrases (``KEYS`` below, chosen by hand when the listing was written): dotted
  letters (``dots``: ``r.e.p``), one dot inside each word (``dot1``: ``xá.ch t.ay``), spaced letters
  (``spaces``: ``v a p e``), leetspeak (``leet``: ``f4k3``, ``ch@nel``), Cyrillic look-alikes
  (``cyrillic``), mathematical bold / italic / sans-serif bold / monospace letters (``math_*``),
  full-width letters (``fullwidth``), circled letters (``circled``), zero-width characters inside words
  (``zwsp``), emoji between letters (``emoji``), misspellings (``misspell``: ``Guccci``, ``xách tayy``),
  words run together (``nospace``: ``XáchTay``) or joined by underscores (``underscore``).

Tricks are dealt out in turn from a shuffled deck so that each is used about equally often; about a
third of the listings mix a phrase trick with a whole-text trick. The extra field ``trick`` names what
was done; evaluators ignore it. Brand names of medicines, vapes and spirits are not in ``KEYS`` for
listings without ``brand_infringement``: disguising a mark would, by the labelling guideline, add a
label, and the variants must keep the labels of their base listing.

Run from the repository root::

    .venv/bin/python tests/data/tools/obfuscate2.py
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from pathlib import Path

SEED = 20261129
DATA = Path(__file__).resolve().parent.parent
SRC = DATA / "labelled_holdout2.jsonl"
DST = DATA / "labelled_obfuscated2.jsonl"
N_INNOCENT = 42

WHOLE_TRICKS = ["nodiac", "teen"]
KEY_TRICKS = [
    "dots",
    "dot1",
    "spaces",
    "leet",
    "cyrillic",
    "math_bold",
    "math_italic",
    "math_sans_bold",
    "math_mono",
    "fullwidth",
    "circled",
    "zwsp",
    "emoji",
    "misspell",
    "nospace",
    "underscore",
]
# Trap words of innocent listings that are marks: they are never stylised (a stylised mark is a signal).
INNOCENT_NO_STYLE = {
    "Hermes",
    "Replay",
    "UA",
    "RE:P",
    "Jordan",
    "Omega",
    "AirPods",
    "Wi-Pod",
    "Wave Thái",
    "Nicorette",
}

CYRILLIC = str.maketrans(
    {
        "a": "а",
        "c": "с",
        "e": "е",
        "o": "о",
        "p": "р",
        "x": "х",
        "y": "у",
        "i": "і",
        "s": "ѕ",
        "A": "А",
        "B": "В",
        "C": "С",
        "E": "Е",
        "H": "Н",
        "K": "К",
        "M": "М",
        "O": "О",
        "P": "Р",
        "T": "Т",
        "X": "Х",
        "Y": "У",
        "I": "І",
        "S": "Ѕ",
    }
)
LEET = {
    "a": "4@",
    "e": "3",
    "i": "1!",
    "o": "0",
    "s": "5$",
    "t": "7",
    "A": "4@",
    "E": "3",
    "I": "1!",
    "O": "0",
    "S": "5$",
}
EMOJI = ["🔥", "✨", "💥", "🌸", "⭐", "💯", "🍀", "❤️"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060"]
MATH_STYLE = {
    "math_bold": "BOLD",
    "math_italic": "ITALIC",
    "math_sans_bold": "SANS-SERIF BOLD",
    "math_mono": "MONOSPACE",
}
MATH_HOLES = {("ITALIC", "h"): "\u210e"}
VOWEL_SWAP = {"a": "o", "o": "a", "e": "a", "i": "y", "u": "o", "y": "i"}
TEEN = [
    ("không", "ko"),
    ("khong", "ko"),
    ("được", "đc"),
    ("duoc", "dc"),
    ("hàng", "hàg"),
    ("hang", "hag"),
    ("sản phẩm", "sp"),
    ("san pham", "sp"),
    ("với", "vs"),
    ("gì", "j"),
    ("rồi", "r"),
    ("quá", "wá"),
    ("nhiều", "nhìu"),
    ("bạn", "bn"),
    ("mình", "mk"),
    ("inbox", "ib"),
    ("trước", "trc"),
    ("chính hãng", "chính hãg"),
    ("giá", "já"),
    ("thuốc", "thuốk"),
    ("nhé", "nhaa"),
    ("yêu", "iu"),
    ("biết", "bít"),
    ("vẫn", "vẩn"),
    ("cũng", "cũg"),
    ("anh em", "ae"),
    ("số lượng", "sl"),
    ("phê", "fê"),
]

# --- KEYS BEGIN ---
KEYS: dict[str, list[str]] = {
    "g0001": ["Ná cao su", "bi sắt"],
    "g0002": ["in lại date"],
    "g0003": ["monogram LV"],
    "g0004": ["Pandorra"],
    "g0005": ["Fake"],
    "g0006": ["Hỗ trợ giảm nguy cơ", "không phải là thuốc"],
    "g0008": ["Quá date"],
    "g0009": ["sim"],
    "g0010": ["Xì gà"],
    "g0013": ["HSD 09/2027"],
    "g0014": ["Gin"],
    "g0015": ["Jordan"],
    "g0016": ["inspired by Sauvage"],
    "g0018": ["Cần câu"],
    "g0019": ["Tăng 5kg chỉ sau 1 tháng"],
    "g0021": ["AAA"],
    "g0022": ["Đặc trị gout", "không tái phát"],
    "g0023": ["Nước vui"],
    "g0024": ["mật gấu"],
    "g0025": ["Bình chữa cháy"],
    "g0026": ["Filler"],
    "g0027": ["Vaccine dại"],
    "g0028": ["Duty Free", "không tem nhập khẩu"],
    "g0029": ["loại 1", "HSD 02/2026"],
    "g0030": ["Mật gấu"],
    "g0031": ["Sim rác", "nhận OTP"],
    "g0033": ["Sừng tê giác", "trị dứt điểm ung thư"],
    "g0034": ["giống hãng 90%"],
    "g0035": ["Giảm 6kg trong 7 ngày"],
    "g0036": ["tăng cân Thái Lan"],
    "g0038": ["HSD: 15.06.26"],
    "g0039": ["xách tay"],
    "g0040": ["Xăng Cam"],
    "g0041": ["Súng bắn nhiệt"],
    "g0042": ["date 2021"],
    "g0043": ["replica"],
    "g0044": ["Mifepristone", "phá thai"],
    "g0045": ["Lông mi giả"],
    "g0047": ["Wi-Pod"],
    "g0048": ["hsd t8/2026"],
    "g0049": ["Asisc"],
    "g0050": ["UA"],
    "g0051": ["không hóa đơn"],
    "g0052": ["Thay thế Viagra", "sildenafil"],
    "g0053": ["Máy tạo khói"],
    "g0054": ["đồi mồi"],
    "g0055": ["nội địa"],
    "g0057": ["diệt muỗi"],
    "g0058": ["bay tay", "không tem phụ"],
    "g0059": ["coil"],
    "g0060": ["bay air", "bill DM"],
    "g0063": ["chữa lành"],
    "g0065": ["thuốc lá"],
    "g0067": ["Tài khoản ngân hàng", "kèm sim"],
    "g0068": ["Diorr"],
    "g0069": ["giống 1:1"],
    "g0070": ["nội địa Trung", "tận gốc vĩnh viễn"],
    "g0072": ["tẩy trang", "HSD 2028"],
    "g0073": ["Súng nước"],
    "g0074": ["in lại date"],
    "g0075": ["in serial theo yêu cầu"],
    "g0076": ["Nicorette"],
    "g0077": ["Ciprofloxacin", "Kháng sinh"],
    "g0078": ["Sim"],
    "g0080": ["Replay"],
    "g0081": ["tem phụ"],
    "g0082": ["tăng chiều cao 7cm"],
    "g0083": ["Hạn dùng: 2026-08-14"],
    "g0085": ["Omega"],
    "g0087": ["Cỏ Mỹ"],
    "g0091": ["Micheal Kros"],
    "g0094": ["Tiêu diệt HPV"],
    "g0095": ["sữa đóng lại"],
    "g0096": ["Thuốc lá"],
    "g0097": ["Lepin bản copy"],
    "g0099": ["pháo"],
    "g0100": ["chuẩn mẫu VCA"],
    "g0101": ["ngà voi"],
    "g0102": ["cá ngựa"],
    "g0103": ["Thái"],
    "g0104": ["xì khói", "nicotine"],
    "g0105": ["Super fake"],
    "g0106": ["Campuchia", "không tem"],
    "g0108": ["Vodka", "40%"],
    "g0109": ["Mã tấu"],
    "g0110": ["xách tay Mỹ"],
    "g0112": ["copy cao cấp"],
    "g0113": ["F1"],
    "g0114": ["Rượu nếp", "40 độ"],
    "g0115": ["Rượu ngâm"],
    "g0116": ["RE:P"],
    "g0117": ["THC"],
    "g0119": ["Thuốc lá sợi", "cuốn tay"],
    "g0120": ["Dao găm"],
    "g0121": ["fake"],
    "g0125": ["đường chín đoạn"],
    "g0126": ["xuất Nhật"],
    "g0127": ["Thuốc lào"],
    "g0128": ["Lacostte"],
    "g0129": ["Pháo giấy"],
    "g0130": ["ngâm rượu"],
    "g0131": ["Túi xách tay"],
    "g0132": ["Tăng chiều cao 3cm"],
    "g0134": ["mua bán thận"],
    "g0135": ["Dupe Charlotte Tilbury"],
    "g0136": ["nội địa Nhật", "xách tay"],
    "g0137": ["con hổ"],
    "g0138": ["đầu pod"],
    "g0139": ["xách tay", "HSD 03/2026"],
    "g0140": ["nội địa"],
    "g0141": ["in date", "hạn sử dụng"],
    "g0142": ["giảm 10cm vòng eo sau 1 tuần"],
    "g0143": ["Cognac"],
    "g0144": ["KClO3", "dây cháy chậm"],
    "g0145": ["siêu cấp like au"],
    "g0146": ["siêu cấp", "loại 1"],
    "g0147": ["trôi nổi", "không rõ nguồn gốc"],
    "g0148": ["Hổ Vằn", "như thật"],
    "g0150": ["nội địa Nhật", "không hóa đơn"],
    "g0151": ["Tóc giả"],
    "g0152": ["Date mới", "HSD 2027"],
    "g0153": ["Hết hạn 08/2026", "kháng sinh"],
    "g0154": ["mùi giống Baccarat"],
    "g0155": ["điều trị ung thư"],
    "g0156": ["order Taobao", "nội địa Trung"],
    "g0158": ["Hoa giả"],
    "g0159": ["taser"],
    "g0160": ["như Burberry"],
    "g0161": ["xách tay không hóa đơn"],
    "g0162": ["Sonyy"],
    "g0163": ["Bút thở", "tinh dầu nicotine"],
    "g0164": ["Cận date", "HSD 31/12/2026"],
    "g0165": ["logo Mercedes"],
    "g0167": ["Tiếp viên mang về"],
    "g0168": ["Pháo bi"],
    "g0170": ["Trị dứt điểm", "không tái phát"],
    "g0171": ["loại nội địa"],
    "g0172": ["Ngăn ngừa ung thư", "tan sỏi thận"],
    "g0173": ["đăng ký chính chủ"],
    "g0174": ["AirPods"],
    "g0176": ["Hermes"],
    "g0177": ["HSD 08/2025"],
    "g0178": ["đòi nợ thuê", "thu hồi nợ khó đòi"],
    "g0179": ["Súng bắn keo"],
    "g0180": ["công nghệ Nhật"],
    "g0181": ["Hỗ trợ tăng cường sức đề kháng", "không phải là thuốc"],
    "g0182": ["xách tay", "không tem"],
    "g0183": ["salt nic", "Juice"],
    "g0184": ["mirror"],
    "g0185": ["paraquat"],
    "g0187": ["bóng cười", "N2O", "bar"],
    "g0188": ["Phân bón"],
    "g0189": ["Thuốc trừ bệnh"],
    "g0190": ["kiểu dáng Fjallraven"],
    "g0192": ["Soju", "16.5%"],
    "g0193": ["hàng Thái"],
    "g0195": ["hàng Quảng Châu", "loại 1"],
    "g0196": ["Date 12/3/2025"],
    "g0197": ["Súng PCP", "đạn chì"],
    "g0198": ["Thuốc trừ sâu"],
    "g0200": ["chưa qua QC", "1/5 store"],
    "g0201": ["phong cách Anh Quốc"],
    "g0202": ["vĩnh viễn", "100% thành công"],
    "g0203": ["Thần dược", "khỏi vĩnh viễn"],
    "g0204": ["kháng sinh", "không cần đơn"],
    "g0206": ["logo Porsche"],
    "g0207": ["Rayban", "Loại 1"],
    "g0208": ["Dao"],
    "g0209": ["hổ mang chúa", "rượu"],
    "g0210": ["Rượu Bàu Đá"],
    "g0211": ["hết HSD", "tem hạn bị bóc"],
    "g0212": ["đường mòn"],
    "g0213": ["hàng bãi", "Máy bãi"],
    "g0214": ["Phục hồi 100% thị lực", "hết cận thị"],
    "g0215": ["Pod", "hơi"],
    "g0216": ["loại 1", "y chang hàng hãng"],
    "g0217": ["nội địa Nhật", "Order Nhật"],
    "g0218": ["tăng chiều cao cho người lớn"],
    "g0219": ["date mới", "HSD 05/2027"],
    "g0220": ["Bản trung"],
    "g0221": ["nội địa Trung", "không nhãn phụ"],
    "g0222": ["sửa chữa"],
    "g0223": ["HSD 3 tháng"],
    "g0224": ["HSD 11/2026"],
    "g0225": ["insulin"],
    "g0226": ["Trống đồng Đông Sơn cổ", "khai quật"],
    "g0227": ["date xa"],
    "g0228": ["Stanlay"],
    "g0229": ["phun thuốc trừ sâu"],
    "g0230": ["Móng tay giả"],
    "g0232": ["lấy cảm hứng từ Fear of God"],
    "g0233": ["Cao hổ cốt", "xương hổ"],
    "g0234": ["đường mòn"],
    "g0235": ["Tăng chiều cao 8-12cm"],
    "g0236": ["Thay thế thuốc huyết áp", "ngăn ngừa đột quỵ"],
    "g0237": ["ngừa 100%"],
    "g0238": ["VNXK"],
    "g0240": ["Adidass", "Hàng trung"],
    "g0241": ["Roi điện", "chích điện"],
    "g0242": ["alprazolam"],
    "g0243": ["Chai rỗng", "nguyên seal"],
    "g0244": ["nội địa"],
    "g0245": ["trị nẻ"],
    "g0246": ["lưỡi sắc"],
    "g0247": ["vape", "coil"],
    "g0248": ["diệt ốc"],
    "g0249": ["Súng cồn"],
    "g0250": ["xịt hơi cay"],
    "g0251": ["N2O"],
    "g0252": ["xách tay Pháp", "bill Sephora"],
    "g0253": ["isotretinoin"],
    "g0255": ["Bia"],
    "g0256": ["nội địa Thái"],
    "g0257": ["Cà pháo"],
    "g0258": ["full box sổ thẻ"],
    "g0259": ["xách tay"],
    "g0260": ["xách tay", "exp 07/2026"],
    "g0261": ["Gạt tàn thuốc lá"],
    "g0262": ["Chữa khỏi ung thư", "xách tay"],
    "g0263": ["nội địa Nhật", "Hàng air"],
    "g0264": ["kích hoạt sẵn", "đăng ký thông tin sẵn"],
    "g0265": ["xyanua", "KCN"],
    "g0266": ["không cần đăng ký"],
    "g0267": ["sibutramine", "Giảm 15kg trong 1 tháng"],
    "g0268": ["tripod"],
    "g0269": ["Pháo dàn", "Pháo nổ"],
    "g0270": ["HSD 05/2026"],
    "g0271": ["tiểu đường"],
    "g0272": ["nội địa Úc", "bay air"],
    "g0273": ["khỏi hẳn", "không dùng insulin"],
    "g0274": ["Date lùi", "in lại bao bì"],
    "g0275": ["Hút chì", "hút độc tố"],
    "g0276": ["Cơm rượu"],
    "g0277": ["Kiếm gỗ"],
    "g0280": ["Hỗ trợ tăng cân"],
    "g0281": ["Crocks"],
    "g0282": ["kiểu dáng thể thao"],
    "g0284": ["Thuốc lá điện tử"],
    "g0285": ["Exp: 2026.09.30"],
    "g0286": ["Dao"],
    "g0287": ["Trị dứt điểm", "xách tay"],
    "g0288": ["hạn đã qua"],
    "g0290": ["Men rượu"],
    "g0291": ["nội địa Nhật"],
    "g0292": ["xách tay Mỹ", "bill Walgreens"],
    "g0293": ["Nước ép hoa quả", "máy pod"],
    "g0294": ["heli"],
    "g0297": ["bẫy rừng", "bẫy mộc"],
    "g0298": ["nội địa Nhật"],
    "g0301": ["giả da"],
    "g0302": ["Khỉ"],
    "g0303": ["Cần sang nhượng"],
    "g0304": ["Hộp đựng pod"],
    "g0306": ["NSX 02/2025 HSD 12 tháng"],
    "g0307": ["Giảm 7-10kg", "nội địa Thái"],
    "g0309": ["phong cách Nhật"],
    "g0310": ["Tăng 30 điểm IQ"],
    "g0311": ["Đẩy lùi tế bào ung thư"],
    "g0312": ["xách tay Mỹ"],
    "g0313": ["bill Chemist Warehouse"],
    "g0314": ["Exp 03/25"],
    "g0315": ["Đầu pod", "tinh dầu"],
    "g0317": ["Nấm thần", "psilocybin"],
    "g0319": ["vaporizer"],
    "g0320": ["airsoft", "bắn bi"],
    "g0321": ["chữa thâm môi"],
    "g0322": ["HSD 12/2025"],
    "g0323": ["Bill Costco", "xách tay"],
    "g0324": ["Trẻ hóa 15 tuổi"],
    "g0325": ["giảm rụng tóc"],
    "g0327": ["Xăng"],
    "g0328": ["Mọc tóc 100%"],
    "g0329": ["sừng trâu"],
    "g0330": ["logo Supreme"],
    "g0331": ["trị mụn"],
    "g0333": ["HSD 11/2025"],
    "g0334": ["Cận date", "HSD 12/2026"],
    "g0335": ["lưỡi hổ"],
    "g0336": ["bệ 49", "nổ đùng"],
    "g0339": ["quá hạn sử dụng"],
    "g0340": ["xách tay", "không qua kiểm dịch"],
    "g0341": ["hàng mao", "tiểu ngạch"],
    "g0342": ["glyphosate"],
    "g0343": ["Fake Love"],
    "g0344": ["chữa khỏi gan nhiễm mỡ"],
    "g0345": ["xách tay"],
    "g0346": ["đồ si", "Hàng thùng"],
    "g0347": ["nội địa Nhật", "không nhãn phụ"],
    "g0348": ["cá sấu"],
    "g0349": ["tiểu ngạch", "không giấy kiểm dịch"],
    "g0350": ["Tinh dầu tràm"],
    "g0353": ["Máy xông hoa quả", "nước ép"],
    "g0354": ["Best before"],
    "g0355": ["Chữa khỏi tiểu đường", "bỏ hẳn thuốc tây"],
    "g0356": ["Súng massage"],
    "g0357": ["Ivermectin", "tiêm"],
    "g0358": ["Clean Factory", "clone"],
    "g0359": ["hải quan thanh lý", "tịch thu"],
    "g0360": ["phong cách Hàn Quốc"],
    "g0361": ["Rượu vang nổ"],
    "g0362": ["đầu pod", "tinh dầu"],
    "g0363": ["Kleennex", "nội địa Hàn"],
    "g0364": ["bản thái"],
    "g0365": ["exp 2026-03"],
    "g0366": ["Mùi chuẩn 99%"],
    "g0367": ["Máy tính xách tay"],
    "g0368": ["xách tay"],
    "g0369": ["xách tay"],
    "g0371": ["rep 1 1"],
    "g0372": ["date 2019"],
    "g0373": ["chuẩn Mỹ"],
    "g0374": ["Vape"],
    "g0375": ["pods"],
    "g0377": ["metformin"],
    "g0378": ["dáng Lady Dior"],
    "g0379": ["logo Rolex"],
    "g0380": ["chữa lành"],
    "g0381": ["Soju"],
    "g0382": ["duty free"],
    "g0383": ["Máy xông"],
    "g0384": ["Bản đồ"],
    "g0385": ["Pháo trứng"],
    "g0386": ["Hỗ trợ giảm đường huyết"],
    "g0387": ["Nikke", "rep 1:1"],
    "g0388": ["Trichoderma"],
    "g0389": ["tiểu ngạch", "không chứng từ"],
    "g0390": ["Hạn sử dụng: 20/11/2026"],
    "g0391": ["giống 99%"],
    "g0392": ["Bia không cồn"],
    "g0394": ["diệt chuột"],
    "g0395": ["06/2026"],
    "g0397": ["chuẩn xịn xuất khẩu"],
    "g0398": ["Tramadol"],
    "g0399": ["Tinh dầu", "xông"],
    "g0400": ["Rượu vang"],
    "g0401": ["Date 2025"],
    "g0402": ["Cartler", "Hàng fake"],
    "g0403": ["lông đuôi voi"],
    "g0404": ["hết cao huyết áp", "không cần uống thuốc"],
    "g0406": ["nội địa Nhật"],
    "g0407": ["Bản LJR"],
    "g0408": ["Pháo hoa Z121", "không nổ"],
    "g0409": ["hết date"],
    "g0410": ["hàng thùng", "si thùng"],
    "g0412": ["phong cách Bắc Âu"],
    "g0413": ["Best before 10/10/2026"],
    "g0415": ["Date 2025"],
    "g0416": ["sf", "y hình"],
    "g0417": ["sửa date", "tẩy date"],
    "g0418": ["Date 2026"],
    "g0419": ["SX 04/2025 HD: 1 năm"],
    "g0422": ["clobetasol"],
    "g0423": ["Sake", "16%"],
    "g0424": ["Vảy tê tê"],
    "g0425": ["nội địa Nhật", "Máy bãi"],
    "g0428": ["màu ngà"],
    "g0430": ["Channol"],
    "g0431": ["date 10/2026"],
    "g0432": ["Hàng bãi", "điện 100V"],
    "g0433": ["không bán hàng fake"],
    "g0434": ["xuất khẩu"],
    "g0435": ["nhập khẩu từ Nhật Bản"],
    "g0436": ["chữa khỏi vô sinh"],
    "g0438": ["cần sa"],
    "g0439": ["chữ Chanel CC"],
    "g0441": ["4 channel"],
    "g0442": ["Wave Thái"],
    "g0443": ["hết hạn khuyến mãi"],
    "g0444": ["tạo nạc", "salbutamol"],
    "g0445": ["in logo Gucci"],
}
# --- KEYS END ---


def strip_marks(s: str) -> str:
    """Vietnamese text without diacritics (đ → d)."""
    s = unicodedata.normalize("NFD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", s.replace("đ", "d").replace("Đ", "D"))


def teencode(s: str, rng: random.Random) -> str:
    for word, short in TEEN:
        s = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", short, s, flags=re.IGNORECASE)
    if rng.random() < 0.5:
        s = s.lower()
    return s


def per_letter(s: str, fn) -> str:
    """Apply fn to every base letter; combining marks stay on their letter."""
    out = []
    for ch in unicodedata.normalize("NFD", s):
        out.append(ch if unicodedata.combining(ch) else fn(ch))
    return "".join(out)


def math_letter(ch: str, style: str) -> str:
    if not ("a" <= ch.lower() <= "z"):
        return ch
    if (style, ch) in MATH_HOLES:
        return MATH_HOLES[(style, ch)]
    case = "SMALL" if ch.islower() else "CAPITAL"
    try:
        return unicodedata.lookup(f"MATHEMATICAL {style} {case} {ch.upper()}")
    except KeyError:
        return ch


def fullwidth(ch: str) -> str:
    return chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch


def circled(ch: str) -> str:
    if "a" <= ch <= "z":
        return chr(0x24D0 + ord(ch) - ord("a"))
    if "A" <= ch <= "Z":
        return chr(0x24B6 + ord(ch) - ord("A"))
    return ch


def between_letters(s: str, sep: str) -> str:
    """sep between the letters of each word (accented letters kept whole)."""
    words = unicodedata.normalize("NFC", s).split(" ")
    return " ".join(sep.join(w) for w in words)


def misspell(s: str, rng: random.Random) -> str:
    """One typo in one word: a doubled letter, a swapped vowel or a lost mark. Digits are never touched,
    so dates and doses stay readable."""
    words = s.split(" ")
    idx = [i for i, w in enumerate(words) if sum(ch.isalpha() for ch in w) >= 3]
    idx = idx or [i for i, w in enumerate(words) if any(ch.isalpha() for ch in w)]
    if not idx:
        return s
    i = rng.choice(idx)
    w = words[i]
    kind = rng.choice(["double", "vowel", "mark"])
    plain = [j for j, ch in enumerate(w) if ch.lower() in VOWEL_SWAP]
    if kind == "vowel" and plain:
        j = rng.choice(plain)
        new = VOWEL_SWAP[w[j].lower()]
        w = w[:j] + (new.upper() if w[j].isupper() else new) + w[j + 1 :]
    elif kind == "mark" and strip_marks(w) != w:
        w = strip_marks(w)
    else:
        j = max(k for k, ch in enumerate(w) if ch.isalpha())
        w = w[: j + 1] + w[j] + w[j + 1 :]
    words[i] = w
    return " ".join(words)


def disguise(s: str, trick: str, rng: random.Random) -> str:
    """One phrase, disguised by one trick."""
    if trick == "dots":
        return between_letters(s, ".")
    if trick == "dot1":
        return " ".join(w[: len(w) // 2] + "." + w[len(w) // 2 :] if len(w) >= 3 else w for w in s.split(" "))
    if trick == "spaces":
        return "  ".join(" ".join(w) for w in s.split(" "))
    if trick == "leet":
        done = [rng.choice(LEET[ch]) if ch in LEET and rng.random() < 0.7 else ch for ch in s]
        if "".join(done) == s:  # make sure at least one letter changes
            for k, ch in enumerate(s):
                if ch in LEET:
                    done[k] = LEET[ch][0]
                    break
        return "".join(done)
    if trick == "cyrillic":
        return unicodedata.normalize("NFC", per_letter(s, lambda ch: ch.translate(CYRILLIC)))
    if trick in MATH_STYLE:
        return per_letter(s, lambda ch: math_letter(ch, MATH_STYLE[trick]))
    if trick == "fullwidth":
        return per_letter(s, fullwidth)
    if trick == "circled":
        return per_letter(s, circled)
    if trick == "zwsp":
        return between_letters(s, rng.choice(ZERO_WIDTH))
    if trick == "emoji":
        return between_letters(s, rng.choice(EMOJI))
    if trick == "misspell":
        return misspell(s, rng)
    if trick == "nospace":
        return "".join(w[:1].upper() + w[1:] for w in s.split(" "))
    if trick == "underscore":
        return "_".join(s.split(" "))
    raise ValueError(trick)


def replace_keys(rec: dict, keys: list[str], trick: str, rng: random.Random) -> None:
    for key in sorted(keys, key=len, reverse=True):
        pattern = re.compile(re.escape(key), re.IGNORECASE)
        for field in ("title", "description", "shop_name"):
            rec[field] = pattern.sub(lambda m: disguise(m.group(0), trick, rng), rec[field])


def whole(rec: dict, trick: str, rng: random.Random) -> None:
    fields = ["title", "description"] + (["shop_name"] if rng.random() < 0.5 else [])
    for field in fields:
        rec[field] = strip_marks(rec[field]) if trick == "nodiac" else teencode(rec[field], rng)
    if trick == "teen" and rng.random() < 0.5:
        rec["title"] = rec["title"] + " " + rng.choice(EMOJI) * rng.randint(1, 3)


class Deck:
    """Deal tricks in turn from a reshuffled deck, skipping those that do not fit."""

    def __init__(self, tricks: list[str], rng: random.Random) -> None:
        self.tricks, self.rng, self.cards = list(tricks), rng, []

    def deal(self, fits=lambda t: True) -> str:
        for _ in range(3 * len(self.tricks)):
            if not self.cards:
                self.cards = list(self.tricks)
                self.rng.shuffle(self.cards)
            card = self.cards.pop()
            if fits(card):
                return card
        raise RuntimeError("no trick fits")


def variant(base: dict, keys: list[str], tricks: list[str], rng: random.Random) -> dict:
    rec = dict(base)
    rec["id"] = base["id"] + "-o"
    for trick in tricks:  # whole-text tricks first, then the phrase trick on the rewritten phrase
        if trick in WHOLE_TRICKS:
            whole(rec, trick, rng)
            if trick == "nodiac":
                keys = [strip_marks(k) for k in keys]
            else:
                keys = [teencode(k, random.Random(0)).lower() for k in keys]
                keys = [
                    k
                    for k in keys
                    if k in " ".join((rec["title"], rec["description"], rec["shop_name"])).lower()
                ]
        else:
            replace_keys(rec, keys, trick, rng)
    for field in ("title", "description", "shop_name"):
        rec[field] = unicodedata.normalize("NFC", rec[field])
    rec["trick"] = "+".join(tricks)
    return rec


# Variants whose disguise turned a mark into "both" by the labelling guideline (tests/data/README.md,
# "counterfeit vs brand_infringement": a stylised, spaced, leet, zero-width or emoji-split brand name on
# goods of the brand's own kind from a non-official seller, with no "kiểu dáng / dáng / dupe / inspired"
# wording): they get counterfeit on top of their base labels. Added on 2026-11-29 (issue 3 review).
BOTH_BY_GUIDELINE = {"g0004-o", "g0049-o", "g0068-o", "g0162-o", "g0228-o", "g0281-o", "g0430-o"}
CATEGORY_ORDER = ["counterfeit", "brand_infringement", "smuggled", "prohibited", "restricted", "expired", "misleading"]


def plan(keys: list[str], key_deck: Deck, whole_deck: Deck, rng: random.Random) -> list[str]:
    """Which tricks one listing gets: a phrase trick, a whole-text trick, or both."""
    if not keys:
        return [whole_deck.deal()]
    multiword = any(" " in k for k in keys)
    trick = key_deck.deal(lambda t: multiword or t not in ("nospace", "underscore"))
    if rng.random() < 0.3:
        return [whole_deck.deal(), trick]
    return [trick]


def main() -> None:
    rng = random.Random(SEED)
    base = [json.loads(line) for line in SRC.read_text(encoding="utf-8").splitlines()]
    key_deck, whole_deck = Deck(KEY_TRICKS, rng), Deck(WHOLE_TRICKS, rng)
    innocent = [r for r in base if not r["labels"]]
    with_keys = [r for r in innocent if KEYS.get(r["id"])]
    without = [r for r in innocent if not KEYS.get(r["id"])]
    chosen = set(r["id"] for r in rng.sample(with_keys, min(len(with_keys), N_INNOCENT * 3 // 4)))
    chosen |= set(r["id"] for r in rng.sample(without, N_INNOCENT - len(chosen)))
    out = []
    for rec in base:
        keys = KEYS.get(rec["id"], [])
        if rec["labels"]:
            tricks = plan(keys, key_deck, whole_deck, rng)
        elif rec["id"] in chosen:
            keys = [k for k in keys if k not in INNOCENT_NO_STYLE]
            tricks = plan(keys, key_deck, whole_deck, rng) if keys else [whole_deck.deal()]
        else:
            continue
        v = variant(rec, keys, tricks, rng)
        if all(v[f] == rec[f] for f in ("title", "description", "shop_name")):  # nothing took: strip marks
            v = variant(rec, keys, ["nodiac"], rng)
            if all(v[f] == rec[f] for f in ("title", "description", "shop_name")):
                v = variant(rec, [], ["teen"], rng)
        if v["id"] in BOTH_BY_GUIDELINE:
            v["labels"] = sorted({*v["labels"], "counterfeit"}, key=CATEGORY_ORDER.index)
        out.append(v)
    with DST.open("w", encoding="utf-8") as f:
        for v in out:
            f.write(json.dumps(v, ensure_ascii=False) + "\n")
    n_pos = sum(1 for v in out if v["labels"])
    print(f"{len(out)} variants ({n_pos} positive, {len(out) - n_pos} innocent) -> {DST.name}")


if __name__ == "__main__":
    main()
