#include "registry/household_table.h"

#include <optional>
#include <unordered_map>

#include "registry/table_import.h"

namespace agritrace {

Result<std::vector<Household>> ParseHouseholdTable(std::string_view file) {
  std::vector<Household> households;
  std::unordered_map<std::string, int64_t> seen;  // id → line
  bool first = true;
  Status read = ForEachTableRow(file, [&](const TableRow& row) -> Status {
    const std::vector<TableCell>& f = row.cells;
    auto bad = [&](const std::string& zh, const std::string& en) {
      return RowRefusal(row.line, zh, en, "household-table");
    };
    Result<int64_t> grams = f.size() >= 2 ? ParseKilograms(f[1].text) : Status::Invalid("", "");
    // A first row whose weight is no number is the header ("编号,公斤,脱贫户").
    const bool header = first && !grams.ok() && f.size() >= 2 && !f[1].text.empty() &&
                        (f[1].text[0] < '0' || f[1].text[0] > '9');
    first = false;
    if (header) return Status::Ok();
    if (f.size() < 2 || f.size() > 3 || f[0].text.empty())
      return bad("应为 农户编号,公斤[,脱贫户]，例如 H-0001,120.5,是",
                 "expected household_id,kg[,registered_poor], e.g. H-0001,120.5,yes");
    if (!grams.ok())
      return bad("农户 " + f[0].text + " 的" + grams.status().zh(),
                 "household " + f[0].text + ": " + grams.status().en());
    const std::optional<bool> poor = f.size() == 3 ? ParseYesNo(f[2].text) : false;
    if (!poor)
      return bad("脱贫户一栏应为 是/否 或 1/0：" + f[2].text,
                 "registered_poor must be yes/no or 1/0: " + f[2].text);
    auto [it, fresh] = seen.emplace(f[0].text, row.line);
    if (!fresh)
      return bad("农户 " + f[0].text + " 与第 " + std::to_string(it->second) + " 行重复",
                 "household " + f[0].text + " repeats line " + std::to_string(it->second));
    if (households.size() == kMaxHouseholdRows)
      return bad("一个批次最多 100000 户", "at most 100,000 households a lot");
    households.push_back({f[0].text, *grams, *poor});
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (households.empty())
    return Status::Invalid("文件里没有农户：每行 农户编号,公斤[,脱贫户]",
                           "the file holds no households: one household_id,kg[,registered_poor] "
                           "a line")
        .with_reason("household-table");
  return households;
}

}  // namespace agritrace
