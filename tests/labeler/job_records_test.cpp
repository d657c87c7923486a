// Minting, printing and exporting answer with structs (issue 12); the API, `label … --json` and
// `hgz print --json` print them through to_json, so every field must come out under its old
// name and type, absent where it was absent. These tests run on a SQLite registry.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "agritrace/labeler/code_export.h"
#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/hgz_print.h"
#include "agritrace/labeler/label_job.h"
#include "agritrace/registry/hgz.h"
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
// A tea lot of 100 units with `minted` codes.
std::string MintedLot(RegistryFixture& f, int64_t minted) {
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  const std::string lot = issued->code;
  REQUIRE(labeler::MintUnitCodes(*f.store, {lot, minted, 0, ""}).ok());
  return lot;
}
}  // namespace

TEST_CASE("a mint prints as the units.minted event plus its index", "[label_job][store]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  const std::string lot = issued->code;

  // No actor named: none printed.
  auto first = labeler::MintUnitCodes(*f.store, {lot, 5, 1, ""});
  REQUIRE(first.ok());
  CHECK(first->lot_code == lot);
  CHECK(first->first_serial == 1);
  CHECK(first->last_serial == 6);  // the spare last
  CHECK(first->minted == 5);
  CHECK(first->spares == 1);
  CHECK(first->codes_sha256.size() == 64);
  Json j = *first;
  CHECK(Keys(j) == std::set<std::string>{"lot", "first_serial", "last_serial", "minted", "spares",
                                         "codes_sha256", "event_index"});
  CHECK(j == Json({{"lot", lot},
                   {"first_serial", 1},
                   {"last_serial", 6},
                   {"minted", 5},
                   {"spares", 1},
                   {"codes_sha256", first->codes_sha256},
                   {"event_index", first->event_index}}));
  auto [kind, data] = EventAt(*f.store, first->event_index);
  CHECK(kind == "units.minted");
  CHECK(data == WithoutIndex(j));

  // With an actor (the console's), serials continue the lot's.
  auto second = labeler::MintUnitCodes(*f.store, {lot, 3, 0, "user:clerk"});
  REQUIRE(second.ok());
  j = *second;
  CHECK(Keys(j) == std::set<std::string>{"lot", "first_serial", "last_serial", "minted", "spares",
                                         "codes_sha256", "actor", "event_index"});
  CHECK(j["actor"] == "user:clerk");
  CHECK(j["first_serial"] == 7);
  CHECK(j["last_serial"] == 9);
  CHECK(j["codes_sha256"] != first->codes_sha256);
  auto [second_kind, second_data] = EventAt(*f.store, second->event_index);
  CHECK(second_kind == "units.minted");
  CHECK(second_data == WithoutIndex(j));
}

TEST_CASE("printed labels print as label print --json did", "[label_job][store]") {
  RegistryFixture f;
  const std::string lot = MintedLot(f, 3);
  labeler::PrintRequest req;
  req.lot_code = lot;
  auto geometry = labeler::ParseLabelGeometry("50x30", 203);
  REQUIRE(geometry.ok());
  req.options.label = *geometry;
  req.actor = "cli:clerk";

  SECTION("a PDF file: a page a label, no printer fields") {
    req.format = labeler::LabelFormat::kPdf;
    req.options.copies = 2;
    req.out = f.dir / "labels.pdf";
    auto printed = labeler::PrintLabels(*f.store, req);
    INFO(printed.status().en());
    REQUIRE(printed.ok());
    CHECK(printed->labels == 6);
    CHECK_FALSE(printed->sent_through);
    const std::string destination = "file:" + std::filesystem::absolute(req.out).string();
    const Json j = *printed;
    CHECK(Keys(j) == std::set<std::string>{"format", "out", "labels", "pages", "files", "omitted",
                                           "run", "destination"});
    CHECK(j == Json({{"format", "pdf"},
                     {"out", req.out},
                     {"labels", 6},
                     {"pages", 6},
                     {"files", 1},
                     {"omitted", Json::array()},
                     {"run", printed->run},
                     {"destination", destination}}));
    CHECK(j["labels"].is_number_unsigned());
    // The run it names is the one recorded, ended with every serial.
    auto run = GetPrintRun(*f.store, j["run"].get<int64_t>());
    REQUIRE(run.ok());
    CHECK(run->destination == destination);
    CHECK(run->sent_through == 3);
  }
  SECTION("a folder of SVG files: a file a label") {
    req.format = labeler::LabelFormat::kSvg;
    req.out = f.dir / "svg";
    auto printed = labeler::PrintLabels(*f.store, req);
    INFO(printed.status().en());
    REQUIRE(printed.ok());
    const Json j = *printed;
    CHECK(j["format"] == "svg");
    CHECK(j["labels"] == 3);
    CHECK(j["pages"] == 0);
    CHECK(j["files"] == 3);
    CHECK(Keys(j).count("sent_through") == 0);
  }
  SECTION("a preview records no run") {
    req.format = labeler::LabelFormat::kZpl;
    req.out = f.dir / "labels.zpl";
    req.record = false;
    auto printed = labeler::PrintLabels(*f.store, req);
    INFO(printed.status().en());
    REQUIRE(printed.ok());
    CHECK(Json(*printed)["run"] == 0);
    CHECK(Json(*printed)["pages"] == 0);
  }
}

