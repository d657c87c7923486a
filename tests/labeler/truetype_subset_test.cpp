#include "labeler/truetype_subset.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H

#include <catch2/catch.hpp>

namespace agritrace::labeler {
namespace {

// The subset loaded back with FreeType, as a PDF viewer would.
class LoadedFont {
 public:
  explicit LoadedFont(const std::string& bytes) : bytes_(bytes) {
    REQUIRE(FT_Init_FreeType(&library_) == 0);
    ok_ = FT_New_Memory_Face(library_, reinterpret_cast<const FT_Byte*>(bytes_.data()),
                             static_cast<FT_Long>(bytes_.size()), 0, &face_) == 0;
  }
  ~LoadedFont() {
    if (face_) FT_Done_Face(face_);
    FT_Done_FreeType(library_);
  }
  bool ok() const { return ok_; }
  FT_Face face() const { return face_; }
  // Outline points of glyph `g` (0 for an emptied glyph); -1 when it does not load.
  int Points(uint32_t g) const {
    if (FT_Load_Glyph(face_, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING) != 0) return -1;
    return face_->glyph->outline.n_points;
  }

 private:
  std::string bytes_;
  FT_Library library_ = nullptr;
  FT_Face face_ = nullptr;
  bool ok_ = false;
};

TEST_CASE("TrueType subset keeps glyph ids and only the outlines drawn", "[truetype_subset]") {
  Result<const LabelFont*> font = LabelFont::Get();
  REQUIRE(font.ok());
  const LabelFont& f = **font;
  const uint32_t bai = f.Glyph(U'白'), sha = f.Glyph(U'沙'), digit = f.Glyph(U'7');
  const uint32_t unused = f.Glyph(U'龍');
  REQUIRE(bai != 0);
  REQUIRE(unused != 0);
  std::vector<bool> used(f.facts().num_glyphs, false);
  used[bai] = used[sha] = used[digit] = true;

  Result<std::string> subset = SubsetTrueType(f, used);
  REQUIRE(subset.ok());
  LoadedFont loaded(*subset);
  REQUIRE(loaded.ok());
  CHECK(loaded.face()->num_glyphs == f.facts().num_glyphs);  // ids unchanged
  CHECK(loaded.face()->units_per_EM == f.facts().units_per_em);
  CHECK(loaded.Points(bai) > 0);
  CHECK(loaded.Points(sha) > 0);
  CHECK(loaded.Points(digit) > 0);
  CHECK(loaded.Points(unused) == 0);  // emptied
  CHECK(loaded.Points(0) >= 0);
  // Only what is drawn is carried: a few glyphs of a CJK font are far smaller than the font.
  const uint32_t glyf = f.SfntLength(0x676C7966);  // 'glyf'
  CHECK(subset->size() < glyf / 4);

  // The whole-font checksum is the magic number (OpenType 'head' checkSumAdjustment).
  uint32_t sum = 0;
  for (size_t i = 0; i + 4 <= subset->size(); i += 4) {
    sum += static_cast<uint32_t>(static_cast<unsigned char>((*subset)[i])) << 24 |
           static_cast<uint32_t>(static_cast<unsigned char>((*subset)[i + 1])) << 16 |
           static_cast<uint32_t>(static_cast<unsigned char>((*subset)[i + 2])) << 8 |
           static_cast<uint32_t>(static_cast<unsigned char>((*subset)[i + 3]));
  }
  CHECK(subset->size() % 4 == 0);
  CHECK(sum == 0xB1B0AFBAu);
}

TEST_CASE("TrueType subset of no glyphs still loads", "[truetype_subset]") {
  Result<const LabelFont*> font = LabelFont::Get();
  REQUIRE(font.ok());
  Result<std::string> subset = SubsetTrueType(**font, {});
  REQUIRE(subset.ok());
  LoadedFont loaded(*subset);
  REQUIRE(loaded.ok());
  CHECK(loaded.Points((*font)->Glyph(U'白')) == 0);
}

}  // namespace
}  // namespace agritrace::labeler
