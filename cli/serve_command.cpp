// agritrace serve: the verify service (consumer page, verify API, keys, metrics).
#include <iostream>
#include <regex>

#include "agritrace/http/server.h"
#include "agritrace/registry/copied_codes.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterServeCommand(CLI::App& app, Context& ctx) {
  auto* serve = app.add_subcommand("serve", "启动扫码验真服务 / serve the verify page and API");
  static std::string listen = "127.0.0.1:8080";
  static http::ServerOptions options;
  static std::vector<std::string> proxies;
  serve->add_option("--listen", listen, "监听地址 主机:端口，默认 127.0.0.1:8080 / host:port");
  serve->add_option("--threads", options.threads,
                    "处理写入、标签文件、报表等请求的工作线程数（默认 16） / worker threads for API writes, label files, reports");
  serve->add_option("--event-loops", options.event_loops,
                    "扫码请求的事件循环数，0 为每核一个（默认） / event loops answering scans; 0: one per core");
  serve->add_option("--scan-threshold", options.scan_threshold,
                    "一个码被查询超过多少次提示谨防假冒（默认 5） / scans before a counterfeit warning");
  serve->add_option("--network-threshold", options.distinct_network_threshold,
                    "来自超过多少个网络提示谨防假冒（默认 3） / distinct networks before a warning");
  serve->add_option("--rate-limit", options.rate_limit.per_second,
                    "每个客户网络每秒请求数上限，0 为不限（默认 50） / requests per second per client network");
  serve->add_option("--rate-burst", options.rate_limit.burst, "突发请求上限（默认 200） / burst size");
  static int login_failures = 10;
  serve->add_option("--login-failures", login_failures,
                    "同一网络令牌失败多少次后暂停其令牌接口，之后每 5 秒恢复一次，0 为不限（默认 10） / failed logins per network before 429");
  serve->add_option("--trusted-proxy", proxies, "信任其 X-Forwarded-For 的代理地址 / proxy addresses to trust");
  serve->add_option("--max-body-bytes", options.payload_max_bytes,
                    "请求体上限（字节，默认 65536），超过答 413 / largest request body in bytes; more: 413");
  serve->add_option("--max-request-line", options.max_request_line_bytes,
                    "请求行上限（字节，默认 8192），超过答 414 / longest request line in bytes; more: 414");
  serve->add_option("--max-head-bytes", options.max_head_bytes,
                    "请求头总长上限（字节，默认 16384），超过答 431 / largest request head in bytes; more: 431");
  serve->add_option("--max-headers", options.max_headers,
                    "请求头字段数上限（默认 100），超过答 431 / most header fields; more: 431");
  serve->add_option("--request-timeout", options.request_timeout_seconds,
                    "一个请求（头和体）须在多少秒内收完（默认 10），超时答 408 / seconds to receive a whole request; then 408");
  serve->add_option("--max-pending-per-network", options.max_pending_per_network,
                    "同一客户网络同时未发完的请求数上限，0 为不限（默认 8），超过答 429 / unfinished requests per client network; more: 429");
  serve->add_flag("--read-only", options.read_only,
                  "只读服务：不记录扫码、不签检查点，管理接口答 503；登记库或目录不可写时自动启用 / serve "
                  "without writing: scans not recorded, management routes 503; automatic when the "
                  "registry or its folder is not writable");
  serve->add_option("--read-db", options.read_db,
                    "PostgreSQL 流复制备库地址：扫码查询从备库读，写入仍到 --db 主库 / a streaming "
                    "replica's postgresql:// URL: consumer lookups read there, writes go to --db");
  serve->add_option("--scan-journal", options.scans.journal,
                    "扫码日志文件（本机路径）；PostgreSQL 登记库的每个节点必须指定 / the scan "
                    "journal's local file; required for each node of a PostgreSQL registry");
  serve->callback([&ctx] {
    ctx.Run([&] {
      std::smatch m;
      if (!std::regex_match(listen, m, std::regex(R"((\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5}))")) || std::stoi(m[2]) > 65535)
        return ctx.Fail(Status::Invalid("--listen 应为 主机:端口，例如 127.0.0.1:8080", "--listen must be host:port, e.g. 127.0.0.1:8080"));
      if (Status s = CheckNetworkThreshold(options.distinct_network_threshold, "--network-threshold");
          !s.ok())
        return ctx.Fail(s);
      if (options.threads < 1 || options.threads > 1024)
        return ctx.Fail(Status::Invalid("--threads 应在 1 到 1024 之间", "--threads must be 1 to 1024"));
      if (options.event_loops < 0 || options.event_loops > 64)
        return ctx.Fail(Status::Invalid("--event-loops 应在 0 到 64 之间", "--event-loops must be 0 to 64"));
      if (options.payload_max_bytes < 1 || options.payload_max_bytes > 64 * 1024 * 1024)
        return ctx.Fail(Status::Invalid("--max-body-bytes 应在 1 到 67108864 之间", "--max-body-bytes must be 1 to 67108864"));
      if (options.max_request_line_bytes < 64 || options.max_request_line_bytes > 1024 * 1024)
        return ctx.Fail(Status::Invalid("--max-request-line 应在 64 到 1048576 之间", "--max-request-line must be 64 to 1048576"));
      if (options.max_head_bytes < 256 || options.max_head_bytes > 1024 * 1024)
        return ctx.Fail(Status::Invalid("--max-head-bytes 应在 256 到 1048576 之间", "--max-head-bytes must be 256 to 1048576"));
      if (options.max_headers < 1 || options.max_headers > 10000)
        return ctx.Fail(Status::Invalid("--max-headers 应在 1 到 10000 之间", "--max-headers must be 1 to 10000"));
      if (options.request_timeout_seconds < 1 || options.request_timeout_seconds > 3600)
        return ctx.Fail(Status::Invalid("--request-timeout 应在 1 到 3600 秒之间", "--request-timeout must be 1 to 3600 seconds"));
      if (options.max_pending_per_network > 100000)
        return ctx.Fail(Status::Invalid("--max-pending-per-network 应在 0 到 100000 之间", "--max-pending-per-network must be 0 to 100000"));
      if (login_failures < 0)
        return ctx.Fail(Status::Invalid("--login-failures 不能为负数", "--login-failures must not be negative"));
      options.auth_failure_limit.burst = login_failures;
      options.auth_failure_limit.per_second = login_failures > 0 ? 0.2 : 0;
      options.host = m[1];
      options.port = std::stoi(m[2]);
      options.trusted_proxies = proxies;
      options.on_listening = [](int port) {
        std::cerr << "扫码验真服务已启动 / serving on port " << port << "（Ctrl-C 停止 / to stop）\n";
      };
      ctx.exit_code = http::RunServer(ctx.db_path, options);
    });
  });
}

}  // namespace agritrace::cli
