#include "agritrace/registry/code_exports.h"

#include "agritrace/registry/dates.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/print_runs.h"

namespace agritrace {
namespace {

constexpr const char* kExportColumns =
    "SELECT e.id, l.code, e.first_serial, e.last_serial, e.format, e.file, e.sha256, e.bytes, "
    "e.actor, e.again_reason, e.exported_at FROM code_exports e JOIN lots l ON l.id = e.lot_id ";

CodeExport ReadExport(sql::Statement& q) {
  CodeExport e;
  e.id = q.Column(0).Int64();
  e.lot_code = q.Column(1).String();
  e.first_serial = q.Column(2).Int64();
  e.last_serial = q.Column(3).Int64();
  e.format = q.Column(4).String();
  e.file = q.Column(5).String();
  e.sha256 = q.Column(6).String();
  e.bytes = q.Column(7).Int64();
  e.actor = q.Column(8).String();
  if (!q.Column(9).IsNull()) e.again_reason = q.Column(9).String();
  e.exported_at = q.Column(10).String();
  return e;
}

std::string Range(int64_t a, int64_t b) { return RangesText({{a, b}}); }

}  // namespace

std::vector<CodeExport> OverlappingExports(Store& store, const std::string& lot_code,
                                           int64_t first_serial, int64_t last_serial) {
  sql::Statement q(store.db(), std::string(kExportColumns) +
                                      "WHERE l.code = ? AND e.first_serial <= ? AND "
                                      "e.last_serial >= ? ORDER BY e.id");
  q.Bind(1, lot_code);
  q.Bind(2, last_serial);
  q.Bind(3, first_serial);
  std::vector<CodeExport> out;
  while (q.Step()) out.push_back(ReadExport(q));
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

void to_json(Json& j, const RecordedCodeExport& r) {
  const CodeExport& e = r.code_export;
  j = {{"id", e.id},
       {"lot", e.lot_code},
       {"first_serial", e.first_serial},
       {"last_serial", e.last_serial},
       {"format", e.format},
       {"file", e.file},
       {"sha256", e.sha256},
       {"bytes", e.bytes},
       {"actor", e.actor},
       {"exported_at", e.exported_at},
       {"event_index", r.event_index}};
  if (!e.again_reason.empty()) {
    j["reason"] = e.again_reason;
    j["overlaps"] = r.overlaps;
  }
}

Result<RecordedCodeExport> RecordCodeExport(Store& store, const CodeExport& in, bool again) {
  RecordedCodeExport out;
  Status s = store.Transact([&]() -> Status {
    auto lot_id = LotId(store, in.lot_code);
    if (!lot_id.ok()) return lot_id.status();
    if (Status c = CheckExportAgain(store, in.lot_code, in.first_serial, in.last_serial, again,
                                    in.again_reason);
        !c.ok())
      return c;
    out = {in, {}, 0};
    for (const CodeExport& e :
         OverlappingExports(store, in.lot_code, in.first_serial, in.last_serial))
      out.overlaps.push_back(e.id);
    const int64_t id =
        store.db().QueryValue("SELECT COALESCE(MAX(id), 0) + 1 FROM code_exports").Int64();
    const std::string now = NowUtc();
    out.code_export.id = id;
    out.code_export.exported_at = now;
    Json event = out;
    event.erase("event_index");  // the event's own index is not known until it is appended
    auto ev = store.AppendEvent("codes.exported", event);
    if (!ev.ok()) return ev.status();
    sql::Statement ins(store.db(),
                       "INSERT INTO code_exports(id, lot_id, first_serial, last_serial, format, "
                       "file, sha256, bytes, actor, again_reason, exported_at, event_index) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.Bind(1, id);
    ins.Bind(2, *lot_id);
    ins.Bind(3, in.first_serial);
    ins.Bind(4, in.last_serial);
    ins.Bind(5, in.format);
    ins.Bind(6, in.file);
    ins.Bind(7, in.sha256);
    ins.Bind(8, in.bytes);
    ins.Bind(9, in.actor);
    if (in.again_reason.empty())
      ins.Bind(10);
    else
      ins.Bind(10, in.again_reason);
    ins.Bind(11, now);
    ins.Bind(12, *ev);
    ins.Exec();
    out.event_index = *ev;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Report ReexportReport(Store& store) {
  Report r{"码包重复导出记录",
           "code files exported again",
           {"lot", "export", "at", "actor", "serials", "overlaps", "reason", "file", "sha256"}};
  sql::Statement q(
      store.db(), std::string(kExportColumns) + "WHERE e.again_reason IS NOT NULL ORDER BY e.id");
  while (q.Step()) {
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
