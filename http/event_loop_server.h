// cpp-httplib with event-driven connections (DESIGN.md §7, §10).
//
// Debian's cpp-httplib 0.11.4 serves each connection on a pool thread from its first byte to its
// close, so every request of every keep-alive connection costs two thread switches: with 64
// phone-like connections a 2-core server spent more time switching than answering (a handler
// that only returns 2 KB reached a third of nginx's rate on the same machine). httplib's request
// handling is reusable on its own: Server::process_request reads one request from a Stream,
// routes it and writes the response. EventLoopServer keeps all of that (routes, handlers,
// limits, logger, error pages) and replaces only the connection I/O:
//
//  - httplib still accepts; its pool thread hands each socket to one of a few epoll loops
//    (process_and_close_socket returns at once);
//  - a loop buffers what arrives and reads every request head with one strict parser
//    (request_head.h) before anything else sees it: bad framing (smuggling material) gets 400,
//    an oversized head 414/431, each with Connection: close, and httplib never reads such a head;
//  - a plain GET that `fast_route` takes (the scan routes) is answered from that reading;
//    otherwise `head_gate` may answer from the head alone (the token check: no body is read for
//    a caller without a token); a short request (GET or HEAD without a body, on a route
//    `inline_route` accepts) is answered by httplib right there from the buffer; either way the
//    response is written without blocking;
//  - any other request (a body, a slow route such as label files or reports) has its body
//    buffered by the loop, up to `max_body_bytes`, and only then goes whole to a worker pool of
//    `workers` threads that answers as httplib would; a trickling client holds no worker. The
//    connection then returns to its loop;
//  - a GET or HEAD with a body is refused (400), never read as if the body were the next request;
//  - one deadline covers a whole request, head and body (`request_timeout_seconds`, 408); at most
//    `max_pending_per_network` connections of one client network may be inside an unfinished
//    request at once (more: 429 and close);
//  - a fast-route answer with a ticket (a recorded scan) is held, with every later answer on its
//    connection, until `durable` passes the ticket: an answered scan is a stored scan;
//  - idle keep-alive connections close after the keep-alive timeout, and every connection after
//    keep_alive_max_count requests.
//
// This relies on httplib's Server::process_request (protected) and on overriding its virtual
// process_and_close_socket, both exported by Debian's libcpp-httplib 0.11.4.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "http/request_head.h"

namespace agritrace::http {

// A plain GET read by the loop itself (strict HTTP/1.1, no body, well-formed header lines), for
// routes hot enough that httplib's own request and response objects are most of their cost.
struct FastRequest {
  std::string_view path;   // as sent: not percent-decoded
  std::string_view query;  // after '?', may be empty
  std::string_view remote_ip;
  std::string_view accept_language, forwarded_for;  // "" when absent
};
// Fills `res` and returns true for a request it answers; false leaves it to httplib. `ticket`
// (0 on entry) set above zero holds the answer until `durable` reaches it (a recorded scan).
using FastRoute =
    std::function<bool(const FastRequest& req, httplib::Response& res, uint64_t& ticket)>;
// Asked once a request's head is complete and before its body is read or a worker sees it: an
// answer here is sent as is (and the connection closed when a body was announced); nullopt lets
// the request go on. Runs on a loop thread: it must be quick.
using HeadGate = std::function<std::optional<httplib::Response>(const RequestHead& head,
                                                                std::string_view remote_ip)>;

struct EventLoopOptions {
  size_t loops = 2;    // epoll loops (about one per core)
  size_t workers = 8;  // threads for requests that are not answered inline
  // True for routes cheap enough to answer on a loop thread (no body, no long work).
  std::function<bool(std::string_view method, std::string_view path)> inline_route;
  // Tried first for a plain GET, before `inline_route` is asked: it must take only routes that
  // `inline_route` accepts. Its answers are written with the same framing httplib uses.
  FastRoute fast_route;
  // How far answers held by the fast route may go: those with a ticket up to this value. Whoever
  // advances it calls NotifyDurable.
  std::function<uint64_t()> durable;
  HeadGate head_gate;
  HeadLimits head_limits;              // request line 414, head size and field count 431
  size_t max_body_bytes = 64 * 1024;   // a larger Content-Length: 413 before any body is read
  int request_timeout_seconds = 10;    // first byte to last byte of one request; then 408
  size_t max_pending_per_network = 8;  // connections inside an unfinished request; 0: no limit
  // The client network a connection counts against (e.g. its /24); "" exempts it (a trusted
  // proxy that buffers requests itself). Unset: the peer address.
  std::function<std::string(std::string_view remote_ip)> network_of;
  httplib::Headers default_headers;  // sent with the loop's own refusals
  // Told of every request the loop refuses itself (path "" when the head was unreadable).
  std::function<void(std::string_view path, int status)> on_refusal;
};

class EventLoopServer : public httplib::Server {
 public:
  explicit EventLoopServer(EventLoopOptions options);
  ~EventLoopServer() override;

  // listen() on the bound socket again with a longer backlog: httplib listens with 5, and a
  // burst of new connections (a crowd scanning at a market) would wait for SYN retries.
  bool RaiseBacklog(int backlog);

  // After httplib's stop(): lets requests in flight finish, then closes every connection.
  // Idempotent.
  void StopConnections();

  // From any thread: `durable` advanced; the loops write the answers it releases.
  void NotifyDurable();

  // Connections held by the loops and workers now.
  size_t open_connections() const { return open_.load(); }
  // Requests the fast route answered.
  uint64_t fast_answers() const { return fast_answers_.load(); }

 private:
  struct Connection;
  class Loop;
  class WorkerPool;

  bool process_and_close_socket(socket_t sock) override;
  // Reads, answers and writes what `c` has ready; called on its loop's thread.
  void Serve(Loop& loop, Connection& c);
  // Answers the request at the start of c's buffer on a worker thread.
  void ServeOnWorker(Loop& loop, Connection* c);
  bool AnswerInline(Connection& c);
  // The fast route's answer to the request whose head `p` read; false: not taken.
  bool AnswerFast(Connection& c, const RequestHeadParse& p);
  // Sends the head gate's answer `res` to the request whose head `p` read.
  void AnswerGate(Connection& c, const RequestHeadParse& p, const httplib::Response& res);
  // Answers c's request with a problem (`status`, `slug`, details) and Connection: close,
  // dropping what is buffered.
  void Refuse(Connection& c, int status, std::string_view slug, const char* detail_zh,
              const char* detail_en, std::string_view path);
  // Counts c against its network while it is inside an unfinished request; false when its
  // network already has max_pending_per_network such connections.
  bool SetPending(Connection& c, bool pending);
  // How many bytes c.in may hold: a head up to its limit, or the request whose body is due.
  size_t ReadCap(const Connection& c) const;

  EventLoopOptions options_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::unique_ptr<WorkerPool> workers_;
  std::atomic<size_t> next_loop_{0};
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> fast_answers_{0};
  std::atomic<bool> stopped_{false};
  std::mutex pending_mu_;
  std::unordered_map<std::string, size_t> pending_;  // network -> connections mid-request
};

}  // namespace agritrace::http
