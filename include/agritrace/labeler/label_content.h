// What one label says. Renderers lay it out with LayoutLabel (label_layout.h); every field
// except qr_text and code_display may be empty and is then left off the label. qr_text,
// code_display and organic_code change from unit to unit; the rest is the lot's.
#pragma once

#include <string>
#include <vector>

namespace agritrace::labeler {

struct LabelContent {
  std::string qr_text;       // UnitUrl / LotUrl / Gs1DigitalLinkUrl, upper case
  std::string code_display;  // "XXXX-XXXX-XXXX-XXXX" (unit) or "XXXXX-XXXXX" (lot)
  std::string product_name;  // 白沙绿茶
  std::string brand;         // 白沙绿茶 (区域公用品牌)
  std::vector<std::string> badges;  // "绿色食品 LB-18-…", "有机 有机码…", "地理标志 AGI00123"
  std::string lot_code;             // printed as "批次 XXXXX-XXXXX"
  std::string packed;               // packing date YYYY-MM-DD, printed as "包装 …"
  std::string origin;               // village, printed as "产地 …"
  std::string footer = "扫码验真";
  // 有机码 of this unit (17 digits, 18 under the 2024 rules), for organic products: printed as
  // "有机码 …" in a band of its own, never cut. Empty: none.
  std::string organic_code;
  // A 承诺达标合格证 (hgz_layout.h): its title, then its fields as paragraphs. When not empty
  // the label is laid out as the certificate, and only qr_text is used beside it.
  std::vector<std::string> certificate;
};

}  // namespace agritrace::labeler
