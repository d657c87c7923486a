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
//  - a loop buffers what arrives; once a request's headers are complete, a plain GET that
//    `fast_route` takes (the scan routes) is answered from the loop's own reading of the request;
//    otherwise a short request (GET or HEAD without a body, on a route `inline_route` accepts)
//    is answered by httplib right there from the buffer; either way the response is written
//    without blocking;
//  - any other request (a body to read, a slow route such as label files or reports) goes to a
//    worker pool of `workers` threads that reads the rest from the socket and writes as httplib
//    would; the connection then returns to its loop;
//  - a fast-route answer with a ticket (a recorded scan) is held, with every later answer on its
//    connection, until `durable` passes the ticket: an answered scan is a stored scan;
//  - idle keep-alive connections close after the keep-alive timeout, connections stalled inside
//    a request after the read timeout, and every connection after keep_alive_max_count requests.
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
#include <string_view>
#include <thread>
#include <vector>

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
  // The fast route's answer to the request ending at c.in[head_end]; false: not taken.
  bool AnswerFast(Connection& c, size_t head_end);

  EventLoopOptions options_;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::unique_ptr<WorkerPool> workers_;
  std::atomic<size_t> next_loop_{0};
  std::atomic<size_t> open_{0};
  std::atomic<uint64_t> fast_answers_{0};
  std::atomic<bool> stopped_{false};
};

}  // namespace agritrace::http
