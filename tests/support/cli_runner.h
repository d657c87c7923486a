// Drives the real `agritrace` binary against a registry in a temporary folder.
#pragma once

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/support/process.h"

namespace agritrace::testing {

struct Cli {
  TempDir dir;
  std::string db = dir / "registry.db";

  ProcessResult Run(std::vector<std::string> args, const std::vector<std::string>& env = {},
                    const std::string& input = "") {
    args.insert(args.begin(), {AGRITRACE_BIN, "--db", db});
    return RunProcess(args, env, input);
  }
  // Runs with --json, requires exit 0 and output valid against schemas/<schema>.
  nlohmann::json Json(std::vector<std::string> args, const std::string& schema) {
    args.insert(args.begin(), "--json");
    auto r = Run(args);
    INFO("stderr: " << r.err);
    REQUIRE(r.exit_code == 0);
    INFO("stdout: " << r.out);
    CHECK(SchemaErrors(schema, r.out) == "");
    return nlohmann::json::parse(r.out);
  }
  // The demo-like registry most tests start from: returns the lot code of one issued lot.
  void Seed() {
    REQUIRE(Run({"init", "--base-url", "https://v.baisha.gov.cn", "--name", "trace.baisha.gov.cn"}).exit_code == 0);
    WriteFileText(dir / "regions.csv",
                  "code,name,poverty_registered\n469025,白沙黎族自治县,0\n469025100000,牙叉镇,0\n"
                  "469025100201,南溪村,1\n469025101000,细水乡,0\n469025101202,元门村,1\n");
    REQUIRE(Run({"region", "import", dir / "regions.csv"}).exit_code == 0);
    REQUIRE(Run({"org", "add", "--name", "白沙县牙叉镇茶叶专业合作社", "--credit-code", "91350100M000100Y43",
                 "--kind", "cooperative", "--region", "469025"}).exit_code == 0);
    REQUIRE(Run({"product", "add", "--org", "1", "--name", "白沙绿茶", "--category", "茶叶",
                 "--net-content-g", "250", "--gtin", "6901234567892"}).exit_code == 0);
    REQUIRE(Run({"cert", "add", "--type", "green-food", "--number", "LB-18-2304460123A", "--issuer",
                 "中国绿色食品发展中心", "--holder", "1", "--product", "1", "--valid-from", "2025-05-01",
                 "--annual-output-kg", "5000"}).exit_code == 0);
  }
};

}  // namespace agritrace::testing
