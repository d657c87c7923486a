#include "registry/household_table.h"

#include <string>

#include "registry/csv_fields.h"

namespace agritrace {

Result<int64_t> ParseKilograms(std::string_view kg) {
  auto bad = [&] {
    return Status::Invalid("公斤数应为不超过 3 位小数的非负数，例如 120.5：" + std::string(kg),
                           "kilograms must be a non-negative number with up to 3 decimals, "
                           "e.g. 120.5: " +
                               std::string(kg))
        .with_reason("household-mass");
  };
  auto dot = kg.find('.');
  std::string_view whole = kg.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? "" : kg.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || frac.size() > 3) return bad();
  for (std::string_view part : {whole, frac})
    for (char c : part)
      if (c < '0' || c > '9') return bad();
  // At most 999,999,999 kg: far inside int64 as grams.
  int64_t grams = std::stoll(std::string(whole)) * 1000;
  if (!frac.empty()) grams += std::stoll((std::string(frac) + "00").substr(0, 3));
  return grams;
}

Result<std::vector<Household>> ParseHouseholdTable(std::string_view text) {
  if (text.size() > kMaxHouseholdTableBytes)
    return Status::Invalid("农户表超过 1 MB，请分批录入",
                           "the household table is larger than 1 MB; enter it in parts")
        .with_reason("household-table");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (!IsUtf8(text))
    return Status::Invalid(
               "农户表不是 UTF-8 文本（可能是 GBK 编码）：Excel 请另存为“CSV UTF-8”，"
               "或直接从表格复制粘贴",
               "the household table is not UTF-8 text (GBK, perhaps): in Excel, Save "
               "As 'CSV UTF-8', or copy and paste the cells")
        .with_reason("household-table");
  std::vector<Household> out;
  bool first = true;
  size_t n = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t,") == std::string::npos) continue;
    auto bad = [&](const std::string& zh, const std::string& en) {
      return Status::Invalid("农户表第 " + std::to_string(n) + " 行：" + zh,
                             "household table line " + std::to_string(n) + ": " + en)
          .with_reason("household-table");
    };
    const bool tabs = line.find('\t') != std::string::npos;
    auto f = SplitCsvLine(line, tabs ? '\t' : ',');
    const bool was_first = first;
    first = false;
    if (f.size() < 2 || f.size() > 3)
      return bad("应为 户号、公斤、脱贫户（是/否）三列，用 Tab 或逗号分隔",
                 "expected three cells, 户号 (household id), 公斤 (kg), 脱贫户 (是/否), "
                 "separated by tabs or commas");
    std::string kg = f[1];
    if (tabs)
      for (size_t c; (c = kg.find(',')) != std::string::npos;) kg.erase(c, 1);
    auto grams = ParseKilograms(kg);
    if (!grams.ok()) {
      if (was_first) continue;  // a header: 户号 公斤 脱贫户
      return bad(grams.status().zh(), grams.status().en());
    }
    const int poor = f.size() == 3 ? ParseFlag(f[2]) : 0;
    if (poor < 0)
      return bad("脱贫户一栏应为 是/否、1/0、yes/no 或 Y/N：" + f[2],
                 "the 脱贫户 (registered poor) cell must be 是/否, 1/0, yes/no or Y/N: " + f[2]);
    if (f[0].empty()) return bad("户号不能为空", "the household id is empty");
    if (out.size() == kMaxHouseholdRows)
      return bad("农户超过 " + std::to_string(kMaxHouseholdRows) + " 户，请核对",
                 "more than " + std::to_string(kMaxHouseholdRows) + " households; check the table");
    out.push_back({f[0], *grams, poor == 1});
  }
  return out;
}

}  // namespace agritrace
