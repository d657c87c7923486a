// PDF labels: A4 pages of RenderOptions::sheet, or one label-sized page per label, all in one
// file written to a stream as the labels come (pdf_writer.h), so a million labels take no more
// memory than ten thousand. Texts are set in the label font, embedded as a Type 0 font whose
// glyph ids are the CIDs (Identity-H, CIDToGIDMap /Identity), with the outlines of only the
// glyphs drawn (truetype_subset.h) and a ToUnicode map, so the Chinese prints the same
// everywhere and can be searched and copied. Each QR is an inline 1-bit image mask, one sample
// per module. Workers encode the QR and write each label's drawing operators; the caller's thread
// gathers them into pages and compresses them.
//
// Why not cairo: cairo's PDF surface keeps, until cairo_surface_finish, an offset for every
// object it wrote, an entry for every page, and an entry for every image it embedded; the xref
// table and page tree it writes at the end are made from them (the image entries are what
// lets it embed an image drawn twice only once). A run's memory therefore grew by about 180
// bytes a label (19.4 MB peak at 10,000 labels, 24.7 MB at 40,000), and no public cairo call
// releases any of it before the file is closed.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "labeler/label_font.h"
#include "labeler/label_renderer.h"
#include "labeler/pdf_writer.h"
#include "labeler/sheet_pager.h"

namespace agritrace::labeler {

class PdfRenderer final : public LabelRenderer {
 public:
  // `out` must outlive the renderer.
  PdfRenderer(RenderOptions options, std::ostream* out);
  ~PdfRenderer() override;

 protected:
  Status Start() override;
  void Process(detail::LabelChunk& chunk, int worker) override;
  Status Emit(detail::LabelChunk& chunk) override;
  Status Complete() override;

 private:
  // Appends the operators that draw `line` and marks its glyphs as used.
  void AppendText(const TextLine& line, std::string* out);
  Status FlushPage();
  Status WriteFont();

  std::ostream* out_;
  const LabelFont* font_ = nullptr;
  std::optional<SheetPager> pager_;
  std::unique_ptr<PdfWriter> pdf_;
  double page_width_pt_ = 0, page_height_pt_ = 0;
  int resources_ = 0, font_object_ = 0;
  // For each glyph id, a code point drawn with it (0: unused), for the subset and ToUnicode.
  // Workers mark glyphs concurrently.
  std::unique_ptr<std::atomic<char32_t>[]> glyph_code_points_;
  std::string page_;  // operators of the page being filled
};

}  // namespace agritrace::labeler
