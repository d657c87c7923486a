// agritrace serve's arguments: a bad listen address or an out-of-range number is refused with
// exit 3 and a Chinese and English reason before anything opens the registry or a port.
#include <catch2/catch.hpp>

#include "tests/support/cli_runner.h"

using agritrace::testing::Cli;

TEST_CASE("serve refuses bad arguments before it listens", "[cli][serve]") {
  Cli cli;
  cli.Seed();
  struct Case {
    std::vector<std::string> args;
    const char* zh;
    const char* en;
  };
  for (const Case& c : std::vector<Case>{
           {{"--listen", "8080"}, "--listen 应为 主机:端口", "must be host:port"},
           {{"--listen", "127.0.0.1:99999"}, "--listen 应为 主机:端口", "must be host:port"},
           {{"--threads", "0"}, "--threads 应在 1 到 1024 之间", "must be 1 to 1024"},
           {{"--event-loops", "65"}, "--event-loops 应在 0 到 64 之间", "must be 0 to 64"},
           {{"--login-failures", "-1"}, "--login-failures 不能为负数", "must not be negative"},
           {{"--max-body-bytes", "0"}, "--max-body-bytes 应在 1 到", "must be 1 to 67108864"},
           {{"--max-request-line", "10"}, "--max-request-line 应在 64 到", "must be 64 to"},
           {{"--max-head-bytes", "100"}, "--max-head-bytes 应在 256 到", "must be 256 to"},
           {{"--max-headers", "0"}, "--max-headers 应在 1 到 10000 之间", "must be 1 to 10000"},
           {{"--request-timeout", "0"}, "--request-timeout 应在 1 到 3600 秒之间",
            "must be 1 to 3600 seconds"},
           {{"--max-pending-per-network", "100001"}, "--max-pending-per-network 应在 0 到",
            "must be 0 to 100000"},
       }) {
    std::vector<std::string> args{"serve"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    INFO(args[1] + " " + args[2]);
    auto r = cli.Run(args);
    CHECK(r.exit_code == 3);
    CHECK(r.err.find(c.zh) != std::string::npos);
    CHECK(r.err.find(c.en) != std::string::npos);
    CHECK(r.err.find("serving on port") == std::string::npos);
  }
}
