// Print runs and code exports leave the registry as structs (issue 12); `lot show --json`, the
// CLI's --json and the log events print them through to_json, so every field must come out under
// its old name, absent where it was absent, and the event must stay what it logged before.
#include <catch2/catch.hpp>

#include <set>

#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/print_runs.h"
#include "tests/support/record_json.h"
#include "tests/support/registry_fixture.h"

using namespace agritrace;
using agritrace::testing::EventAt;
using agritrace::testing::Keys;
using agritrace::testing::RegistryFixture;
using agritrace::testing::WithoutIndex;

namespace {
std::string IssueTeaLot(RegistryFixture& f) {
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  return issued->code;
}
}  // namespace

TEST_CASE("an ended print run prints as the event EndPrintRun logged", "[print_runs]") {
  RegistryFixture f;
  const std::string lot = IssueTeaLot(f);
  PrintRunStart start{lot, false, 1, 10, "tspl", {{"copies", 1}}, "tcp://10.0.0.5:9100",
                      "cli:clerk", 0};
  auto id = StartPrintRun(*f.store, start);
  REQUIRE(id.ok());

  auto ended = EndPrintRun(*f.store, *id, PrintOutcome::kInterrupted, 7);
  REQUIRE(ended.ok());
  CHECK(ended->id == *id);
  CHECK(ended->lot_code == lot);
  CHECK(ended->outcome == "interrupted");
  CHECK(ended->sent_through == 7);
  const Json j = *ended;
  CHECK(Keys(j) == std::set<std::string>{"id", "lot", "outcome", "sent_through", "ended_at",
                                         "event_index"});
  CHECK(j["id"] == *id);
  CHECK(j["lot"] == lot);
  CHECK(j["outcome"] == "interrupted");
  CHECK(j["sent_through"] == 7);
  CHECK(j["ended_at"] == ended->ended_at);
  CHECK(j["event_index"] == ended->event_index);
  auto [kind, data] = EventAt(*f.store, ended->event_index);
  CHECK(kind == "labels.print-ended");
  CHECK(data == WithoutIndex(j));
  // What was recorded is what came back.
  auto run = GetPrintRun(*f.store, *id);
  REQUIRE(run.ok());
  CHECK(run->ended_at == ended->ended_at);
  CHECK(run->sent_through == 7);
}

TEST_CASE("a lot's print summary prints as lot show --json's printing", "[print_runs]") {
  RegistryFixture f;
  const std::string lot = IssueTeaLot(f);

  // No run yet: counts of zero and no "last_run" at all.
  PrintSummary none = LotPrintSummary(*f.store, lot);
  CHECK_FALSE(none.last_run);
  CHECK(Json(none) == Json({{"runs", 0},
                            {"unfinished_runs", 0},
                            {"serials_printed", 0},
                            {"reprinted_serials", 0},
                            {"reprint_runs", 0}}));

  // Run 1 prints 1-10 in full; run 2 prints 6-12 and is still open (so 6-12 may have printed).
  PrintRunStart start{lot, false, 1, 10, "pdf", {{"copies", 1}}, "download", "token:3", 0};
  auto first = StartPrintRun(*f.store, start);
  REQUIRE(first.ok());
  REQUIRE(EndPrintRun(*f.store, *first, PrintOutcome::kComplete, 10).ok());
  start.first_serial = 6;
  start.last_serial = 12;
  start.destination = "tcp://10.0.0.5:9100";
  start.actor = "cli:clerk";
  auto second = StartPrintRun(*f.store, start);
  REQUIRE(second.ok());

  PrintSummary s = LotPrintSummary(*f.store, lot);
  CHECK(s.runs == 2);
  CHECK(s.unfinished_runs == 1);
  CHECK(s.serials_printed == 12);
  CHECK(s.reprinted_serials == 5);
  CHECK(s.reprint_runs == 1);
  REQUIRE(s.last_run);
  CHECK(s.last_run->id == *second);
  Json j = s;
  CHECK(Keys(j) == std::set<std::string>{"runs", "unfinished_runs", "serials_printed",
                                         "reprinted_serials", "reprint_runs", "last_run"});
  CHECK(j["runs"] == 2);
  CHECK(j["unfinished_runs"] == 1);
  CHECK(j["serials_printed"] == 12);
  CHECK(j["reprinted_serials"] == 5);
  CHECK(j["reprint_runs"] == 1);
  // The last run, not all of it: an open run's outcome reads "unfinished".
  CHECK(j["last_run"] == Json({{"id", *second},
                               {"started_at", s.last_run->started_at},
                               {"destination", "tcp://10.0.0.5:9100"},
                               {"actor", "cli:clerk"},
                               {"outcome", "unfinished"}}));

  REQUIRE(EndPrintRun(*f.store, *second, PrintOutcome::kComplete, 12).ok());
  j = LotPrintSummary(*f.store, lot);
  CHECK(j["unfinished_runs"] == 0);
  CHECK(j["last_run"]["outcome"] == "complete");
}

TEST_CASE("a recorded code export prints as the event it logged", "[code_exports]") {
  RegistryFixture f;
  CodeExport e;
  e.lot_code = IssueTeaLot(f);
  e.first_serial = 1;
  e.last_serial = 10;
  e.format = "zip";
  e.file = "/srv/exports/codes.zip";
  e.sha256 = std::string(64, 'a');
  e.bytes = 1234;
  e.actor = "cli:clerk";

  // A first export: no reason, and no overlaps printed.
  auto first = RecordCodeExport(*f.store, e, false);
  REQUIRE(first.ok());
  CHECK(first->code_export.id == 1);
  CHECK_FALSE(first->code_export.exported_at.empty());
  CHECK(first->overlaps.empty());
  Json j = *first;
  CHECK(Keys(j) == std::set<std::string>{"id", "lot", "first_serial", "last_serial", "format",
                                         "file", "sha256", "bytes", "actor", "exported_at",
                                         "event_index"});
  CHECK(j == Json({{"id", 1},
                   {"lot", e.lot_code},
                   {"first_serial", 1},
                   {"last_serial", 10},
                   {"format", "zip"},
                   {"file", "/srv/exports/codes.zip"},
                   {"sha256", std::string(64, 'a')},
                   {"bytes", 1234},
                   {"actor", "cli:clerk"},
                   {"exported_at", first->code_export.exported_at},
                   {"event_index", first->event_index}}));
  auto [kind, data] = EventAt(*f.store, first->event_index);
  CHECK(kind == "codes.exported");
  CHECK(data == WithoutIndex(j));

  // Again with a reason: the reason and the exports it overlaps, as ids.
  e.first_serial = 5;
  e.last_serial = 12;
  e.again_reason = "文件损坏";
  auto again = RecordCodeExport(*f.store, e, true);
  REQUIRE(again.ok());
  CHECK(again->code_export.id == 2);
  CHECK(again->overlaps == std::vector<int64_t>{1});
  j = *again;
  CHECK(Keys(j) == std::set<std::string>{"id", "lot", "first_serial", "last_serial", "format",
                                         "file", "sha256", "bytes", "actor", "exported_at",
                                         "reason", "overlaps", "event_index"});
  CHECK(j["reason"] == "文件损坏");
  CHECK(j["overlaps"] == Json::array({1}));
  CHECK(j["first_serial"] == 5);
  auto [again_kind, again_data] = EventAt(*f.store, again->event_index);
  CHECK(again_kind == "codes.exported");
  CHECK(again_data == WithoutIndex(j));
}
