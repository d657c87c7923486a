// Regions (行政区划, DESIGN.md §4): added one by one or imported from CSV.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "agritrace/registry/store.h"

namespace agritrace {

struct RegionInput {
  std::string code, name;
  bool poverty_registered = false;
};

// A region as registered.
struct Region {
  std::string code, name;
  bool poverty_registered = false;
  std::optional<std::string> parent;  // nullopt: no parent registered (a county or above)
};
// {"code","name","poverty_registered"}, plus "parent" when there is one: `region add --json` and
// the data of "region.added" (each item of "regions.imported").
void to_json(Json& j, const Region& r);

// What an import added: {"imported"}.
struct RegionImport {
  int64_t imported = 0;
};
void to_json(Json& j, const RegionImport& r);

// Adds one region; its township (for a village) or county (for a township) must exist.
Result<Region> AddRegion(Store& store, const RegionInput& region);
// Imports a table `code,name[,poverty_registered]` (an optional header row first) from a CSV
// or .xlsx file (registry/table_import.h) in one transaction: one bad line refuses the whole
// file, naming the line (the Excel row).
Result<RegionImport> ImportRegionsFile(Store& store, const std::string& path);
// True when `code` lies inside `area` (a county contains its townships and villages, a
// township its villages).
bool RegionContains(const std::string& area, const std::string& code);
// "海南省白沙黎族自治县牙叉镇某村": names from the outermost known ancestor down.
std::string RegionFullName(Store& store, const std::string& code);

}  // namespace agritrace
