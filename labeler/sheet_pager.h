// Where each label of a run goes in the formats that page (SVG, PNG, PDF): the next cell of an
// A4 sheet when RenderOptions::sheet is set, else a page (or file) of its own. It also names the
// documents of the one-file-per-document formats: "label-000001.svg", "sheet-0001.png".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "agritrace/labeler/render_options.h"
#include "agritrace/registry/status.h"
#include "labeler/sheet_layout.h"

namespace agritrace::labeler {

class SheetPager {
 public:
  // Places the sheet on A4 (Status::Invalid when it does not fit). `files_per_label` names the
  // format (as "SVG") when, without a sheet, each label is a file of its own: copies are then
  // refused, since repeating a file is the printer's job.
  static Result<SheetPager> Make(const RenderOptions& options,
                                 std::string_view files_per_label = {});

  bool sheets() const { return sheet_.has_value(); }
  // Labels on a page: cols × rows on a sheet, else 1.
  int per_page() const { return sheet_ ? sheet_->per_page() : 1; }

  // True while a page holds labels that were not flushed yet.
  bool page_open() const { return cell_ > 0; }
  // Moves past the next cell; true when that filled the page (the caller then flushes it).
  bool Advance();
  // Ends a partly filled page (the last one of a run).
  void ClosePage() { cell_ = 0; }

  // Lays `copies` copies of one label in the next cells: start() when a page begins,
  // place(x_mm, y_mm) for each copy at its cell's top-left corner, flush() once a page is full.
  // place and flush return Status; the first failure is returned.
  template <typename Start, typename Place, typename Flush>
  Status Lay(int copies, Start&& start, Place&& place, Flush&& flush) {
    for (int c = 0; c < copies; ++c) {
      if (!page_open()) start();
      Status s = place(x_mm(), y_mm());
      if (s.ok() && Advance()) s = flush();
      if (!s.ok()) return s;
    }
    return Status::Ok();
  }

  // "sheet-0001.<ext>" for the next page, or "label-000001.<ext>" for the next label's file.
  std::string NextFileName(std::string_view ext);

 private:
  explicit SheetPager(std::optional<SheetLayout> sheet) : sheet_(sheet) {}
  // Top-left corner of the next label on its page, in mm.
  double x_mm() const { return sheet_ ? sheet_->cell_x_mm(cell_) : 0; }
  double y_mm() const { return sheet_ ? sheet_->cell_y_mm(cell_) : 0; }
  std::optional<SheetLayout> sheet_;
  int cell_ = 0;
  uint64_t files_ = 0;
};

}  // namespace agritrace::labeler
