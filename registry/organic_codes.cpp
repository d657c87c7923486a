#include "agritrace/registry/organic_codes.h"

#include <limits>
#include <unordered_map>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/table_import.h"

namespace agritrace {
namespace {

constexpr size_t kMaxCodes = 10000000;

std::string Line(int64_t n) { return std::to_string(n); }

// The line without spaces, tabs and CR, full-width digits (U+FF10 … U+FF19) made ASCII.
std::string Normalise(std::string_view line) {
  std::string out;
  for (size_t i = 0; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (c == ' ' || c == '\t') continue;
    if (c == 0xEF && i + 2 < line.size() && static_cast<unsigned char>(line[i + 1]) == 0xBC &&
        static_cast<unsigned char>(line[i + 2]) >= 0x90 &&
        static_cast<unsigned char>(line[i + 2]) <= 0x99) {
      out.push_back(static_cast<char>('0' + static_cast<unsigned char>(line[i + 2]) - 0x90));
      i += 2;
      continue;
    }
    if (c == 0xE3 && line.substr(i, 3) == "\u3000") {  // ideographic space
      i += 2;
      continue;
    }
    out.push_back(static_cast<char>(c));
  }
  return out;
}

bool IsOrganicCode(const std::string& s) {
  if (s.size() != 17 && s.size() != 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Result<std::vector<std::string>> ParseOrganicCodes(std::string_view file) {
  std::vector<std::string> codes;
  std::unordered_map<std::string, int64_t> seen;  // code → line
  Status read = ForEachTableRow(file, [&](const TableRow& row) -> Status {
    const std::string line_no = Line(row.line);
    const TableCell* cell = nullptr;
    for (const TableCell& c : row.cells) {
      if (c.text.empty()) continue;
      if (cell)
        return RowRefusal(row.line, "每行只能有一个有机码，这一行有好几格",
                          "one 有机码 (organic code) a line; this line has several cells",
                          "organic-code-format");
      cell = &c;
    }
    // Excel keeps 15 digits of a number: a 17-digit code typed into a number cell is lost.
    if (cell->number)
      return RowRefusal(row.line,
                        "有机码是数字格式的单元格，Excel 只保留 15 位有效数字，末尾已经丢失："
                        "请把这一列设为“文本”格式后重新粘贴认证机构的清单",
                        "the 有机码 (organic code) is a number cell, and Excel keeps only 15 "
                        "digits of a number: format the column as Text and paste the certifier's "
                        "list again",
                        "organic-code-format");
    const std::string code = Normalise(cell->text);
    if (!IsOrganicCode(code)) {
      return Status::Invalid("第 " + line_no + " 行「" + cell->text +
                                 "」不是有机码：有机码是 17 位数字（2024 年起的新规为 18 位），"
                                 "请对照认证机构发来的清单",
                             "line " + line_no + " ('" + cell->text +
                                 "') is not a 有机码 (organic code): 17 digits, or 18 under the "
                                 "2024 rules; check the certifier's list")
          .with_reason("organic-code-format");
    }
    auto [it, fresh] = seen.emplace(code, row.line);
    if (!fresh) {
      return Status::Invalid("第 " + line_no + " 行的有机码 " + code + " 与第 " +
                                 Line(it->second) + " 行重复：每个有机码只能印在一个标签上",
                             "line " + line_no + " repeats the 有机码 " + code + " of line " +
                                 Line(it->second) + ": each code goes on one label only")
          .with_reason("organic-code-repeated");
    }
    if (codes.size() == kMaxCodes) {
      return Status::Invalid("一次最多导入 1000 万个有机码", "at most 10,000,000 codes at a time")
          .with_reason("organic-code-format");
    }
    codes.push_back(code);
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (codes.empty()) {
    return Status::Invalid("文件里没有有机码：每行一个 17 或 18 位的有机码",
                           "the file holds no 有机码 (organic code): one code of 17 or 18 "
                           "digits a line")
        .with_reason("organic-codes-empty");
  }
  return codes;
}

Result<std::string> OrganicCertificate(sql::Connection& db, int64_t lot_id) {
  try {
    sql::Statement q(
        db,
        "SELECT c.number FROM lot_certs lc JOIN certifications c ON c.id = lc.cert_id "
        "WHERE lc.lot_id = ? AND c.type = 'organic' ORDER BY c.id LIMIT 1");
    q.Bind(1, lot_id);
    return q.Step() ? q.Column(0).String() : std::string();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<int64_t> CountUnitsWithoutOrganicCode(sql::Connection& db, int64_t lot_id,
                                             int64_t first_serial, int64_t last_serial) {
  try {
    sql::Statement q(db,
                     "SELECT COUNT(*) FROM units u LEFT JOIN organic_codes o ON o.unit = u.code "
                     "WHERE u.lot_id = ? AND u.serial BETWEEN ? AND ? AND o.unit IS NULL");
    q.Bind(1, lot_id);
    q.Bind(2, first_serial);
    q.Bind(3, last_serial);
    q.Step();
    return q.Column(0).Int64();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

OrganicCodeReader::OrganicCodeReader(sql::Connection& db)
    : query_(db,
             "SELECT u.serial, o.code FROM units u JOIN organic_codes o ON o.unit = u.code "
             "WHERE u.lot_id = ? AND u.serial BETWEEN ? AND ? ORDER BY u.serial") {}

Result<std::unique_ptr<OrganicCodeReader>> OrganicCodeReader::Open(sql::Connection& db,
                                                                   int64_t lot_id,
                                                                   int64_t first_serial,
                                                                   int64_t last_serial) {
  try {
    std::unique_ptr<OrganicCodeReader> r(new OrganicCodeReader(db));
    r->query_.Bind(1, lot_id);
    r->query_.Bind(2, first_serial);
    r->query_.Bind(3, last_serial);
    return r;
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

Result<std::string> OrganicCodeReader::For(int64_t serial) {
  try {
    while (!done_ && (!has_row_ || serial_ < serial)) {
      has_row_ = query_.Step();
      done_ = !has_row_;
      if (has_row_) {
        serial_ = query_.Column(0).Int64();
        code_ = query_.Column(1).String();
      }
    }
    return has_row_ && serial_ == serial ? code_ : std::string();
  } catch (const std::exception& e) {
    return DbError(e);
  }
}

void to_json(Json& j, const LoadedOrganicCodes& l) {
  j = {{"lot", l.lot},
       {"certification", l.certification},
       {"loaded", l.loaded},
       {"first_serial", l.first_serial},
       {"last_serial", l.last_serial},
       {"waiting", l.waiting},
       {"codes_sha256", l.codes_sha256},
       {"event_index", l.event_index}};
}

Result<LoadedOrganicCodes> LoadOrganicCodes(Store& store, const std::string& lot_code,
                                            const std::vector<std::string>& codes) {
  if (codes.empty()) return ParseOrganicCodes("").status();
  LoadedOrganicCodes out;
  const std::string shown = crockford::Group(lot_code, 5);  // as printed: XXXXX-XXXXX
  Status s = store.Transact([&]() -> Status {
    Result<int64_t> lot = LotId(store, lot_code);
    if (!lot.ok()) return lot.status();
    const int64_t lot_id = *lot;
    if (IsRecalled(store, lot_id)) {
      return Status::Invalid("批次 " + shown + " 已召回，不能再导入有机码",
                             "lot " + shown + " is recalled: no more 有机码 (organic codes)")
          .with_reason("lot-recalled");
    }
    sql::Connection& db = store.db();

    sql::Statement cert_q(
        db,
        "SELECT c.id, c.number, c.status FROM lot_certs lc JOIN certifications c "
        "ON c.id = lc.cert_id WHERE lc.lot_id = ? AND c.type = 'organic' ORDER BY c.id LIMIT 1");
    cert_q.Bind(1, lot_id);
    if (!cert_q.Step()) {
      return Status::Invalid(
                 "批次 " + shown + " 没有有机产品认证，不用也不能导入有机码；有机码只用于有机产品",
                 "lot " + shown +
                     " has no organic certificate: 有机码 (organic codes) are for "
                     "organic products only")
          .with_reason("not-organic");
    }
    const int64_t cert_id = cert_q.Column(0).Int64();
    const std::string cert_number = cert_q.Column(1).String();
    const std::string cert_status = cert_q.Column(2).String();
    if (cert_status != "active") {
      const std::string zh = cert_status == "revoked" ? "已撤销" : "已暂停";
      return Status::Invalid("有机产品认证 " + cert_number + zh + "，不能再导入有机码",
                             "the organic certificate " + cert_number + " is " + cert_status +
                                 ": no more 有机码 (organic codes)")
          .with_reason("cert-inactive");
    }

    sql::Statement taken(db,
                         "SELECT l.code FROM organic_codes o JOIN units u ON u.code = o.unit "
                         "JOIN lots l ON l.id = u.lot_id WHERE o.code = ?");
    // A code already loaded is named first: loading the same list twice says so.
    for (const std::string& code : codes) {
      taken.Reset();
      taken.Bind(1, code);
      if (taken.Step()) {
        return Status::Conflict("有机码 " + code + " 已经导入过（批次 " +
                                    crockford::Group(taken.Column(0).String(), 5) +
                                    "）：同一个有机码只能印在一个标签上；请向认证机构核实清单",
                                "the 有机码 (organic code) " + code + " is already loaded (lot " +
                                    crockford::Group(taken.Column(0).String(), 5) +
                                    "): each code goes on one label only; check the list with "
                                    "the certifier")
            .with_reason("organic-code-taken");
      }
    }
    const Result<int64_t> waiting =
        CountUnitsWithoutOrganicCode(db, lot_id, 1, std::numeric_limits<int64_t>::max());
    if (!waiting.ok()) return waiting.status();
    if (static_cast<int64_t>(codes.size()) > *waiting) {
      return Status::Invalid("本批次还没有有机码的追溯码只有 " + std::to_string(*waiting) +
                                 " 个，清单里有 " + std::to_string(codes.size()) +
                                 " 个有机码；先用 agritrace label mint 发码，再导入有机码",
                             "the lot has " + std::to_string(*waiting) +
                                 " unit codes without a 有机码 (organic code) and the list holds " +
                                 std::to_string(codes.size()) +
                                 "; mint unit codes first (agritrace label mint)")
          .with_reason("organic-codes-exceed-units");
    }

    sql::Statement units(db,
                         "SELECT u.code, u.serial FROM units u LEFT JOIN organic_codes o "
                         "ON o.unit = u.code WHERE u.lot_id = ? AND o.unit IS NULL "
                         "ORDER BY u.serial LIMIT ?");
    units.Bind(1, lot_id);
    units.Bind(2, static_cast<int64_t>(codes.size()));
    // The units first, then the inserts: the query must not see its own rows.
    std::vector<std::pair<std::string, int64_t>> targets;
    targets.reserve(codes.size());
    while (units.Step()) {
      targets.emplace_back(units.Column(0).String(), units.Column(1).Int64());
    }
    sql::Statement insert(db,
                          "INSERT INTO organic_codes (unit, code, cert_id) VALUES (?, ?, ?)");
    std::string digest_input;
    for (size_t i = 0; i < codes.size(); ++i) {
      insert.Reset();
      insert.Bind(1, targets[i].first);
      insert.Bind(2, codes[i]);
      insert.Bind(3, cert_id);
      insert.Exec();
      digest_input.append(codes[i]);
      digest_input.push_back('\n');
    }
    out.lot = lot_code;
    out.certification = cert_number;
    out.loaded = static_cast<int64_t>(codes.size());
    out.first_serial = targets.front().second;
    out.last_serial = targets.back().second;
    out.codes_sha256 = HexEncode(Sha256(digest_input));
    // The event holds what was loaded, not the answer's waiting count and its own index.
    Result<int64_t> ev = store.AppendEvent(
        "organic_codes.loaded", {{"lot", out.lot},
                                 {"certification", out.certification},
                                 {"loaded", out.loaded},
                                 {"first_serial", out.first_serial},
                                 {"last_serial", out.last_serial},
                                 {"codes_sha256", out.codes_sha256}});
    if (!ev.ok()) return ev.status();
    out.event_index = *ev;
    out.waiting = *waiting - out.loaded;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

}  // namespace agritrace
