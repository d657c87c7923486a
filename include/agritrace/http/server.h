// The verify service (DESIGN.md §7): cpp-httplib serving the consumer page, the verify API, the
// public keys, /healthz and /metrics, with per-network rate limits and request size limits.
// Stopping (SIGTERM/SIGINT under RunServer) stops accepting, finishes the requests in flight,
// commits every queued scan, then returns.
//
// Debian's cpp-httplib 0.11.4 is a compiled library: set_tcp_nodelay(true) keeps each response
// from waiting ~40 ms for a delayed ACK. httplib parses and routes every request, but its
// connections live on a few epoll loops (event_loop_server.h): short GETs are answered there,
// anything else on a pool of `threads` worker threads.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "agritrace/http/language.h"
#include "agritrace/http/lot_cache.h"
#include "agritrace/http/metrics.h"
#include "agritrace/http/rate_limiter.h"
#include "agritrace/http/scan_recorder.h"
#include "agritrace/registry/status.h"

namespace httplib {
class Server;
struct Response;
}

namespace agritrace::http {

struct FastRequest;
struct RequestHead;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port, see Server::port()
  int threads = 16;     // worker threads: API writes, label files, reports
  int event_loops = 0;  // epoll loops; 0: one per core (at most 8)
  int scan_threshold = 5;              // N: more scans of a unit code is suspicious
  int distinct_network_threshold = 3;  // K: more client networks than this is suspicious
  RateLimit rate_limit;                // per client network on public routes; per_second 0: off
  // Failed logins (401) per client network on the token routes: once the bucket is empty the
  // network gets 429 before its token is even looked up. per_second 0: off.
  RateLimit auth_failure_limit{0.2, 10};
  // Peers whose X-Forwarded-For is believed (exact addresses, e.g. a local nginx).
  std::vector<std::string> trusted_proxies;
  size_t payload_max_bytes = 64 * 1024;  // a larger body: 413, refused before it is read
  // Request framing limits, checked by the event loops before anything reads the request
  // (event_loop_server.h): the request line (414), the whole head and its field lines (431).
  size_t max_request_line_bytes = 8 * 1024;
  size_t max_head_bytes = 16 * 1024;
  size_t max_headers = 100;
  // One deadline for a whole request, head and body, from its first byte (408 past it).
  int request_timeout_seconds = 10;
  // Connections of one client network (/24, /48) inside an unfinished request at once; more get
  // 429 and are closed. Trusted proxies are not counted. 0: no limit.
  size_t max_pending_per_network = 8;
  int keep_alive_timeout_seconds = 5;
  size_t keep_alive_max_requests = 1000;
  int read_timeout_seconds = 5;
  int write_timeout_seconds = 5;
  ScanRecorderOptions scans;
  // Serve a registry that must not be written (a copy on a read-only file or mount): every
  // connection opens read-only; no scan recorder, scan journal or checkpoint signer. Scans are
  // answered with the stored tallies and not recorded (counted in /metrics); the token routes and
  // the console answer 503. Server::Open also sets it when the registry file or its folder is not
  // writable (access(W_OK)).
  bool read_only = false;
  // serve --read-db: where consumer lookups read, a streaming replica of the PostgreSQL primary
  // (`db_path`). Writes (scans, API, console) still go to the primary. Empty: the primary.
  std::string read_db;
  LotCacheOptions lot_cache;
  // RunServer calls this with the bound port once the server accepts connections.
  std::function<void(int port)> on_listening;
};

class Server {
 public:
  // Opens the registry at `db_path` (it must exist; migrations are applied), its scan writer
  // and the routes. Nothing listens until Start.
  static Result<std::unique_ptr<Server>> Open(const std::string& db_path, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds host:port and serves on a background thread; returns once connections are accepted.
  Status Start();
  // The bound port (useful with port 0), -1 before Start.
  int port() const { return port_; }
  // False once the listener has ended (after Stop, or if accepting failed).
  bool running() const;
  // Stops accepting, waits for requests in flight, commits every queued scan. Idempotent.
  void Stop();

  Metrics& metrics() { return metrics_; }
  // Scans answered on the event loops' fast path (the rest went through httplib's reading).
  uint64_t fast_answers() const;
  // The scan recorder (not for a read_only server, which has none).
  ScanRecorder& scans() { return *recorder_; }
  // Waits until every queued scan is committed and any checkpoint signing asked for is done: the
  // registry then changes only by a new request (tests snapshot it).
  void Settle();
  bool read_only() const { return options_.read_only; }

 private:
  struct Impl;
  Server(ServerOptions options);
  void Routes();
  // A scan of `input` answered as the verify JSON or the consumer page in `lang`; `record`
  // false (HEAD) answers without recording a scan. Returns the scan's ticket (0: none): the
  // answer may go out once the recorder's durable mark reaches it.
  uint64_t AnswerScan(std::string input, bool json, Lang lang, const std::string& network,
                      std::string_view path, httplib::Response& res, bool record = true);
  // The event loops' fast path for the scan routes (see FastRoute).
  bool FastScan(const FastRequest& req, httplib::Response& res, uint64_t& ticket);
  // The event loops' head gate (see HeadGate): the token routes' 401 (and the failed-login
  // throttle's 429) from the head alone, before any body is read.
  std::optional<httplib::Response> GateHead(const RequestHead& head, std::string_view remote_ip);

  ServerOptions options_;
  Metrics metrics_;
  std::unique_ptr<ScanRecorder> recorder_;  // null when read_only
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<httplib::Server> svr_;
  std::thread listener_;
  int port_ = -1;
  std::atomic<bool> stopped_{false};
};

// Serves until SIGTERM or SIGINT, then stops cleanly. Returns the process exit code: 0 after a
// clean stop, 1 when the registry cannot be opened or the address cannot be bound.
int RunServer(const std::string& db_path, ServerOptions options);

}  // namespace agritrace::http
