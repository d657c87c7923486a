#include "agritrace/registry/audit_reports.h"

#include <array>
#include <climits>
#include <map>
#include <regex>

#include "agritrace/registry/copied_codes.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/scan_store.h"

namespace agritrace {
namespace {

Json Cell(sql::Value c) {
  if (c.IsNull()) return nullptr;
  if (c.IsInteger()) return c.Int64();
  return c.String();
}

// Runs `sql` with text parameters and turns each row into an object keyed by `columns`.
Json Rows(Store& store, const std::string& sql, const std::vector<std::string>& columns,
          const std::vector<std::string>& params = {}) {
  sql::Statement q(store.db(), sql);
  for (size_t i = 0; i < params.size(); ++i) q.Bind(static_cast<int>(i + 1), params[i]);
  Json rows = Json::array();
  while (q.Step()) {
    Json row = Json::object();
    for (size_t i = 0; i < columns.size(); ++i) row[columns[i]] = Cell(q.Column(static_cast<int>(i)));
    rows.push_back(row);
  }
  return rows;
}

std::string Kg(int64_t grams) {
  char buf[32];
  snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(grams / 1000),
           static_cast<long long>(grams % 1000));
  return buf;
}

// Chinese column headings, for the /audit page and the .xlsx reports.
constexpr std::array<std::array<const char*, 2>, 57> kColumnTitles = {{
    {"number", "证书编号"},
    {"type", "类型"},
    {"holder", "持证主体"},
    {"status", "状态"},
    {"valid_to", "有效期至"},
    {"days_to_expiry", "距到期天数"},
    {"expiring_soon", "即将到期"},
    {"certified_kg", "核定年产量（公斤）"},
    {"lots", "批次数"},
    {"issued_kg", "发放量（公斤）"},
    {"labelled_kg", "贴标量（公斤）"},
    {"over_output", "超出核定产量"},
    {"at", "时间"},
    {"organisation", "经营主体"},
    {"product", "产品"},
    {"reason", "原因"},
    {"message", "说明"},
    {"lot", "批次"},
    {"region", "区划代码"},
    {"code", "编码"},
    {"scans", "扫码次数"},
    {"networks", "网络数"},
    {"first_scan", "首次扫码"},
    {"last_scan", "最近扫码"},
    {"day", "日期"},
    {"codes", "编码数"},
    {"region_name", "地区"},
    {"brand", "品牌"},
    {"household_kg", "农户供货（公斤）"},
    {"poor_kg", "脱贫户供货（公斤）"},
    {"poor_share_percent", "脱贫户占比（%）"},
    {"units", "件数"},
    {"kg", "公斤"},
    {"unknown", "未发放的编码"},
    {"malformed", "不成编码"},
    {"products", "产品数"},
    {"run", "打印任务"},
    {"actor", "操作人"},
    {"destination", "打印到"},
    {"format", "格式"},
    {"serials", "已打印序号"},
    {"reprinted", "重复打印的序号"},
    {"reprinted_serials", "重复打印数"},
    {"copies", "每张份数"},
    {"export", "导出记录"},
    {"overlaps", "与之重叠的导出"},
    {"file", "文件"},
    {"sha256", "文件 SHA-256"},
    {"credit_code", "信用代码"},
    {"month", "月份"},
    {"certificates", "合格证张数"},
    {"lots_covered", "涉及批次"},
    {"covered_kg", "合格证覆盖（公斤）"},
    {"lots_packed", "当月包装批次"},
    {"packed_kg", "当月包装（公斤）"},
    {"covered_percent", "覆盖率（%）"},
    {"packed", "包装日期"},
}};

std::string CsvField(const Json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}
}  // namespace

