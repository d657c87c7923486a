// What the CLI tests need to prove a command left the registry file alone: its bytes and
// modification time, or that it does not exist; and one lot issued through the real binary.
#pragma once

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "agritrace/registry/dates.h"
#include "tests/support/cli_runner.h"

namespace agritrace::testing {

inline bool Exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

struct FileState {
  std::optional<std::string> bytes;  // nullopt: no such file
  int64_t mtime_ns = 0;
  bool operator==(const FileState& o) const { return bytes == o.bytes && mtime_ns == o.mtime_ns; }
};

inline FileState StateOf(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  return {ReadFileText(path),
          static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec};
}

// Issues a lot of `units` units of product 1 under LB-18-2304460123A packed yesterday; returns
// its code.
inline std::string IssueLot(Cli& cli, const std::string& units = "10") {
  std::string d = AddDays(TodayShanghai(), -1);
  auto r =
      cli.Run({"--json", "lot", "issue", "--product", "1", "--origin", "469025100201",
               "--harvested", d, "--packed", d, "--units", units, "--cert", "LB-18-2304460123A"});
  REQUIRE(r.exit_code == 0);
  return nlohmann::json::parse(r.out)["code"];
}

// The same with a unit code minted for every unit.
inline std::string IssueMintedLot(Cli& cli, const std::string& units) {
  std::string lot = IssueLot(cli, units);
  REQUIRE(cli.Run({"label", "mint", "--lot", lot, "--count", units}).exit_code == 0);
  return lot;
}

}  // namespace agritrace::testing
