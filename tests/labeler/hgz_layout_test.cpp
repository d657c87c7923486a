// The printed 承诺达标合格证: the whole text on the label, nothing cut, nothing on the QR; its QR
// small enough for a 50 mm label.
#include "labeler/hgz_layout.h"

#include <catch2/catch.hpp>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/qr_code.h"
#include "labeler/label_font.h"
#include "labeler/tspl_font.h"
#include "test_support.h"

namespace agritrace::labeler {
namespace {

// The outline font every format but TSPL measures with (its absence fails the other tests).
const LabelFont& Font() { return *LabelFont::Get().value(); }

LabelContent Certificate() {
  LabelContent c;
  c.qr_text = HgzUrl(testing::kBase, "H7KQ2M9XW4C");
  c.certificate = {"承诺达标合格证",
                   "编号：H7KQ2M9XW4C",
                   "产品名称：白沙绿茶",
                   "重量：12.5 公斤",
                   "产地：海南省白沙黎族自治县牙叉镇南溪村",
                   "承诺主体（生产者）：白沙县牙叉镇茶叶专业合作社",
                   "统一社会信用代码：91350100M000100Y43",
                   "联系电话：13800138000",
                   "开具日期：2026-12-02",
                   "承诺依据：委托检测合格（检测报告编号 HN2026-0412）",
                   "承诺内容：未使用禁用农药、兽药及其他化合物；使用的常规农药、兽药残留不超标。",
                   "批次：7KQ2M-9XW4C"};
  return c;
}

TEST_CASE("a certificate's QR is alphanumeric and version 3 or less at ECC M", "[hgz]") {
  // The longest base URL the design allows (30 characters) and an 11-character number.
  const std::string url = HgzUrl(std::string(testing::kBase) + "/", "h7kq2m9xw4c");
  CHECK(url == std::string(testing::kBase) + "/H/H7KQ2M9XW4C");
  CHECK(IsQrAlphanumeric(url));
  auto qr = QrCode::Encode(url, EccLevel::kM);
  REQUIRE(qr.ok());
  CHECK(qr->version() <= 3);
  CHECK(testing::DecodeOne(testing::RasterizeQr(*qr, 4)) == url);
}

TEST_CASE("the whole certificate fits the market sizes, uncut and clear of the QR", "[hgz]") {
  const LabelContent c = Certificate();
  auto qr = QrCode::Encode(c.qr_text, EccLevel::kM);
  REQUIRE(qr.ok());
  for (auto [w, h] : {std::pair{100.0, 70.0}, {80.0, 60.0}, {50.0, 30.0}, {148.0, 210.0},
                      {100.0, 95.0}}) {
    INFO(w << "x" << h);
    auto layout = LayoutHgz(c, qr->width(), {w, h, 203}, Font());
    REQUIRE(layout.ok());
    REQUIRE(layout->lines.size() > c.certificate.size() - 1);
    CHECK(layout->lines[0].text == "承诺达标合格证");
    std::string body;
    const double q = kQuietZoneModules * layout->module_mm();
    const double qx0 = layout->qr_x_mm() - q, qy0 = layout->qr_y_mm() - q,
                 qx1 = layout->qr_x_mm() + layout->qr_size_mm() + q,
                 qy1 = layout->qr_y_mm() + layout->qr_size_mm() + q;
    CHECK(qx0 >= 0);
    CHECK(qx1 <= w + 1e-6);
    CHECK(qy1 <= h + 1e-6);
    CHECK(layout->module_mm() >= kMinModuleMm - 1e-9);
    for (size_t i = 0; i < layout->lines.size(); ++i) {
      const TextLine& l = layout->lines[i];
      CHECK_FALSE(l.cut);
      CHECK(l.x_mm >= 0);
      CHECK(l.x_mm + l.width_mm <= w + 1e-6);
      const double bottom = l.top_mm + Font().LineHeight(l.size_mm);
      CHECK(bottom <= h + 1e-6);
      const bool overlaps = l.x_mm < qx1 && qx0 < l.x_mm + l.width_mm && l.top_mm < qy1 &&
                            qy0 < bottom;
      CHECK_FALSE(overlaps);
      if (i > 0) {
        body += l.text;
        // The title is the largest text on the certificate.
        CHECK(l.size_mm < layout->lines[0].size_mm);
      }
    }
    std::string want;
    for (size_t i = 1; i < c.certificate.size(); ++i) want += c.certificate[i];
    CHECK(body == want);  // every field, the commitment whole: nothing cut or left off
  }
}

TEST_CASE("a certificate that cannot fit is refused with sizes that would", "[hgz]") {
  const LabelContent c = Certificate();
  auto qr = QrCode::Encode(c.qr_text, EccLevel::kM);
  REQUIRE(qr.ok());
  // The TSPL printer's own font has 3 mm cells at 203 dpi: far too big for 50 × 30 mm.
  TsplFontMetrics tspl(203);
  auto small = LayoutHgz(c, qr->width(), {50, 30, 203}, tspl);
  REQUIRE_FALSE(small.ok());
  CHECK(small.status().reason() == "label-too-small");
  CHECK(small.status().zh().find("100x70") != std::string::npos);
  CHECK(LayoutHgz(c, qr->width(), {100, 70, 203}, tspl).ok());
  CHECK_FALSE(LayoutHgz(c, qr->width(), {20, 20, 203}, Font()).ok());
}

}  // namespace
}  // namespace agritrace::labeler