Report CertificateReport(Store& store, const std::string& year, int64_t holder_org_id) {
  Report r{"证书产量核对（" + year + " 年）", "certified output check (" + year + ")",
           {"number", "type", "holder", "status", "valid_to", "days_to_expiry", "expiring_soon",
            "certified_kg", "lots", "issued_kg", "labelled_kg", "over_output"}};
  std::string today = TodayShanghai();
  sql::Statement q(store.db(),
      "SELECT c.number, c.type, o.name, c.status, c.valid_to, c.annual_output_kg, "
      "  (SELECT COUNT(*) FROM lots l JOIN lot_certs lc ON lc.lot_id = l.id "
      "    WHERE lc.cert_id = c.id AND substr(l.packed, 1, 4) = ?1), "
      "  (SELECT COALESCE(SUM(l.units * l.net_content_g), 0) FROM lots l JOIN lot_certs lc ON lc.lot_id = l.id "
      "    WHERE lc.cert_id = c.id AND substr(l.packed, 1, 4) = ?1), "
      "  (SELECT COALESCE(SUM(l.net_content_g * (SELECT COALESCE(MAX(u.serial), 0) FROM units u "
      "    WHERE u.lot_id = l.id)), 0) FROM lots l JOIN lot_certs lc ON lc.lot_id = l.id "
      "    WHERE lc.cert_id = c.id AND substr(l.packed, 1, 4) = ?1) "
      "FROM certifications c JOIN organisations o ON o.id = c.holder_org_id "
      "WHERE ?2 = 0 OR c.holder_org_id = ?2 ORDER BY c.id");
  q.Bind(1, year);
  q.Bind(2, holder_org_id);
  while (q.Step()) {
    Json row = {{"number", q.Column(0).String()}, {"type", q.Column(1).String()},
                {"holder", q.Column(2).String()}, {"status", q.Column(3).String()},
                {"valid_to", Cell(q.Column(4))}, {"lots", q.Column(6).Int64()},
                {"issued_kg", Kg(q.Column(7).Int64())}, {"labelled_kg", Kg(q.Column(8).Int64())}};
    long days = 0;
    bool soon = false;
    if (!q.Column(4).IsNull()) {
      days = DaysBetween(today, q.Column(4).String());
      soon = days >= 0 && days <= 60;
      row["days_to_expiry"] = days;
    } else {
      row["days_to_expiry"] = nullptr;
    }
    row["expiring_soon"] = soon;
    bool over = false;
    if (!q.Column(5).IsNull()) {
      int64_t limit = q.Column(5).Int64() * 1000;
      row["certified_kg"] = Kg(limit);
      over = q.Column(7).Int64() > limit || q.Column(8).Int64() > limit;
    } else {
      row["certified_kg"] = nullptr;
    }
    row["over_output"] = over;
    r.rows.push_back(row);
  }
  return r;
}

Report RefusalReport(Store& store) {
  Report r{"被拒绝的批次发放", "refused lot issues",
           {"at", "organisation", "product", "reason", "message"}};
  r.rows = Rows(store,
                "SELECT r.at, o.name, p.name, r.reason, r.message FROM refusals r "
                "LEFT JOIN organisations o ON o.id = r.org_id LEFT JOIN products p ON p.id = r.product_id "
                "ORDER BY r.id DESC",
                r.columns);
  return r;
}

Report CopiedCodeReport(Store& store, const std::string& lot_code, int threshold, int networks,
                        int64_t org_id, size_t limit, ScanTail tail) {
  Report r{"疑似被复制的追溯码", "codes that look copied",
           {"lot", "region", "code", "scans", "networks", "first_scan", "last_scan"}};
  CopiedCodeQuery q;
  q.lot_code = lot_code;
  q.org_id = org_id;
  q.threshold = threshold;
  q.networks = networks;
  q.limit = limit;
  q.tail = tail;
  const CopiedCodes found = FindCopiedCodes(store.db(), q);
  for (const CopiedCode& c : found.rows)
    r.rows.push_back({{"lot", c.lot_code}, {"region", c.origin}, {"code", c.code},
                      {"scans", c.scans}, {"networks", c.networks}, {"first_scan", c.first_at},
                      {"last_scan", c.last_at}});
  r.total_rows = found.total;
  return r;
}

Report UnknownScanReport(Store& store) {
  Report r{"查询未发放编码（疑似伪造）", "scans of codes never issued (forgery attempts)",
           {"day", "scans", "unknown", "malformed", "networks"}};
  // Counted per network per day (schemas/sql/005_scan_misses.sql), not stored one row each.
  r.rows = Rows(store,
                "SELECT day, SUM(count), SUM(CASE WHEN kind = 'unknown' THEN count ELSE 0 END), "
                "SUM(CASE WHEN kind = 'malformed' THEN count ELSE 0 END), COUNT(DISTINCT net_hash) "
                "FROM scan_misses GROUP BY day ORDER BY day",
                r.columns);
  return r;
}

