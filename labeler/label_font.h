// The one outline font labels are set in: "WenQuanYi Micro Hei" (fonts-wqy-microhei), found
// through fontconfig. Widths come from FreeType's unscaled advances and are cached per code
// point, so measuring a line costs a few table look-ups; renderers draw with cairo_face(), the
// same font file, with hinted metrics off so that drawn text is exactly as wide as measured.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/status.h"
#include "labeler/text_metrics.h"

typedef struct _cairo_font_face cairo_font_face_t;
typedef struct _cairo_font_options cairo_font_options_t;

namespace agritrace::labeler {

inline constexpr std::string_view kLabelFontFamily = "WenQuanYi Micro Hei";
// For SVG, where the viewer picks the font: ours first, then the common CJK fonts.
inline constexpr std::string_view kSvgFontFamilies =
    "\"WenQuanYi Micro Hei\",\"Noto Sans CJK SC\",\"Microsoft YaHei\",\"PingFang SC\",sans-serif";

class LabelFont final : public TextMetrics {
 public:
  // The process-wide instance, loaded on first use (thread-safe). Status::Io when fontconfig
  // finds no usable font file at all.
  static Result<const LabelFont*> Get();

  double Width(std::string_view utf8, double size_mm) const override;
  double Ascent(double size_mm) const override;
  double LineHeight(double size_mm) const override;

  // Advance of one code point in em units.
  double Advance(char32_t cp) const;
  // Family and file fontconfig matched ("WenQuanYi Micro Hei" when the package is installed).
  const std::string& family() const { return family_; }
  const std::string& file() const { return file_; }
  // Borrowed; lives as long as the process. Safe to use from several threads (cairo locks).
  cairo_font_face_t* cairo_face() const { return cairo_face_; }
  // What embedding the font in a PDF needs (pdf_renderer.h): glyph ids, metrics in font units
  // and the face's sfnt tables. All thread-safe.
  struct Facts {
    std::string postscript_name;  // "WenQuanYiMicroHei"
    int units_per_em = 1000;
    int num_glyphs = 0;
    int x_min = 0, y_min = 0, x_max = 0, y_max = 0;   // bounding box of all glyphs
    int ascender = 0, descender = 0, cap_height = 0;  // descender is negative
  };
  const Facts& facts() const { return facts_; }
  // Glyph id of a code point, 0 (.notdef) when the font lacks it; cached like Advance.
  uint32_t Glyph(char32_t cp) const;
  // Length in bytes of table `tag`; 0 when the face has none.
  uint32_t SfntLength(uint32_t tag) const;
  // `length` bytes of table `tag` from `offset`; Status::Io when they are not there.
  Result<std::string> SfntRead(uint32_t tag, uint32_t offset, uint32_t length) const;

  // Font options every renderer sets: no hinted metrics, so advances match Width(). With
  // `antialias` false glyphs are drawn bilevel (for 1-bit printer bitmaps). Caller frees.
  static cairo_font_options_t* NewFontOptions(bool antialias);

  LabelFont(const LabelFont&) = delete;
  LabelFont& operator=(const LabelFont&) = delete;

 private:
  struct Impl;
  explicit LabelFont(Impl* impl);
  ~LabelFont() override;
  Impl* impl_;
  std::string family_, file_;
  cairo_font_face_t* cairo_face_ = nullptr;
  double ascent_em_ = 0.8, descent_em_ = 0.2;
  Facts facts_;
};

}  // namespace agritrace::labeler
