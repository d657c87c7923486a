#include "agritrace/registry/regions.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "agritrace/registry/table_import.h"
#include "agritrace/registry/text_decoding.h"
#include "registry/region_code.h"

namespace agritrace {

void to_json(Json& j, const Region& r) {
  j = {{"code", r.code}, {"name", r.name}, {"poverty_registered", r.poverty_registered}};
  if (r.parent) j["parent"] = *r.parent;
}

void to_json(Json& j, const RegionImport& r) { j = {{"imported", r.imported}}; }

namespace {

bool Exists(Store& store, const std::string& code) {
  sql::Statement q(store.db(), "SELECT 1 FROM regions WHERE code = ?");
  q.Bind(1, code);
  return q.Step();
}

// The parent a region links to, and whether that parent is required to exist: a village needs
// its township, a township its county; counties and above link to a parent only when known.
Status CheckParent(Store& store, const RegionInput& r, const std::map<std::string, int>& pending,
                   std::string* parent) {
  std::string p = ParentRegionCode(r.code);
  bool known = !p.empty() && (pending.count(p) || Exists(store, p));
  bool required = r.code.size() == 12 && r.code.substr(6) != "000000";
  if (required && !known) {
    const char* what_zh = r.code.substr(9) != "000" ? "所属乡镇" : "所属县";
    const char* what_en = r.code.substr(9) != "000" ? "township" : "county";
    return Status::Invalid(std::string(what_zh) + " " + p + " 尚未登记，请先添加它再添加 " + r.code,
                           std::string("its ") + what_en + " " + p +
                               " is not registered; add it before " + r.code)
        .with_reason("region-parent-missing");
  }
  *parent = known ? p : "";
  return Status::Ok();
}

Status Insert(Store& store, const RegionInput& r, const std::string& parent) {
  sql::Statement ins(store.db(),
                     "INSERT INTO regions(code, name, parent, poverty_registered) "
                     "VALUES (?, ?, ?, ?)");
  ins.Bind(1, r.code);
  ins.Bind(2, r.name);
  if (parent.empty())
    ins.Bind(3);
  else
    ins.Bind(3, parent);
  ins.Bind(4, r.poverty_registered ? 1 : 0);
  ins.Exec();
  return Status::Ok();
}

Status ValidateInput(const RegionInput& r) {
  Status s = ValidateRegionCodeFormat(r.code);
  if (!s.ok()) return s;
  if (r.name.empty())
    return Status::Invalid("行政区划 " + r.code + " 缺少名称", "region " + r.code + " has no name");
  // A CSV saved by Excel in GBK used to pass here and fail at the log event, naming no line.
  if (!IsUtf8(r.name))
    return Status::Invalid("行政区划 " + r.code +
                               " 的名称不是 UTF-8 文本（可能是 GBK 编码）：请以 UTF-8 保存或输入；"
                               "Excel 请另存为“CSV UTF-8”",
                           "the name of region " + r.code +
                               " is not UTF-8 text (GBK, perhaps): save or type it as UTF-8; in "
                               "Excel, Save As 'CSV UTF-8'");
  return Status::Ok();
}

Region Registered(const RegionInput& r, const std::string& parent) {
  Region out{r.code, r.name, r.poverty_registered, std::nullopt};
  if (!parent.empty()) out.parent = parent;
  return out;
}

}  // namespace

Result<Region> AddRegion(Store& store, const RegionInput& r) {
  Status s = ValidateInput(r);
  if (!s.ok()) return s;
  Region out;
  s = store.Transact([&]() -> Status {
    if (Exists(store, r.code))
      return Status::Conflict("行政区划 " + r.code + " 已登记", "region " + r.code + " exists");
    std::string parent;
    Status c = CheckParent(store, r, {}, &parent);
    if (!c.ok()) return c;
    Insert(store, r, parent);
    out = Registered(r, parent);
    auto ev = store.AppendEvent("region.added", Json(out));
    return ev.ok() ? Status::Ok() : ev.status();
  });
  if (!s.ok()) return s;
  return out;
}

Result<RegionImport> ImportRegionsFile(Store& store, const std::string& path) {
  Result<std::string> file = ReadImportFile(path);
  if (!file.ok()) return file.status();
  std::vector<std::pair<int64_t, RegionInput>> rows;  // line number, region
  bool first = true;
  Status read = ForEachTableRow(*file, [&](const TableRow& row) -> Status {
    const std::vector<TableCell>& f = row.cells;
    const bool header = first && !f[0].text.empty() && (f[0].text[0] < '0' || f[0].text[0] > '9');
    first = false;
    if (header) return Status::Ok();
    auto bad = [&](const std::string& zh, const std::string& en) {
      return RowRefusal(row.line, zh, en, "region-csv");
    };
    if (f.size() < 2 || f.size() > 3) return bad("应为 代码,名称[,贫困村]", "expected code,name[,poverty_registered]");
    const std::optional<bool> flag = f.size() == 3 ? ParseYesNo(f[2].text) : false;
    if (!flag) return bad("贫困村标记应为 0/1：" + f[2].text, "poverty flag must be 0 or 1: " + f[2].text);
    RegionInput r{f[0].text, f[1].text, *flag};
    Status s = ValidateInput(r);
    if (!s.ok()) return bad(s.zh(), s.en());
    rows.push_back({row.line, r});
    return Status::Ok();
  });
  if (!read.ok()) return read;
  // Parents first: counties (6 digits) before 12-digit codes, townships before their villages.
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.second.code.size() != b.second.code.size())
      return a.second.code.size() < b.second.code.size();
    return a.second.code < b.second.code;
  });
  std::vector<Region> imported;
  Status s = store.Transact([&]() -> Status {
    std::map<std::string, int> pending;
    for (auto& [n, r] : rows) {
      if (pending.count(r.code) || Exists(store, r.code))
        return Status::Conflict("第 " + std::to_string(n) + " 行：行政区划 " + r.code + " 已存在（文件未导入）",
                                "line " + std::to_string(n) + ": region " + r.code + " already exists (nothing imported)");
      std::string parent;
      Status c = CheckParent(store, r, pending, &parent);
      if (!c.ok())
        return Status::Invalid("第 " + std::to_string(n) + " 行：" + c.zh() + "（文件未导入）",
                               "line " + std::to_string(n) + ": " + c.en() + " (nothing imported)")
            .with_reason(c.reason());
      Insert(store, r, parent);
      pending[r.code] = n;
      imported.push_back(Registered(r, parent));
    }
    auto ev = store.AppendEvent("regions.imported", Json{{"regions", imported}});
    return ev.ok() ? Status::Ok() : ev.status();
  });
  if (!s.ok()) return s;
  return RegionImport{static_cast<int64_t>(imported.size())};
}

bool RegionContains(const std::string& area, const std::string& code) {
  std::string prefix = area;
  if (prefix.size() == 12) {
    if (prefix.substr(6) == "000000") prefix = prefix.substr(0, 6);
    else if (prefix.substr(9) == "000") prefix = prefix.substr(0, 9);
  }
  if (prefix.size() == 6) {
    if (prefix.substr(2) == "0000") prefix = prefix.substr(0, 2);
    else if (prefix.substr(4) == "00") prefix = prefix.substr(0, 4);
  }
  return code.compare(0, prefix.size(), prefix) == 0;
}

std::string RegionFullName(Store& store, const std::string& code) {
  std::vector<std::string> names;
  sql::Statement q(store.db(), "SELECT name, parent FROM regions WHERE code = ?");
  std::string cur = code;
  for (int depth = 0; !cur.empty() && depth < 8; ++depth) {
    q.Reset();
    q.Bind(1, cur);
    if (!q.Step()) break;
    names.push_back(q.Column(0).String());
    cur = q.Column(1).IsNull() ? "" : q.Column(1).String();
  }
  std::string out;
  for (auto it = names.rbegin(); it != names.rend(); ++it) out += *it;
  return out;
}

}  // namespace agritrace