Report PovertyReport(Store& store) {
  Report r{"脱贫户（建档立卡户）供货占比", "share from registered-poor households",
           {"region", "region_name", "brand", "lots", "household_kg", "poor_kg", "poor_share_percent"}};
  sql::Statement q(store.db(),
      "SELECT l.origin, g.name, b.name, COUNT(DISTINCT l.id), SUM(h.grams), "
      "  SUM(CASE WHEN h.registered_poor <> 0 THEN h.grams ELSE 0 END) "
      "FROM lots l JOIN lot_households h ON h.lot_id = l.id JOIN regions g ON g.code = l.origin "
      "LEFT JOIN brands b ON b.id = l.brand_id GROUP BY l.origin, g.name, l.brand_id, b.name "
      "ORDER BY l.origin, b.name");
  while (q.Step()) {
    int64_t total = q.Column(4).Int64(), poor = q.Column(5).Int64();
    // Per mille in integers, printed with one decimal: no floating point in reports either.
    int64_t permille = total ? (poor * 1000 + total / 2) / total : 0;
    r.rows.push_back({{"region", q.Column(0).String()}, {"region_name", q.Column(1).String()},
                      {"brand", Cell(q.Column(2))}, {"lots", q.Column(3).Int64()},
                      {"household_kg", Kg(total)}, {"poor_kg", Kg(poor)},
                      {"poor_share_percent", std::to_string(permille / 10) + "." + std::to_string(permille % 10)}});
  }
  return r;
}

Report MonthlyReport(Store& store, const std::string& month, ScanTail tail_scans) {
  Report r{month + " 月度报表", "monthly report " + month,
           {"region", "region_name", "lots", "units", "kg", "products", "scans"}};
  // Scans of the region's lot and unit codes in the month (Beijing time): the folded ones per lot
  // and day in lot_scan_days (schemas/sql/011_console_tallies.sql), plus the unfolded tail.
  std::map<std::string, int64_t> unfolded;  // origin -> scans
  if (tail_scans == ScanTail::kRead) {
    sql::Statement origin(store.db(), "SELECT origin FROM lots WHERE id = ?");
    for (const UnfoldedCode& u : UnfoldedCodes(store.db())) {
      if (u.lot_id == 0) continue;
      origin.Reset();
      origin.Bind(1, u.lot_id);
      if (!origin.Step()) continue;
      int64_t& n = unfolded[origin.Column(0).String()];
      for (const auto& [day, count] : u.days)
        if (day.compare(0, 7, month) == 0) n += count;
    }
  }
  sql::Statement q(store.db(),
      "SELECT l.origin, g.name, COUNT(*), SUM(l.units), SUM(l.units * l.net_content_g), "
      "  COUNT(DISTINCT l.product_id), "
      "  (SELECT COALESCE(SUM(d.count), 0) FROM lots l2 JOIN lot_scan_days d ON d.lot_id = l2.id "
      "    WHERE l2.origin = l.origin AND d.day >= ?1 || '-01' AND d.day <= ?1 || '-31') "
      "FROM lots l JOIN regions g ON g.code = l.origin WHERE substr(l.packed, 1, 7) = ?1 "
      "GROUP BY l.origin, g.name ORDER BY l.origin");
  q.Bind(1, month);
  while (q.Step()) {
    const std::string origin = q.Column(0).String();
    r.rows.push_back({{"region", origin}, {"region_name", q.Column(1).String()},
                      {"lots", q.Column(2).Int64()}, {"units", q.Column(3).Int64()},
                      {"kg", Kg(q.Column(4).Int64())}, {"products", q.Column(5).Int64()},
                      {"scans", q.Column(6).Int64() + unfolded[origin]}});
  }
  return r;
}

Report HgzReport(Store& store) {
  Report r{"承诺达标合格证开具情况（按主体、月份）", "compliance certificates by organisation and month",
           {"organisation", "credit_code", "month", "certificates", "lots_covered", "covered_kg",
            "lots_packed", "packed_kg", "covered_percent"}};
  // Certificates by their issue date, lots by their packing date, each month in Beijing time.
  sql::Statement q(store.db(),
      "WITH h AS (SELECT org_id, substr(issued_on, 1, 7) AS m, COUNT(*) AS n, "
      "    COUNT(DISTINCT lot_id) AS lots, SUM(covered_g) AS g FROM hgz GROUP BY 1, 2), "
      "  l AS (SELECT org_id, substr(packed, 1, 7) AS m, COUNT(*) AS n, "
      "    SUM(units * net_content_g) AS g FROM lots GROUP BY 1, 2), "
      "  k AS (SELECT org_id, m FROM h UNION SELECT org_id, m FROM l) "
      "SELECT o.name, o.credit_code, k.m, COALESCE(h.n, 0), COALESCE(h.lots, 0), "
      "  COALESCE(h.g, 0), COALESCE(l.n, 0), COALESCE(l.g, 0) "
      "FROM k JOIN organisations o ON o.id = k.org_id "
      "LEFT JOIN h ON h.org_id = k.org_id AND h.m = k.m "
      "LEFT JOIN l ON l.org_id = k.org_id AND l.m = k.m ORDER BY k.m DESC, o.name");
  while (q.Step()) {
    const int64_t covered = q.Column(5).Int64(), packed = q.Column(7).Int64();
    Json row = {{"organisation", q.Column(0).String()},
                {"credit_code", q.Column(1).String()},
                {"month", q.Column(2).String()},
                {"certificates", q.Column(3).Int64()},
                {"lots_covered", q.Column(4).Int64()},
                {"covered_kg", Kg(covered)},
                {"lots_packed", q.Column(6).Int64()},
                {"packed_kg", Kg(packed)},
                {"covered_percent", nullptr}};
    // Per mille in integers (a month's certificates may cover lots packed earlier: over 100%).
    if (packed > 0 && covered <= INT64_MAX / 1000) {
      const int64_t permille = (covered * 1000 + packed / 2) / packed;
      row["covered_percent"] = std::to_string(permille / 10) + "." + std::to_string(permille % 10);
    }
    r.rows.push_back(row);
  }
  return r;
}

