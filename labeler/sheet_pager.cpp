#include "labeler/sheet_pager.h"

#include <cstdio>

namespace agritrace::labeler {

Result<SheetPager> SheetPager::Make(const RenderOptions& options,
                                    std::string_view files_per_label) {
  if (options.sheet) {
    Result<SheetLayout> sheet = PlaceOnA4(*options.sheet, options.label);
    if (!sheet.ok()) return sheet.status();
    return SheetPager(*sheet);
  }
  if (!files_per_label.empty() && options.copies != 1) {
    const std::string f(files_per_label);
    return Status::Invalid(
        "每个标签一个 " + f + " 文件时不能设置份数；请改用 A4 排版（--sheet）或多次打印",
        "copies need a sheet (--sheet) when each label is its own " + f +
            " file; print the file several times instead");
  }
  return SheetPager(std::nullopt);
}

bool SheetPager::Advance() {
  if (++cell_ < per_page()) return false;
  cell_ = 0;
  return true;
}

std::string SheetPager::NextFileName(std::string_view ext) {
  char name[48];
  snprintf(name, sizeof name, sheet_ ? "sheet-%04llu.%.*s" : "label-%06llu.%.*s",
           static_cast<unsigned long long>(++files_), static_cast<int>(ext.size()), ext.data());
  return name;
}

}  // namespace agritrace::labeler