TEST_CASE("a printer's run prints its first serial and what was surely sent",
          "[label_job][store]") {
  labeler::PrintedLabels p;
  p.format = "tspl";
  p.out = p.destination = "tcp://10.0.0.5:9100";
  p.labels = 10;
  p.omitted = {"品牌"};
  p.run = 4;
  p.first_serial = 11;
  p.sent_through = 20;
  CHECK(Json(p) == Json({{"format", "tspl"},
                         {"out", "tcp://10.0.0.5:9100"},
                         {"labels", 10},
                         {"pages", 0},
                         {"files", 0},
                         {"omitted", {"品牌"}},
                         {"run", 4},
                         {"destination", "tcp://10.0.0.5:9100"},
                         {"first_serial", 11},
                         {"sent_through", 20}}));
  // A lot-only label: first serial 0, sent through 0 when nothing went.
  p.first_serial = 0;
  p.sent_through = 0;
  CHECK(Json(p)["first_serial"] == 0);
  CHECK(Json(p)["sent_through"] == 0);
}

TEST_CASE("an exported code file prints as its recorded export plus rows", "[code_export][store]") {
  RegistryFixture f;
  const std::string lot = MintedLot(f, 4);
  labeler::ExportRequest req;
  req.lot_code = lot;
  req.from = 2;
  req.out = f.dir / "codes.csv";
  req.actor = "cli:clerk";
  auto exported = labeler::ExportCodes(*f.store, req);
  INFO(exported.status().en());
  REQUIRE(exported.ok());
  CHECK(exported->rows == 3);
  const CodeExport& e = exported->recorded.code_export;
  CHECK(e.id == 1);
  CHECK(e.format == "csv");
  CHECK(e.first_serial == 2);
  CHECK(e.last_serial == 4);
  CHECK(e.file == std::filesystem::absolute(req.out).string());
  CHECK(e.bytes == static_cast<int64_t>(std::filesystem::file_size(req.out)));
  const Json j = *exported;
  CHECK(Keys(j) == std::set<std::string>{"id", "lot", "first_serial", "last_serial", "format",
                                         "file", "sha256", "bytes", "actor", "exported_at",
                                         "event_index", "rows"});
  CHECK(j["rows"] == 3);
  Json recorded = j;
  recorded.erase("rows");
  CHECK(recorded == Json(exported->recorded));
  CHECK(j["sha256"] == e.sha256);
  CHECK(j["actor"] == "cli:clerk");
  auto [kind, data] = EventAt(*f.store, exported->recorded.event_index);
  CHECK(kind == "codes.exported");
  CHECK(data == WithoutIndex(recorded));

  // Again, with a reason: the reason and the export it overlaps.
  req.again = true;
  req.reason = "印刷厂文件损坏";
  req.out = f.dir / "codes-again.txt";
  auto again = labeler::ExportCodes(*f.store, req);
  INFO(again.status().en());
  REQUIRE(again.ok());
  const Json a = *again;
  CHECK(a["reason"] == "印刷厂文件损坏");
  CHECK(a["overlaps"] == Json::array({1}));
  CHECK(a["format"] == "txt");
  CHECK(a["rows"] == 3);
}

TEST_CASE("a printed 合格证 prints as hgz print --json did", "[hgz_print][store]") {
  RegistryFixture f;
  auto issued = IssueLot(*f.store, f.TeaLot());
  REQUIRE(issued.ok());
  auto hgz = IssueHgz(*f.store, testing::SampleHgz(issued->code));
  INFO(hgz.status().en());
  REQUIRE(hgz.ok());
  labeler::HgzPrintRequest req;
  req.number = hgz->number;
  req.format = labeler::LabelFormat::kPdf;
  REQUIRE(labeler::ApplyHgzPaper("100x70", &req.options).ok());
  req.options.copies = 2;
  req.out = f.dir / "hgz.pdf";
  auto printed = labeler::PrintHgz(*f.store, req);
  INFO(printed.status().en());
  REQUIRE(printed.ok());
  CHECK(printed->url == labeler::HgzUrl("https://v.test.example", hgz->number));
  CHECK(Json(*printed) == Json({{"number", hgz->number},
                                {"format", "pdf"},
                                {"out", req.out},
                                {"url", printed->url},
                                {"labels", 2}}));
  CHECK(std::filesystem::exists(req.out));
}
