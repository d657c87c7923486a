// The one outline font labels are set in: "WenQuanYi Micro Hei" (fonts-wqy-microhei), found
// through fontconfig. Widths come from FreeType's unscaled advances and are cached per code
// point, so measuring a line costs a few table look-ups; renderers draw with cairo_face(), the
// same font file, with hinted metrics off so that drawn text is exactly as wide as measured.
#pragma once

#include <string>
#include <string_view>

#include "labeler/text_metrics.h"
#include "registry/status.h"

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
};

}  // namespace agritrace::labeler
