// Regions (行政区划, DESIGN.md §4): added one by one or imported from CSV.
#pragma once

#include <string>

#include "agritrace/registry/store.h"

namespace agritrace {

struct RegionInput {
  std::string code, name;
  bool poverty_registered = false;
};

// Adds one region; its township (for a village) or county (for a township) must exist.
Result<Json> AddRegion(Store& store, const RegionInput& region);
// Imports a table `code,name[,poverty_registered]` (an optional header row first) from a CSV
// or .xlsx file (registry/table_import.h) in one transaction: one bad line refuses the whole
// file, naming the line (the Excel row).
Result<Json> ImportRegionsFile(Store& store, const std::string& path);
// True when `code` lies inside `area` (a county contains its townships and villages, a
// township its villages).
bool RegionContains(const std::string& area, const std::string& code);
// "海南省白沙黎族自治县牙叉镇某村": names from the outermost known ancestor down.
std::string RegionFullName(Store& store, const std::string& code);

}  // namespace agritrace
