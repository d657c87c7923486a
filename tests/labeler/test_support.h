// Helpers for the labeler tests: temporary folders, subprocesses, and decoding QR codes back
// out of rendered images with ZXing-cpp (every renderer's output is read back, not trusted).
#pragma once

#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>
#include <cairo.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/label_content.h"
#include "agritrace/labeler/qr_code.h"
#include "agritrace/labeler/unit_code.h"
#include "tests/support/text_search.h"

namespace agritrace::labeler::testing {

// A folder under /tmp, removed with everything in it when the object goes.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/labeler_test_XXXXXX";
    const char* made = mkdtemp(name);
    path_ = made ? made : "";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs a shell command; true when it exits 0.
inline bool Run(const std::string& command) { return std::system(command.c_str()) == 0; }

struct GrayImage {
  int width = 0, height = 0;
  std::vector<uint8_t> pixels;  // 0 = black, 255 = white
  uint8_t at(int x, int y) const { return pixels[static_cast<size_t>(y) * width + x]; }
};

// Loads a PNG through cairo and converts it to luminance (transparent counts as white).
inline GrayImage LoadPng(const std::string& path) {
  GrayImage img;
  cairo_surface_t* s = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(s) == CAIRO_STATUS_SUCCESS) {
    cairo_surface_flush(s);
    img.width = cairo_image_surface_get_width(s);
    img.height = cairo_image_surface_get_height(s);
    const int stride = cairo_image_surface_get_stride(s);
    const bool alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    const unsigned char* data = cairo_image_surface_get_data(s);
    img.pixels.resize(static_cast<size_t>(img.width) * img.height);
    for (int y = 0; y < img.height; ++y) {
      for (int x = 0; x < img.width; ++x) {
        uint32_t p;
        std::memcpy(&p, data + y * stride + 4 * x, 4);
        const int a = alpha ? (p >> 24) & 255 : 255;
        // Premultiplied: composite over white.
        const int r = ((p >> 16) & 255) + 255 - a, g = ((p >> 8) & 255) + 255 - a,
                  b = (p & 255) + 255 - a;
        img.pixels[static_cast<size_t>(y) * img.width + x] =
            static_cast<uint8_t>(std::min(255, (r * 299 + g * 587 + b * 114) / 1000));
      }
    }
  }
  cairo_surface_destroy(s);
  return img;
}

// Every QR code ZXing finds in the image, as text.
inline std::vector<std::string> DecodeAll(const GrayImage& img) {
  std::vector<std::string> out;
  if (img.width == 0) return out;
  ZXing::DecodeHints hints;
  hints.setFormats(ZXing::BarcodeFormat::QRCode);
  hints.setTryHarder(true);
  const ZXing::ImageView view(img.pixels.data(), img.width, img.height, ZXing::ImageFormat::Lum);
  for (const ZXing::Result& r : ZXing::ReadBarcodes(view, hints)) {
    if (r.isValid()) out.push_back(r.text());
  }
  return out;
}

inline std::string DecodeOne(const GrayImage& img) {
  std::vector<std::string> all = DecodeAll(img);
  return all.size() == 1 ? all[0] : std::string("<" + std::to_string(all.size()) + " codes>");
}

// Draws a symbol as a luminance image: `scale` pixels per module, 4-module quiet zone.
inline GrayImage RasterizeQr(const QrCode& qr, int scale) {
  GrayImage img;
  const int n = qr.width(), side = (n + 8) * scale;
  img.width = img.height = side;
  img.pixels.assign(static_cast<size_t>(side) * side, 255);
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x)
      if (qr.dark(x, y))
        for (int dy = 0; dy < scale; ++dy)
          for (int dx = 0; dx < scale; ++dx)
            img.pixels[static_cast<size_t>((y + 4) * scale + dy) * side + (x + 4) * scale + dx] = 0;
  return img;
}

inline constexpr const char* kBase = "HTTPS://TRACE.BAISHA.GOV.CN/AB";  // 30 characters

// A typical unit label of one lot.
inline LabelContent SampleLabel(const std::string& code) {
  LabelContent c;
  c.qr_text = UnitUrl(kBase, code);
  c.code_display = FormatUnitCode(code);
  c.product_name = "白沙绿茶";
  c.brand = "白沙绿茶 区域公用品牌";
  c.badges = {"绿色食品 LB-18-23014600123A", "地理标志 AGI01234"};
  c.lot_code = "7KQ2M-9XW4C";
  c.packed = "2026-04-10";
  c.origin = "牙叉镇某村";
  return c;
}

}  // namespace agritrace::labeler::testing

namespace agritrace::labeler::testing {

// `n` labels of one lot with fresh unit codes.
inline std::vector<LabelContent> SampleLabels(size_t n) {
  std::vector<LabelContent> out;
  for (size_t i = 0; i < n; ++i) out.push_back(SampleLabel(MintUnitCode()));
  return out;
}

// `n` labels of an organic lot: fresh unit codes, each with its own 有机码 (17 digits; every
// third one 18, as under the 2024 rules).
inline std::vector<LabelContent> SampleOrganicLabels(size_t n) {
  std::vector<LabelContent> out = SampleLabels(n);
  for (size_t i = 0; i < n; ++i) {
    char code[24];
    snprintf(code, sizeof code, i % 3 == 2 ? "15124%013zu" : "15124%012zu", 7919 * i + 1);
    out[i].organic_code = code;
    out[i].badges = {"有机产品 151OP2600123"};
  }
  return out;
}


using agritrace::testing::Contains;
using agritrace::testing::Count;

}  // namespace agritrace::labeler::testing

#include "labeler/sheet_layout.h"

namespace agritrace::labeler::testing {

inline GrayImage Crop(const GrayImage& img, int x0, int y0, int w, int h) {
  GrayImage out;
  x0 = std::max(0, x0);
  y0 = std::max(0, y0);
  out.width = std::max(0, std::min(w, img.width - x0));
  out.height = std::max(0, std::min(h, img.height - y0));
  out.pixels.resize(static_cast<size_t>(out.width) * out.height);
  for (int y = 0; y < out.height; ++y)
    for (int x = 0; x < out.width; ++x)
      out.pixels[static_cast<size_t>(y) * out.width + x] = img.at(x0 + x, y0 + y);
  return out;
}

// Decodes the first `cells` cells of an A4 page rasterised at `dpi`, one crop per cell, so that
// each code is also found where the sheet layout says it is.
inline std::vector<std::string> DecodeSheet(const GrayImage& page, const SheetLayout& sheet,
                                            int dpi, int cells) {
  std::vector<std::string> out;
  const double k = dpi / 25.4;
  for (int i = 0; i < cells; ++i) {
    out.push_back(DecodeOne(Crop(
        page, static_cast<int>(sheet.cell_x_mm(i) * k), static_cast<int>(sheet.cell_y_mm(i) * k),
        static_cast<int>(sheet.label_width_mm * k), static_cast<int>(sheet.label_height_mm * k))));
  }
  return out;
}

}  // namespace agritrace::labeler::testing
