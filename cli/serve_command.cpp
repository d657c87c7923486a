// agritrace serve: the verify service (consumer page, verify API, keys, metrics).
#include <iostream>
#include <regex>

#include "cli/context.h"
#include "http/server.h"

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
  serve->callback([&ctx] {
    ctx.Run([&] {
      std::smatch m;
      if (!std::regex_match(listen, m, std::regex(R"((\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5}))")) || std::stoi(m[2]) > 65535)
        return ctx.Fail(Status::Invalid("--listen 应为 主机:端口，例如 127.0.0.1:8080", "--listen must be host:port, e.g. 127.0.0.1:8080"));
      if (options.threads < 1 || options.threads > 1024)
        return ctx.Fail(Status::Invalid("--threads 应在 1 到 1024 之间", "--threads must be 1 to 1024"));
      if (options.event_loops < 0 || options.event_loops > 64)
        return ctx.Fail(Status::Invalid("--event-loops 应在 0 到 64 之间", "--event-loops must be 0 to 64"));
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