Report LotsWithoutHgzReport(Store& store) {
  Report r{"尚未开具合格证的批次", "lots without a compliance certificate",
           {"lot", "organisation", "product", "packed", "units", "kg"}};
  sql::Statement q(store.db(),
                   "SELECT l.code, o.name, p.name, l.packed, l.units, l.units * l.net_content_g "
                   "FROM lots l JOIN organisations o ON o.id = l.org_id "
                   "JOIN products p ON p.id = l.product_id "
                   "WHERE NOT EXISTS (SELECT 1 FROM hgz h WHERE h.lot_id = l.id) "
                   "  AND NOT EXISTS (SELECT 1 FROM trace_events t WHERE t.lot_id = l.id "
                   "    AND t.step = 'recall') "
                   "ORDER BY l.id DESC");
  r.rows = Json::array();
  while (q.Step())
    r.rows.push_back({{"lot", q.Column(0).String()}, {"organisation", q.Column(1).String()},
                      {"product", q.Column(2).String()}, {"packed", q.Column(3).String()},
                      {"units", q.Column(4).Int64()}, {"kg", Kg(q.Column(5).Int64())}});
  return r;
}

Status CheckReportYear(const std::string& year) {
  if (std::regex_match(year, std::regex(R"(\d{4})"))) return Status::Ok();
  return Status::Invalid("年份格式应为 YYYY，例如 2026：" + year,
                         "the year must be YYYY, e.g. 2026: " + year)
      .with_reason("report-year");
}

Status CheckReportMonth(const std::string& month) {
  if (std::regex_match(month, std::regex(R"(\d{4}-(0[1-9]|1[0-2]))"))) return Status::Ok();
  return Status::Invalid("月份格式应为 YYYY-MM，例如 2026-04：" + month,
                         "the month must be YYYY-MM, e.g. 2026-04: " + month)
      .with_reason("report-month");
}

std::string ColumnTitleZh(const std::string& key) {
  for (const auto& c : kColumnTitles)
    if (key == c[0]) return c[1];
  return key;
}

bool IsQuantityColumn(const std::string& key) {
  return key == "kg" || (key.size() > 3 && key.compare(key.size() - 3, 3, "_kg") == 0) ||
         key == "poor_share_percent";
}

Json ReportJson(const Report& report) {
  return {{"title_zh", report.title_zh},
          {"title_en", report.title_en},
          {"columns", report.columns},
          {"rows", report.rows}};
}

std::string ReportCsv(const Report& report) {
  std::string out = "\xEF\xBB\xBF";
  for (size_t i = 0; i < report.columns.size(); ++i) out += (i ? "," : "") + report.columns[i];
  out += "\r\n";
  for (const auto& row : report.rows) {
    for (size_t i = 0; i < report.columns.size(); ++i)
      out += (i ? "," : "") + CsvField(row.value(report.columns[i], Json()));
    out += "\r\n";
  }
  return out;
}

std::string ReportText(const Report& report) {
  std::string out = report.title_zh + " / " + report.title_en + "\n";
  for (size_t i = 0; i < report.columns.size(); ++i) out += (i ? "\t" : "") + report.columns[i];
  out += "\n";
  for (const auto& row : report.rows) {
    for (size_t i = 0; i < report.columns.size(); ++i) {
      const Json& v = row.value(report.columns[i], Json());
      out += (i ? "\t" : "") + (v.is_string() ? v.get<std::string>() : v.is_null() ? "-" : v.dump());
    }
    out += "\n";
  }
  if (report.rows.empty()) out += "（无 / none）\n";
  return out;
}

}  // namespace agritrace
