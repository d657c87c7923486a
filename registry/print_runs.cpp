#include "agritrace/registry/print_runs.h"

#include <algorithm>
#include <map>

#include "agritrace/registry/dates.h"
#include "agritrace/registry/lots.h"

namespace agritrace {
namespace {

using Ranges = std::vector<std::pair<int64_t, int64_t>>;

const char* OutcomeName(PrintOutcome o) {
  switch (o) {
    case PrintOutcome::kComplete:
      return "complete";
    case PrintOutcome::kInterrupted:
      return "interrupted";
    case PrintOutcome::kFailed:
      return "failed";
  }
  return "failed";
}

Status RunNotFound(int64_t id) {
  return Status::NotFound("找不到打印任务 " + std::to_string(id) + "；请核对任务号",
                          "no print run " + std::to_string(id) + "; check the job number")
      .with_reason("print-run-unknown");
}

constexpr const char* kRunColumns =
    "SELECT r.id, l.code, r.lot_only, r.first_serial, r.last_serial, r.format, r.options, "
    "r.destination, r.actor, r.resumes, r.started_at, r.outcome, r.sent_through, r.ended_at "
    "FROM print_runs r JOIN lots l ON l.id = r.lot_id ";

PrintRun ReadRun(sql::Statement& q) {
  PrintRun r;
  r.id = q.Column(0).Int64();
  r.lot_code = q.Column(1).String();
  r.lot_only = q.Column(2).Int() != 0;
  r.first_serial = q.Column(3).Int64();
  r.last_serial = q.Column(4).Int64();
  r.format = q.Column(5).String();
  r.options = Json::parse(q.Column(6).String(), nullptr, false);
  if (r.options.is_discarded()) r.options = Json::object();
  r.destination = q.Column(7).String();
  r.actor = q.Column(8).String();
  r.resumes = q.Column(9).IsNull() ? 0 : q.Column(9).Int64();
  r.started_at = q.Column(10).String();
  if (!q.Column(11).IsNull()) r.outcome = q.Column(11).String();
  if (!q.Column(12).IsNull()) r.sent_through = q.Column(12).Int64();
  if (!q.Column(13).IsNull()) r.ended_at = q.Column(13).String();
  return r;
}

// What a run may have printed: up to sent_through once ended, its whole range until then.
std::optional<std::pair<int64_t, int64_t>> Printed(const PrintRun& r) {
  const int64_t last = r.ended() ? *r.sent_through : r.last_serial;
  if (r.lot_only || last < r.first_serial) return std::nullopt;
  return std::make_pair(r.first_serial, last);
}
// What it surely printed: nothing until it ended.
std::optional<std::pair<int64_t, int64_t>> SurelyPrinted(const PrintRun& r) {
  if (!r.ended()) return std::nullopt;
  return Printed(r);
}

Ranges Merge(Ranges r) {
  std::sort(r.begin(), r.end());
  Ranges out;
  for (const auto& [a, b] : r) {
    if (!out.empty() && a <= out.back().second + 1)
      out.back().second = std::max(out.back().second, b);
    else
      out.emplace_back(a, b);
  }
  return out;
}

// A lot's runs in order, each with the serials of it that earlier runs had printed.
std::vector<Reprint> ReprintsOfLot(const std::vector<PrintRun>& runs) {
  std::map<int64_t, const PrintRun*> by_id;
  for (const PrintRun& r : runs) by_id[r.id] = &r;
  std::vector<Reprint> out;
  for (size_t i = 0; i < runs.size(); ++i) {
    const PrintRun& run = runs[i];
    Reprint rep{run, {}, 0};
    auto mine = Printed(run);
    if (mine) {
      // The runs this one continues count only with what they surely sent.
      std::vector<int64_t> chain;
      for (int64_t up = run.resumes; up && by_id.count(up); up = by_id[up]->resumes) {
        if (std::find(chain.begin(), chain.end(), up) != chain.end()) break;
        chain.push_back(up);
      }
      Ranges earlier;
      for (size_t j = 0; j < i; ++j) {
        const bool ancestor = std::find(chain.begin(), chain.end(), runs[j].id) != chain.end();
        auto p = ancestor ? SurelyPrinted(runs[j]) : Printed(runs[j]);
        if (p) earlier.push_back(*p);
      }
      for (const auto& [a, b] : Merge(earlier)) {
        const int64_t lo = std::max(a, mine->first), hi = std::min(b, mine->second);
        if (lo <= hi) {
          rep.ranges.emplace_back(lo, hi);
          rep.serials += hi - lo + 1;
        }
      }
    }
    out.push_back(std::move(rep));
  }
  return out;
}

std::vector<PrintRun> Runs(Store& store, const std::string& lot_code) {
  sql::Statement q(store.db(), std::string(kRunColumns) +
                                      (lot_code.empty() ? "" : "WHERE l.code = ? ") +
                                      "ORDER BY r.lot_id, r.id");
  if (!lot_code.empty()) q.Bind(1, lot_code);
  std::vector<PrintRun> runs;
  while (q.Step()) runs.push_back(ReadRun(q));
  return runs;
}

int64_t Copies(const PrintRun& r) {
  return r.options.is_object() && r.options.contains("copies") &&
                 r.options["copies"].is_number_integer()
             ? r.options["copies"].get<int64_t>()
             : 1;
}

std::string RangeText(int64_t a, int64_t b) {
  return a == b ? std::to_string(a) : std::to_string(a) + "–" + std::to_string(b);
}

}  // namespace

std::string RangesText(const Ranges& ranges) {
  std::string out;
  for (const auto& [a, b] : ranges) out += (out.empty() ? "" : ", ") + RangeText(a, b);
  return out;
}

Result<int64_t> StartPrintRun(Store& store, const PrintRunStart& in) {
  int64_t id = 0;
  Status s = store.Transact([&]() -> Status {
    auto lot_id = LotId(store, in.lot_code);
    if (!lot_id.ok()) return lot_id.status();
    auto options = CanonicalJson(in.options);
    if (!options.ok()) return options.status();
    if (in.resumes) {
      auto earlier = GetPrintRun(store, in.resumes);
      if (!earlier.ok()) return earlier.status();
    }
    const std::string now = NowUtc();
    id = store.db().QueryValue("SELECT COALESCE(MAX(id), 0) + 1 FROM print_runs").Int64();
    Json data = {{"id", id},
                 {"lot", in.lot_code},
                 {"lot_only", in.lot_only},
                 {"first_serial", in.first_serial},
                 {"last_serial", in.last_serial},
                 {"format", in.format},
                 {"options", in.options},
                 {"destination", in.destination},
                 {"actor", in.actor},
                 {"started_at", now}};
    if (in.resumes) data["resumes"] = in.resumes;
    auto ev = store.AppendEvent("labels.print-started", data);
    if (!ev.ok()) return ev.status();
    sql::Statement ins(store.db(),
                       "INSERT INTO print_runs(id, lot_id, lot_only, first_serial, last_serial, "
                       "format, options, destination, actor, resumes, started_at, start_event) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ins.Bind(1, id);
    ins.Bind(2, *lot_id);
    ins.Bind(3, in.lot_only ? 1 : 0);
    ins.Bind(4, in.first_serial);
    ins.Bind(5, in.last_serial);
    ins.Bind(6, in.format);
    ins.Bind(7, *options);
    ins.Bind(8, in.destination);
    ins.Bind(9, in.actor);
    if (in.resumes)
      ins.Bind(10, in.resumes);
    else
      ins.Bind(10);
    ins.Bind(11, now);
    ins.Bind(12, *ev);
    ins.Exec();
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return id;
}

void to_json(Json& j, const EndedPrintRun& e) {
  j = {{"id", e.id},
       {"lot", e.lot_code},
       {"outcome", e.outcome},
       {"sent_through", e.sent_through},
       {"ended_at", e.ended_at},
       {"event_index", e.event_index}};
}

void to_json(Json& j, const PrintSummary& s) {
  j = {{"runs", s.runs},
       {"unfinished_runs", s.unfinished_runs},
       {"serials_printed", s.serials_printed},
       {"reprinted_serials", s.reprinted_serials},
       {"reprint_runs", s.reprint_runs}};
  if (s.last_run) {
    const PrintRun& last = *s.last_run;
    j["last_run"] = {{"id", last.id},
                     {"started_at", last.started_at},
                     {"destination", last.destination},
                     {"actor", last.actor},
                     {"outcome", last.ended() ? last.outcome : "unfinished"}};
  }
}

Result<EndedPrintRun> EndPrintRun(Store& store, int64_t id, PrintOutcome outcome,
                                  int64_t sent_through) {
  EndedPrintRun out;
  Status s = store.Transact([&]() -> Status {
    auto run = GetPrintRun(store, id);
    if (!run.ok()) return run.status();
    if (run->ended())
      return Status::Conflict("打印任务 " + std::to_string(id) + " 已经结束",
                              "print run " + std::to_string(id) + " has already ended");
    const int64_t low = run->lot_only ? 0 : run->first_serial - 1;
    const int64_t high = run->lot_only ? 1 : run->last_serial;
    if (sent_through < low || sent_through > high)
      return Status::Invalid("已送出序号超出任务范围", "sent_through lies outside the run's range");
    const std::string now = NowUtc();
    out = {id, run->lot_code, OutcomeName(outcome), sent_through, now, 0};
    Json event = out;
    event.erase("event_index");  // the event's own index is not known until it is appended
    auto ev = store.AppendEvent("labels.print-ended", event);
    if (!ev.ok()) return ev.status();
    sql::Statement up(store.db(),
                      "UPDATE print_runs SET outcome = ?, sent_through = ?, ended_at = ?, "
                      "end_event = ? WHERE id = ?");
    up.Bind(1, OutcomeName(outcome));
    up.Bind(2, sent_through);
    up.Bind(3, now);
    up.Bind(4, *ev);
    up.Bind(5, id);
    up.Exec();
    out.event_index = *ev;
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return out;
}

Result<PrintRun> GetPrintRun(Store& store, int64_t id) {
  sql::Statement q(store.db(), std::string(kRunColumns) + "WHERE r.id = ?");
  q.Bind(1, id);
  if (!q.Step()) return RunNotFound(id);
  return ReadRun(q);
}

int64_t ResumedBy(Store& store, int64_t id) {
  sql::Statement q(store.db(), "SELECT MIN(id) FROM print_runs WHERE resumes = ?");
  q.Bind(1, id);
  return q.Step() && !q.Column(0).IsNull() ? q.Column(0).Int64() : 0;
}

std::vector<Reprint> FindReprints(Store& store, const std::string& lot_code) {
  std::vector<PrintRun> runs = Runs(store, lot_code);
  std::vector<Reprint> out;
  for (size_t i = 0; i < runs.size();) {
    size_t j = i;
    while (j < runs.size() && runs[j].lot_code == runs[i].lot_code) ++j;
    std::vector<PrintRun> lot(runs.begin() + static_cast<std::ptrdiff_t>(i),
                              runs.begin() + static_cast<std::ptrdiff_t>(j));
    for (Reprint& r : ReprintsOfLot(lot))
      if (r.serials > 0 || (!r.run.lot_only && Copies(r.run) > 1)) out.push_back(std::move(r));
    i = j;
  }
  return out;
}

PrintSummary LotPrintSummary(Store& store, const std::string& lot_code) {
  std::vector<PrintRun> runs = Runs(store, lot_code);
  PrintSummary out;
  Ranges printed;
  out.runs = static_cast<int64_t>(runs.size());
  for (const PrintRun& r : runs) {
    if (!r.ended()) ++out.unfinished_runs;
    if (auto p = Printed(r)) printed.push_back(*p);
  }
  for (const Reprint& r : ReprintsOfLot(runs)) {
    out.reprinted_serials += r.serials;
    if (r.serials > 0) ++out.reprint_runs;
  }
  for (const auto& [a, b] : Merge(printed)) out.serials_printed += b - a + 1;
  if (!runs.empty()) out.last_run = runs.back();
  return out;
}

Report ReprintReport(Store& store) {
  Report r{"重复打印（补打）记录",
           "reprinted labels",
           {"lot", "run", "at", "actor", "destination", "format", "serials", "reprinted",
            "reprinted_serials", "copies"}};
  for (const Reprint& rep : FindReprints(store)) {
    const PrintRun& run = rep.run;
    const int64_t last = run.ended() ? *run.sent_through : run.last_serial;
    r.rows.push_back(
        {{"lot", run.lot_code},
         {"run", run.id},
         {"at", run.started_at},
         {"actor", run.actor},
         {"destination", run.destination},
         {"format", run.format},
         {"serials", last >= run.first_serial ? RangeText(run.first_serial, last) : std::string()},
         {"reprinted", RangesText(rep.ranges)},
         {"reprinted_serials", rep.serials},
         {"copies", Copies(run)}});
  }
  return r;
}

}  // namespace agritrace
