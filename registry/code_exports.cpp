#include "registry/code_exports.h"

#include "registry/dates.h"
#include "registry/lots.h"
#include "registry/print_runs.h"

namespace agritrace {
namespace {

constexpr const char* kExportColumns =
    "SELECT e.id, l.code, e.first_serial, e.last_serial, e.format, e.file, e.sha256, e.bytes, "
    "e.actor, e.again_reason, e.exported_at FROM code_exports e JOIN lots l ON l.id = e.lot_id ";

CodeExport ReadExport(SQLite::Statement& q) {
  CodeExport e;
  e.id = q.getColumn(0).getInt64();
  e.lot_code = q.getColumn(1).getString();
  e.first_serial = q.getColumn(2).getInt64();
  e.last_serial = q.getColumn(3).getInt64();
  e.format = q.getColumn(4).getString();
  e.file = q.getColumn(5).getString();
  e.sha256 = q.getColumn(6).getString();
  e.bytes = q.getColumn(7).getInt64();
  e.actor = q.getColumn(8).getString();
  if (!q.getColumn(9).isNull()) e.again_reason = q.getColumn(9).getString();
  e.exported_at = q.getColumn(10).getString();
  return e;
}

std::string Range(int64_t a, int64_t b) { return RangesText({{a, b}}); }

}  // namespace

std::vector<CodeExport> OverlappingExports(Store& store, const std::string& lot_code,
                                           int64_t first_serial, int64_t last_serial) {
  SQLite::Statement q(store.db(), std::string(kExportColumns) +
                                      "WHERE l.code = ? AND e.first_serial <= ? AND "
                                      "e.last_serial >= ? ORDER BY e.id");
  q.bind(1, lot_code);
  q.bind(2, last_serial);
  q.bind(3, first_serial);
  std::vector<CodeExport> out;
  while (q.executeStep()) out.push_back(ReadExport(q));
  return out;
}

Status CheckExportAgain(Store& store, const std::string& lot_code, int64_t first_serial,
                        int64_t last_serial, bool again, const std::string& reason) {
  std::vector<CodeExport> earlier = OverlappingExports(store, lot_code, first_serial, last_serial);
  if (earlier.empty()) {
    if (again || !reason.empty())
      return Status::Invalid("序号 " + Range(first_serial, last_serial) +
                                 " 以前没有导出过，不需要 --again/--reason",
                             "serials " + Range(first_serial, last_serial) +
                                 " were never exported: drop --again/--reason")
          .with_reason("export-again-unneeded");
    return Status::Ok();
  }
  if (again && !reason.empty()) return Status::Ok();
  std::string zh, en;
  for (const CodeExport& e : earlier) {
    zh += "导出 " + std::to_string(e.id) + "（序号 " + Range(e.first_serial, e.last_serial) + "，" +
          e.exported_at + "，" + e.actor + "）；";
    en += "export " + std::to_string(e.id) + " (serials " + Range(e.first_serial, e.last_serial) +
          ", " + e.exported_at + ", " + e.actor + "); ";
  }
  return Status::Conflict("序号 " + Range(first_serial, last_serial) + " 与以前的导出重叠：" + zh +
                              "码包是标签被复制的主要途径，确需再次导出请加 --again --reason "
                              "\"原因\"，会列入稽查报表。未写入任何文件",
                          "serials " + Range(first_serial, last_serial) +
                              " overlap earlier exports: " + en +
                              "code files are how labels get copied; to export them again give "
                              "--again --reason \"WHY\", which the bureau's audit lists. No file "
                              "was written")
      .with_reason("export-overlap");
}

Result<Json> RecordCodeExport(Store& store, const CodeExport& in, bool again) {
  Json out;
  Status s = store.Transact([&]() -> Status {
    auto lot_id = LotId(store, in.lot_code);
    if (!lot_id.ok()) return lot_id.status();
    if (Status c = CheckExportAgain(store, in.lot_code, in.first_serial, in.last_serial, again,
                                    in.again_reason);
        !c.ok())
      return c;
    Json overlaps = Json::array();
    for (const CodeExport& e :
         OverlappingExports(store, in.lot_code, in.first_serial, in.last_serial))
      overlaps.push_back(e.id);
    const int64_t id =
        store.db().execAndGet("SELECT COALESCE(MAX(id), 0) + 1 FROM code_exports").getInt64();
    const std::string now = NowUtc();
    out = {{"id", id},
           {"lot", in.lot_code},
           {"first_serial", in.first_serial},
           {"last_serial", in.last_serial},
           {"format", in.format},
           {"file", in.file},
           {"sha256", in.sha256},
           {"bytes", in.bytes},
           {"actor", in.actor},
           {"exported_at", now}};
    if (!in.again_reason.empty()) {
      out["reason"] = in.again_reason;
      out["overlaps"] = overlaps;
    }
    auto ev = store.AppendEvent("codes.exported", out);
    if (!ev.ok()) return ev.status();
    SQLite::Statement ins(store.db(),
                          "INSERT INTO code_exports(id, lot_id, first_serial, last_serial, format, "
                          "file, sha256, bytes, actor, again_reason, exported_at, event_index) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.bind(1, id);
    ins.bind(2, *lot_id);
    ins.bind(3, in.first_serial);
    ins.bind(4, in.last_serial);
    ins.bind(5, in.format);
    ins.bind(6, in.file);
    ins.bind(7, in.sha256);
    ins.bind(8, in.bytes);
    ins.bind(9, in.actor);
    if (in.again_reason.empty())
      ins.bind(10);
    else
      ins.bind(10, in.again_reason);
    ins.bind(11, now);
    ins.bind(12, *ev);
    ins.exec();
    out["event_index"] = *ev;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Report ReexportReport(Store& store) {
  Report r{"码包重复导出记录",
           "code files exported again",
           {"lot", "export", "at", "actor", "serials", "overlaps", "reason", "file", "sha256"}};
  SQLite::Statement q(
      store.db(), std::string(kExportColumns) + "WHERE e.again_reason IS NOT NULL ORDER BY e.id");
  while (q.executeStep()) {
    CodeExport e = ReadExport(q);
    std::string overlaps;
    for (const CodeExport& o : OverlappingExports(store, e.lot_code, e.first_serial, e.last_serial))
      if (o.id < e.id)
        overlaps += (overlaps.empty() ? "" : ", ") + std::to_string(o.id) + " (" +
                    Range(o.first_serial, o.last_serial) + ")";
    r.rows.push_back({{"lot", e.lot_code},
                      {"export", e.id},
                      {"at", e.exported_at},
                      {"actor", e.actor},
                      {"serials", Range(e.first_serial, e.last_serial)},
                      {"overlaps", overlaps},
                      {"reason", e.again_reason},
                      {"file", e.file},
                      {"sha256", e.sha256}});
  }
  return r;
}

}  // namespace agritrace
