// A PDF file (ISO 32000-1) written front to back, for runs of any length: every object goes out
// as soon as it is complete and is then forgotten. The cross-reference table — one offset per
// object, which a PDF can only list at its end — waits in a temporary file, and pages hang from
// a two-level page tree whose leaves hold kPagesPerLeaf pages. What stays in memory is one leaf's
// page numbers and one number per leaf: a million pages keep about 30 KB.
//
// Object 1 is the catalog and 2 the root of the page tree, both written by Finish. Other numbers
// come from Reserve and may be written in any order, each exactly once.
#pragma once

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "agritrace/registry/status.h"

namespace agritrace::labeler {

class PdfWriter {
 public:
  static constexpr int kPagesPerLeaf = 128;

  // `out` must outlive the writer.
  explicit PdfWriter(std::ostream* out) : out_(out) {}
  ~PdfWriter();
  PdfWriter(const PdfWriter&) = delete;
  PdfWriter& operator=(const PdfWriter&) = delete;

  // Writes the header and opens the temporary cross-reference file.
  Status Begin();
  // A fresh object number.
  int Reserve() { return ++last_object_; }
  // Writes object `number` whose body is `body` (a dictionary, array, number …).
  Status Object(int number, std::string_view body);
  // Writes a stream object: `data` compressed with Flate, `dict` the entries besides /Length
  // and /Filter ("/Length1 1234").
  Status Stream(int number, std::string_view dict, std::string_view data);
  // Adds a page of `width_pt` × `height_pt` points drawn by the content stream `content`, with
  // the resource dictionary object `resources`.
  Status AddPage(double width_pt, double height_pt, std::string_view content, int resources);
  // Writes the rest of the page tree, the catalog, the document information dictionary
  // `info` ("<< /Title … >>") and the cross-reference table. The file is complete only when
  // this returns Ok.
  Status Finish(std::string_view info);

  uint64_t pages() const { return pages_; }

 private:
  Status Put(std::string_view bytes);
  Status BeginObject(int number);
  Status CloseLeaf();
  Status Failed() const;

  std::ostream* out_;
  std::FILE* xref_ = nullptr;  // 20 bytes per object, at (number - 1) × 20
  uint64_t offset_ = 0;        // bytes written so far
  int last_object_ = 2;        // 1 and 2 are the catalog and the page tree root
  int written_ = 0;
  uint64_t pages_ = 0;
  int leaf_ = 0;                // the leaf being filled, 0 when none
  std::vector<int> leaf_kids_;  // its pages
  std::vector<int> leaves_;     // every leaf, for the root
  std::string deflated_;        // reused compression buffer
  bool io_failed_ = false;
};

}  // namespace agritrace::labeler
