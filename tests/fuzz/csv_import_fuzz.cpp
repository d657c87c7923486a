// The files a cooperative imports: a region CSV (registry/regions.h, ImportRegionsFile) when the
// first byte is even, a certifier's 有机码 list (registry/organic_codes.h, ParseOrganicCodes)
// when it is odd; the rest of the input is the file, read as the importers read it
// (registry/table_import.h: UTF-8 or GBK CSV, or .xlsx; xlsx_reader_fuzz and
// text_decoding_fuzz reach those readers' corners).
//
// Regions go through the real import into an in-memory registry holding 白沙's regions (as
// tests/support/registry_fixture.h). Checks: a refused file writes nothing (no region, no event)
// and its message starts with the line refused; an accepted one adds exactly the regions it
// reports, each under its parent, with one event. After an accepted file the registry is restored
// from a pristine copy, so that every input meets the same registry.
//
// 有机码 lists: every code returned is 17 or 18 ASCII digits, none twice, and the list written
// one a line parses back to itself.
#include "registry/sqlite_connection.h"
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "agritrace/registry/organic_codes.h"
#include "agritrace/registry/regions.h"
#include "agritrace/registry/store.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;

namespace {

struct Registry {
  std::unique_ptr<Store> pristine, store;
  std::string csv_path;
};

std::unique_ptr<Store> OpenMemory() {
  auto s = Store::Open(":memory:", OpenMode::kCreate);
  FUZZ_CHECK(s.ok());
  return std::move(s).value();
}

void Restore(Registry& r) {
  sql::CopySqliteDatabase(dynamic_cast<sql::SqliteConnection&>(r.pristine->db()),
                          dynamic_cast<sql::SqliteConnection&>(r.store->db()));
}

Registry& TheRegistry() {
  static Registry* r = [] {
    auto* reg = new Registry;
    reg->pristine = OpenMemory();
    for (auto region : std::vector<RegionInput>{{"469025", "白沙黎族自治县", false},
                                                {"469025100000", "牙叉镇", false},
                                                {"469025100201", "南溪村", true},
                                                {"469026", "昌江黎族自治县", false}})
      FUZZ_CHECK(AddRegion(*reg->pristine, region).ok());
    reg->store = OpenMemory();
    Restore(*reg);
    const char* tmp = std::getenv("TMPDIR");
    std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/agritrace-fuzz-XXXXXX";
    int fd = mkstemp(path.data());
    FUZZ_CHECK(fd >= 0);
    close(fd);
    reg->csv_path = path;
    std::atexit([] { std::remove(TheRegistry().csv_path.c_str()); });
    return reg;
  }();
  return *r;
}

int64_t Count(Store& store, const char* table) {
  return store.db().QueryValue(std::string("SELECT COUNT(*) FROM ") + table).Int64();
}

void FuzzRegions(std::string_view csv) {
  Registry& r = TheRegistry();
  FILE* f = std::fopen(r.csv_path.c_str(), "wb");
  FUZZ_CHECK(f);
  FUZZ_CHECK(std::fwrite(csv.data(), 1, csv.size(), f) == csv.size());
  FUZZ_CHECK(std::fclose(f) == 0);

  const int64_t regions = Count(*r.store, "regions"), events = Count(*r.store, "events");
  Result<RegionImport> out = ImportRegionsFile(*r.store, r.csv_path);
  if (!out.ok()) {
    FUZZ_CHECK(Count(*r.store, "regions") == regions && Count(*r.store, "events") == events);
    // Every refusal is of one line of the file, and says which: the user fixes that line. Only a
    // file that is no readable workbook at all (it starts as a zip or an old .xls) has none.
    const std::string& reason = out.status().reason();
    if (reason == "xlsx-format" || reason == "xlsx-limit" || reason == "xls-format") return;
    if (out.status().en().rfind("line ", 0) != 0)
      std::fprintf(stderr, "refusal: %s\n", out.status().en().c_str());
    FUZZ_CHECK(out.status().zh().rfind("第 ", 0) == 0 && out.status().en().rfind("line ", 0) == 0);
    return;
  }
  const int64_t imported = out->imported;
  FUZZ_CHECK(Count(*r.store, "regions") == regions + imported);
  FUZZ_CHECK(Count(*r.store, "events") == events + 1);
  // Each village hangs under its township, each township under its county.
  FUZZ_CHECK(r.store->db()
                 .QueryValue("SELECT COUNT(*) FROM regions WHERE length(code) = 12 AND "
                             "substr(code, 7) != '000000' AND (parent IS NULL OR parent NOT IN "
                             "(SELECT code FROM regions))")
                 .Int64() == 0);
  Restore(r);
}

void FuzzOrganicCodes(std::string_view text) {
  Result<std::vector<std::string>> codes = ParseOrganicCodes(text);
  if (!codes.ok()) {
    const std::string& reason = codes.status().reason();
    FUZZ_CHECK(reason == "organic-code-format" || reason == "organic-code-repeated" ||
               reason == "organic-codes-empty" || reason == "text-encoding" ||
               reason == "csv-format" || reason == "xlsx-format" || reason == "xlsx-limit" ||
               reason == "xlsx-cell" || reason == "xls-format");
    return;
  }
  FUZZ_CHECK(!codes->empty());
  std::set<std::string> seen;
  std::string list;
  for (const std::string& code : *codes) {
    FUZZ_CHECK((code.size() == 17 || code.size() == 18) &&
               code.find_first_not_of("0123456789") == std::string::npos);
    FUZZ_CHECK(seen.insert(code).second);
    list += code + "\n";
  }
  Result<std::vector<std::string>> again = ParseOrganicCodes(list);
  FUZZ_CHECK(again.ok() && *again == *codes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view file(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0)
    FuzzRegions(file);
  else
    FuzzOrganicCodes(file);
  return 0;
}
