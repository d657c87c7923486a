// Printing a 承诺达标合格证 (registry/hgz.h) with the label renderers: roll labels of the market
// sizes (100x70, 80x60, 50x30 mm), A5, and A4 sheets of six. The QR is HgzUrl, upper case.
#pragma once

#include <string>

#include "agritrace/labeler/label_content.h"
#include "agritrace/labeler/label_job.h"
#include "agritrace/labeler/render_options.h"
#include "agritrace/registry/store.h"

namespace agritrace::labeler {

// Paper a certificate prints on: "100x70", "80x60", "50x30" (thermal rolls), "a5" (148 × 210 mm)
// or "a4:2x3" (six certificates of 100 × 95 mm on an A4 sticker sheet). Sets label size and,
// for A4, the sheet; refuses any other text.
Status ApplyHgzPaper(const std::string& size, RenderOptions* options);

struct HgzPrintRequest {
  std::string number;  // normalised certificate number
  LabelFormat format = LabelFormat::kPdf;
  RenderOptions options;  // from ApplyHgzPaper; copies: A4 sheets default to six, a full sheet
  std::string out;        // one file, every format (an A4 sheet of six is one PNG/SVG page)
};

// The certificate's content as printed: the title, then every field (registry HgzFields).
LabelContent HgzLabelContent(const Json& record, const std::string& base_url);

// The certificate rendered: the file's bytes and the URL its QR carries.
struct HgzRendering {
  std::string bytes, url;
};
// Renders `request` (its `out` unused) in memory: a certificate is one label or one sheet.
// Refuses a certificate of a recalled lot.
Result<HgzRendering> RenderHgz(Store& store, const HgzPrintRequest& request);

// A certificate printed into a file.
struct PrintedHgz {
  std::string number;
  std::string format;  // the file name extension: pdf, png…
  std::string out;
  std::string url;     // what its QR carries
  int labels = 0;      // copies
};
// {"number", "format", "out", "url", "labels"}: `hgz print --json`.
void to_json(Json& j, const PrintedHgz& p);

// RenderHgz into the file `out`, written whole or not at all.
Result<PrintedHgz> PrintHgz(Store& store, const HgzPrintRequest& request);

// The file name extension and MIME type of a format ("pdf", "application/pdf").
std::string HgzFileExtension(LabelFormat format);
std::string HgzMimeType(LabelFormat format);

}  // namespace agritrace::labeler
