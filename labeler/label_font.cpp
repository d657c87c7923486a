#include "labeler/label_font.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H

#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "labeler/utf8.h"

namespace agritrace::labeler {

// FreeType handles are not thread-safe: every call on them holds `mu`. The BMP advance table is
// read without the lock (a miss fills it under the lock); other planes go through `astral`.
struct LabelFont::Impl {
  std::mutex mu;
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  std::array<std::atomic<float>, 0x10000> bmp;
  std::unordered_map<char32_t, float> astral;

  Impl() {
    for (auto& a : bmp) a.store(-1.0f, std::memory_order_relaxed);
  }
  ~Impl() {
    if (face) FT_Done_Face(face);
    if (library) FT_Done_FreeType(library);
  }
  float Load(char32_t cp) {  // requires mu
    FT_UInt glyph = FT_Get_Char_Index(face, cp);
    FT_Fixed advance = 0;
    if (FT_Get_Advance(face, glyph, FT_LOAD_NO_SCALE, &advance) != 0) advance = 0;
    return static_cast<float>(static_cast<double>(advance) / face->units_per_EM);
  }
};

namespace {

struct PatternFree {
  void operator()(FcPattern* p) const { FcPatternDestroy(p); }
};

}  // namespace

LabelFont::LabelFont(Impl* impl) : impl_(impl) {}
LabelFont::~LabelFont() {
  if (cairo_face_) cairo_font_face_destroy(cairo_face_);
  delete impl_;
}

// The instance is kept for the life of the process: renderers on other threads hold its face.
Result<const LabelFont*> LabelFont::Get() {
  static const Result<const LabelFont*> font = []() -> Result<const LabelFont*> {
    if (!FcInit()) return Status::Io("fontconfig 初始化失败", "fontconfig failed to initialise");
    std::unique_ptr<FcPattern, PatternFree> want(
        FcNameParse(reinterpret_cast<const FcChar8*>(std::string(kLabelFontFamily).c_str())));
    FcConfigSubstitute(nullptr, want.get(), FcMatchPattern);
    FcDefaultSubstitute(want.get());
    FcResult result = FcResultNoMatch;
    std::unique_ptr<FcPattern, PatternFree> match(FcFontMatch(nullptr, want.get(), &result));
    FcChar8* file = nullptr;
    int index = 0;
    FcChar8* family = nullptr;
    if (!match || FcPatternGetString(match.get(), FC_FILE, 0, &file) != FcResultMatch) {
      return Status::Io("找不到中文字体（请安装 fonts-wqy-microhei）",
                        "no font found (install fonts-wqy-microhei)");
    }
    FcPatternGetInteger(match.get(), FC_INDEX, 0, &index);
    FcPatternGetString(match.get(), FC_FAMILY, 0, &family);

    auto impl = std::make_unique<Impl>();
    if (FT_Init_FreeType(&impl->library) != 0 ||
        FT_New_Face(impl->library, reinterpret_cast<const char*>(file), index, &impl->face) != 0) {
      return Status::Io(
          std::string("无法读取字体文件 ") + reinterpret_cast<const char*>(file),
          std::string("cannot load the font file ") + reinterpret_cast<const char*>(file));
    }
    auto* font = new LabelFont(impl.release());
    font->file_ = reinterpret_cast<const char*>(file);
    font->family_ = family ? reinterpret_cast<const char*>(family) : "";
    const FT_Face face = font->impl_->face;
    font->ascent_em_ = static_cast<double>(face->ascender) / face->units_per_EM;
    font->descent_em_ = -static_cast<double>(face->descender) / face->units_per_EM;
    // cairo resolves the pattern itself; a pattern naming the file and index pins the same font.
    std::unique_ptr<FcPattern, PatternFree> pinned(FcPatternCreate());
    FcPatternAddString(pinned.get(), FC_FILE, file);
    FcPatternAddInteger(pinned.get(), FC_INDEX, index);
    font->cairo_face_ = cairo_ft_font_face_create_for_pattern(pinned.get());
    if (cairo_font_face_status(font->cairo_face_) != CAIRO_STATUS_SUCCESS) {
      const std::string name = font->file_;
      delete font;
      return Status::Io("cairo 无法使用字体 " + name, "cairo cannot use the font " + name);
    }
    return static_cast<const LabelFont*>(font);
  }();
  return font;
}

double LabelFont::Advance(char32_t cp) const {
  if (cp < 0x10000) {
    float a = impl_->bmp[cp].load(std::memory_order_relaxed);
    if (a >= 0) return a;
    std::lock_guard<std::mutex> lock(impl_->mu);
    a = impl_->Load(cp);
    impl_->bmp[cp].store(a, std::memory_order_relaxed);
    return a;
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->astral.find(cp);
  if (it != impl_->astral.end()) return it->second;
  const float a = impl_->Load(cp);
  impl_->astral.emplace(cp, a);
  return a;
}

double LabelFont::Width(std::string_view utf8, double size_mm) const {
  double em = 0;
  for (size_t pos = 0; pos < utf8.size();) em += Advance(NextCodePoint(utf8, &pos));
  return em * size_mm;
}

double LabelFont::Ascent(double size_mm) const { return ascent_em_ * size_mm; }

double LabelFont::LineHeight(double size_mm) const {
  return (ascent_em_ + descent_em_) * size_mm * 1.05;
}

cairo_font_options_t* LabelFont::NewFontOptions(bool antialias) {
  cairo_font_options_t* options = cairo_font_options_create();
  cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style(options,
                                    antialias ? CAIRO_HINT_STYLE_NONE : CAIRO_HINT_STYLE_SLIGHT);
  cairo_font_options_set_antialias(options,
                                   antialias ? CAIRO_ANTIALIAS_GRAY : CAIRO_ANTIALIAS_NONE);
  return options;
}

}  // namespace agritrace::labeler

#if defined(__SANITIZE_ADDRESS__)
// fontconfig 2.14 (Debian 12) loses 288 bytes while parsing its XML configuration in FcInit,
// which LeakSanitizer reports at exit of every program that lays out a label. The leak is
// fontconfig's, once per process; suppress exactly that library. Weak, so that a program with
// its own suppressions wins.
extern "C" __attribute__((weak)) const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
#endif
