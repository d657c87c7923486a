#include "agritrace/registry/household_table.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

#include "agritrace/registry/table_import.h"

namespace agritrace {
namespace {

// "1,200" or "12,345.5" (digit groups of three after the first) without the commas; any other
// text unchanged, for ParseKilograms to judge.
std::string WithoutThousands(const std::string& kg) {
  const size_t end = std::min(kg.find('.'), kg.size());
  const size_t first = kg.find(',');
  if (first == std::string::npos || first == 0 || first > 3 || first >= end) return kg;
  for (size_t i = first; i < end; i += 4)
    if (kg[i] != ',' || i + 4 > end || kg.find_first_not_of("0123456789", i + 1) < i + 4) return kg;
  std::string out;
  for (char c : kg)
    if (c != ',') out += c;
  return out;
}

}  // namespace

Result<std::vector<Household>> ParseHouseholdTable(std::string_view file) {
  if (file.size() > kMaxHouseholdTableBytes)
    return Status::Invalid("农户表超过 8 MB，请分批录入", "the household table is larger than 8 MB; "
                           "enter it in parts")
        .with_reason("household-table");
  std::vector<Household> households;
  std::unordered_map<std::string, int64_t> seen;  // id → line
  bool first = true;
  Status read = ForEachTableRow(file, [&](const TableRow& row) -> Status {
    const std::vector<TableCell>& f = row.cells;
    auto bad = [&](const std::string& zh, const std::string& en) {
      return RowRefusal(row.line, zh, en, "household-table");
    };
    Result<int64_t> grams = f.size() >= 2 ? ParseKilograms(WithoutThousands(f[1].text)) : Status::Invalid("", "");
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
