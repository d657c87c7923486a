#include "labeler/label_font.h"

#include <cairo-ft.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include FT_TRUETYPE_TABLES_H

#include <array>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "labeler/utf8.h"

namespace agritrace::labeler {

// FreeType handles are not thread-safe: every call on them holds `mu`. The BMP advance and glyph
// tables are read without the lock (a miss fills them under the lock); other planes go through
// `astral` and `astral_glyphs`.
struct LabelFont::Impl {
  std::mutex mu;
  FT_Library library = nullptr;
  FT_Face face = nullptr;
  std::array<std::atomic<float>, 0x10000> bmp;
  std::array<std::atomic<int32_t>, 0x10000> bmp_glyphs;
  std::unordered_map<char32_t, float> astral;
  std::unordered_map<char32_t, uint32_t> astral_glyphs;

  Impl() {
    for (auto& a : bmp) a.store(-1.0f, std::memory_order_relaxed);
    for (auto& g : bmp_glyphs) g.store(-1, std::memory_order_relaxed);
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
    Facts& facts = font->facts_;
    const char* ps_name = FT_Get_Postscript_Name(face);
    facts.postscript_name = ps_name ? ps_name : "LabelFont";
    facts.units_per_em = face->units_per_EM;
    facts.num_glyphs = static_cast<int>(face->num_glyphs);
    facts.x_min = static_cast<int>(face->bbox.xMin);
    facts.y_min = static_cast<int>(face->bbox.yMin);
    facts.x_max = static_cast<int>(face->bbox.xMax);
    facts.y_max = static_cast<int>(face->bbox.yMax);
    facts.ascender = face->ascender;
    facts.descender = face->descender;
    const auto* os2 = static_cast<const TT_OS2*>(FT_Get_Sfnt_Table(face, FT_SFNT_OS2));
    facts.cap_height = os2 && os2->version >= 2 ? os2->sCapHeight : face->ascender;
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

uint32_t LabelFont::Glyph(char32_t cp) const {
  if (cp < 0x10000) {
    int32_t g = impl_->bmp_glyphs[cp].load(std::memory_order_relaxed);
    if (g >= 0) return static_cast<uint32_t>(g);
    std::lock_guard<std::mutex> lock(impl_->mu);
    g = static_cast<int32_t>(FT_Get_Char_Index(impl_->face, cp));
    impl_->bmp_glyphs[cp].store(g, std::memory_order_relaxed);
    return static_cast<uint32_t>(g);
  }
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->astral_glyphs.find(cp);
  if (it != impl_->astral_glyphs.end()) return it->second;
  const uint32_t g = FT_Get_Char_Index(impl_->face, cp);
  impl_->astral_glyphs.emplace(cp, g);
  return g;
}

uint32_t LabelFont::SfntLength(uint32_t tag) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  FT_ULong length = 0;
  if (FT_Load_Sfnt_Table(impl_->face, tag, 0, nullptr, &length) != 0) return 0;
  return static_cast<uint32_t>(length);
}

Result<std::string> LabelFont::SfntRead(uint32_t tag, uint32_t offset, uint32_t length) const {
  std::string bytes(length, '\0');
  if (length == 0) return bytes;
  std::lock_guard<std::mutex> lock(impl_->mu);
  FT_ULong total = 0;
  FT_ULong n = length;
  if (FT_Load_Sfnt_Table(impl_->face, tag, 0, nullptr, &total) != 0 || offset > total ||
      length > total - offset ||
      FT_Load_Sfnt_Table(impl_->face, tag, offset, reinterpret_cast<FT_Byte*>(bytes.data()), &n) !=
          0) {
    return Status::Io("字体文件 " + file_ + " 不完整，无法嵌入 PDF",
                      "the font file " + file_ + " is incomplete: it cannot be embedded in a PDF");
  }
  return bytes;
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
