#include "http/event_loop_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "http/http_response.h"
#include "http/problem_json.h"

namespace agritrace::http {
namespace {

using Clock = std::chrono::steady_clock;

// After a refusal the client may still be sending (a huge head, a body never to be read).
// Closing with unread input resets the connection, and a reset can destroy the answer before
// the client reads it; so the loop reads and drops input for a while first (as nginx's
// lingering close does), bounded in time and bytes.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1024 * 1024;

void SetNonBlocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

void Address(const sockaddr_storage& a, std::string& ip, int& port) {
  char buf[INET6_ADDRSTRLEN] = "";
  if (a.ss_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(&a);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    port = ntohs(in->sin_port);
  } else if (a.ss_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(&a);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    port = ntohs(in6->sin6_port);
  }
  ip = buf;
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

// The fast route's view of a plain GET: HTTP/1.1, no body, nothing asking for more than an
// answer (Expect, Upgrade), at most one X-Forwarded-For; otherwise httplib reads it.
std::optional<FastRequest> PlainGet(const RequestHead& h) {
  if (h.method != "GET" || h.minor_version != 1 || h.has_body() || h.has_content_length ||
      h.expect_continue || h.upgrade || h.forwarded_for_lines > 1)
    return std::nullopt;
  FastRequest r;
  r.path = h.path;
  r.query = h.query;
  r.accept_language = h.accept_language;
  r.forwarded_for = h.forwarded_for;
  return r;
}

// Titles for the statuses only the loop answers (ProblemForStatus knows the others).
void RefusalTitle(Problem& p) {
  switch (p.status) {
    case 408: p.title_zh = "请求超时"; p.title_en = "Request timeout"; break;
    case 411: p.title_zh = "需要 Content-Length"; p.title_en = "Length required"; break;
    case 431: p.title_zh = "请求头过大"; p.title_en = "Request header fields too large"; break;
    case 501: p.title_zh = "不支持的传输编码"; p.title_en = "Not implemented"; break;
    case 505: p.title_zh = "不支持的 HTTP 版本"; p.title_en = "HTTP version not supported"; break;
    default: break;
  }
}

// `res` framed as httplib frames it: status line, headers, Content-Length, keep-alive fields.
void Serialize(const httplib::Response& res, bool close, size_t keep_alive_max,
               time_t keep_alive_timeout, std::string& out) {
  out += "HTTP/1.1 ";
  out += std::to_string(res.status);
  out += ' ';
  out += Reason(res.status);
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (close) {
    out += "Connection: close\r\n";
  } else {
    out += "Connection: Keep-Alive\r\nKeep-Alive: timeout=" + std::to_string(keep_alive_timeout) +
           ", max=" + std::to_string(keep_alive_max) + "\r\n";
  }
  out += "Content-Length: " + std::to_string(res.body.size()) + "\r\n\r\n";
  out += res.body;
}

}  // namespace

// One client connection. Owned by its loop; while `on_worker`, only that worker touches it.
struct EventLoopServer::Connection {
  int fd = -1;
  std::string remote_ip, local_ip;
  int remote_port = 0, local_port = 0;
  std::string in;  // received, not yet consumed by httplib
  std::string network;  // counted against it while inside a request ("" exempt)
  std::string out;  // response bytes not yet written
  size_t out_pos = 0;
  size_t served = 0;
  Clock::time_point last_active = Clock::now();
  Clock::time_point request_started{};  // first byte of an incomplete request, or zero
  bool closing = false;                 // close once `out` is written
  bool peer_closed = false;
  bool on_worker = false;
  bool want_write = false;  // registered for EPOLLOUT
  bool want_read = true;    // registered for EPOLLIN (off while `in` is full)
  bool head_dirty = true;   // `in` has a line the head parser has not seen
  bool pending = false;     // counted in pending_ (inside an unfinished request)
  size_t need = 0;          // >0: the head is checked; the request is this long with its body
  bool linger = false;      // refused: after the answer, drain what the client still sends
  bool lingering = false;   // answer written, write side shut, discarding input until closed
  size_t drained = 0;
  // Answers waiting for their scan to be durable (ticket, bytes), in order: once one waits,
  // every later answer on the connection waits behind it.
  std::deque<std::pair<uint64_t, std::string>> held;
  bool holding = false;  // in its loop's list of connections with held answers
};

namespace {

// What both streams tell httplib about the connection.
class ConnectionStream : public httplib::Stream {
 public:
  ConnectionStream(int fd, const std::string& rip, int rport, const std::string& lip, int lport)
      : fd_(fd), rip_(rip), lip_(lip), rport_(rport), lport_(lport) {}
  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    ip = rip_;
    port = rport_;
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    ip = lip_;
    port = lport_;
  }
  socket_t socket() const override { return fd_; }

 protected:
  int fd_;

 private:
  const std::string &rip_, &lip_;
  int rport_, lport_;
};

// httplib's view of a request the loop has buffered whole: reads come from the buffer, writes
// are collected for the loop to send without blocking.
class BufferedStream final : public ConnectionStream {
 public:
  BufferedStream(std::string_view in, std::string& out, const std::string& rip, int rport,
                 const std::string& lip, int lport, int fd)
      : ConnectionStream(fd, rip, rport, lip, lport), in_(in), out_(out) {}
  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override { return true; }
  ssize_t read(char* ptr, size_t size) override {
    size_t n = std::min(size, in_.size() - pos_);
    std::memcpy(ptr, in_.data() + pos_, n);
    pos_ += n;
    return static_cast<ssize_t>(n);
  }
  ssize_t write(const char* ptr, size_t size) override {
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }
  size_t consumed() const { return pos_; }

 private:
  std::string_view in_;
  std::string& out_;
  size_t pos_ = 0;
};

// httplib's view of a request on a worker thread: first what the loop buffered, then the socket,
// read and written with httplib's timeouts, as its own SocketStream would.
class SocketStream final : public ConnectionStream {
 public:
  SocketStream(std::string& buffered, int fd, const std::string& rip, int rport,
               const std::string& lip, int lport, int read_timeout_ms, int write_timeout_ms)
      : ConnectionStream(fd, rip, rport, lip, lport),
        buffered_(buffered),
        read_ms_(read_timeout_ms),
        write_ms_(write_timeout_ms) {}
  bool is_readable() const override {
    if (pos_ < buffered_.size()) return true;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, read_ms_) > 0;
  }
  bool is_writable() const override {
    pollfd p{fd_, POLLOUT, 0};
    return ::poll(&p, 1, write_ms_) > 0 && !(p.revents & (POLLERR | POLLHUP));
  }
  ssize_t read(char* ptr, size_t size) override {
    if (pos_ < buffered_.size()) {
      size_t n = std::min(size, buffered_.size() - pos_);
      std::memcpy(ptr, buffered_.data() + pos_, n);
      pos_ += n;
      return static_cast<ssize_t>(n);
    }
    for (;;) {
      ssize_t n = ::recv(fd_, ptr, size, 0);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, read_ms_) <= 0) return -1;  // read timeout
    }
  }
  ssize_t write(const char* ptr, size_t size) override {
    size_t done = 0;
    while (done < size) {
      ssize_t n = ::send(fd_, ptr + done, size - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return -1;
      pollfd p{fd_, POLLOUT, 0};
      if (::poll(&p, 1, write_ms_) <= 0) return -1;  // write timeout
    }
    return static_cast<ssize_t>(size);
  }
  // Drops what httplib read from the buffer; the rest (a pipelined request) stays.
  void Consume() { buffered_.erase(0, std::min(pos_, buffered_.size())); }

 private:
  std::string& buffered_;
  int read_ms_, write_ms_;
  size_t pos_ = 0;
};

}  // namespace

// Requests that do not fit on a loop: a fixed pool that finishes its queue before it stops.
class EventLoopServer::WorkerPool {
 public:
  explicit WorkerPool(size_t n) {
    for (size_t i = 0; i < std::max<size_t>(n, 1); ++i)
      threads_.emplace_back([this] { Run(); });
  }
  ~WorkerPool() { Shutdown(); }
  void Submit(std::function<void()> job) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      jobs_.push_back(std::move(job));
    }
    cv_.notify_one();
  }
  void Shutdown() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }

 private:
  void Run() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // stopping, queue drained
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// One epoll loop and the connections it owns.
class EventLoopServer::Loop {
 public:
  explicit Loop(EventLoopServer& server) : server_(server) {
    epoll_ = epoll_create1(EPOLL_CLOEXEC);
    wake_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the wake-up fd
    epoll_ctl(epoll_, EPOLL_CTL_ADD, wake_, &ev);
    thread_ = std::thread([this] { Run(); });
  }
  ~Loop() {
    Stop();
    close(wake_);
    close(epoll_);
  }

  // From any thread: a new connection, or one a worker is done with.
  void Hand(std::unique_ptr<Connection> fresh, Connection* returned) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (fresh) fresh_.push_back(std::move(fresh));
      if (returned) returned_.push_back(returned);
    }
    Wake();
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    Wake();
    if (thread_.joinable()) thread_.join();
  }

  // From any thread: the durable mark moved; held answers may go.
  void WakeForDurable() { Wake(); }

  // Loop thread only.
  void Hold(Connection& c) {  // c has held answers: look at it again on each wake-up
    if (c.holding) return;
    c.holding = true;
    holding_.push_back(&c);
  }
  void WantWrite(Connection& c, bool on) {
    if (c.want_write == on) return;
    c.want_write = on;
    Arm(c, EPOLL_CTL_MOD);
  }
  void WantRead(Connection& c, bool on) {
    if (c.want_read == on) return;
    c.want_read = on;
    Arm(c, EPOLL_CTL_MOD);
  }
  void Detach(Connection& c) {  // to a worker: the loop stops watching it
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.on_worker = true;
  }
  void Close(Connection& c) {
    if (c.holding) holding_.erase(std::find(holding_.begin(), holding_.end(), &c));
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    server_.SetPending(c, false);
    // Counted out before the peer can see the close: whoever reads EOF then reads the count.
    server_.open_.fetch_sub(1);
    ::shutdown(c.fd, SHUT_RDWR);
    ::close(c.fd);
    conns_.erase(&c);  // destroys c
  }

 private:
  void Wake() {
    uint64_t one = 1;
    ssize_t n = ::write(wake_, &one, sizeof one);
    (void)n;
  }
  void Arm(Connection& c, int op) {
    epoll_event ev{};
    // Not reading while `in` is full: level-triggered EPOLLIN would wake the loop for nothing.
    ev.events = (c.want_read ? uint32_t{EPOLLIN | EPOLLRDHUP} : 0u) |
                (c.want_write ? uint32_t{EPOLLOUT} : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epoll_, op, c.fd, &ev);
  }

  void TakeHanded(bool& stopping) {
    std::vector<std::unique_ptr<Connection>> fresh;
    std::vector<Connection*> returned;
    {
      std::lock_guard<std::mutex> lock(mu_);
      fresh.swap(fresh_);
      returned.swap(returned_);
      stopping = stopping_;
    }
    for (auto& f : fresh) {
      Connection* c = f.get();
      conns_.emplace(c, std::move(f));
      if (stopping) {
        Close(*c);
        continue;
      }
      Arm(*c, EPOLL_CTL_ADD);
    }
    for (Connection* c : returned) {
      c->on_worker = false;
      c->want_read = true;
      c->head_dirty = true;
      if (c->closing && c->out_pos >= c->out.size()) {
        Close(*c);
        continue;
      }
      Arm(*c, EPOLL_CTL_ADD);
      if (!stopping) server_.Serve(*this, *c);  // a pipelined request may be waiting
    }
  }

  // Closes what has waited too long: an idle keep-alive connection, a stalled write; a request
  // not whole by its deadline gets 408 first.
  void Sweep(Clock::time_point now) {
    const auto keep_alive = std::chrono::seconds(std::max<time_t>(server_.keep_alive_timeout_sec_, 1));
    const auto request =
        std::chrono::seconds(std::max(server_.options_.request_timeout_seconds, 1));
    const auto write = std::chrono::seconds(server_.write_timeout_sec_) +
                       std::chrono::microseconds(server_.write_timeout_usec_);
    std::vector<Connection*> expired, late;
    for (auto& [ptr, c] : conns_) {
      if (c->on_worker) continue;
      if (c->lingering) {
        if (now - c->last_active > kLingerTime) expired.push_back(ptr);
        continue;
      }
      bool writing = c->out_pos < c->out.size() || !c->held.empty();
      bool partial = c->request_started != Clock::time_point{};
      if ((writing && now - c->last_active > write) ||
          (!writing && !partial && now - c->last_active > keep_alive))
        expired.push_back(ptr);
      else if (!writing && partial && now - c->request_started > request)
        late.push_back(ptr);
    }
    for (Connection* c : expired) Close(*c);
    for (Connection* c : late) {
      server_.Refuse(*c, 408, "request-timeout", "请求未在限定时间内发送完毕，请重试",
                     "the request was not complete in time; send it again", "");
      server_.Serve(*this, *c);  // writes the 408, then closes
    }
  }

  void Run() {
    std::vector<epoll_event> events(256);
    auto next_sweep = Clock::now();
    Clock::time_point stop_deadline{};
    for (;;) {
      int n = epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), 200);
      bool stopping = false;
      for (int i = 0; i < n; ++i) {
        if (events[i].data.ptr == nullptr) {
          uint64_t v;
          while (::read(wake_, &v, sizeof v) > 0) {
          }
          continue;
        }
        Connection& c = *static_cast<Connection*>(events[i].data.ptr);
        if (events[i].events & (EPOLLHUP | EPOLLERR)) c.peer_closed = true;
        server_.Serve(*this, c);
      }
      TakeHanded(stopping);
      // Connections whose answers wait for their scans: some may be durable now.
      if (!holding_.empty()) {
        std::vector<Connection*> held;
        held.swap(holding_);
        for (Connection* c : held) c->holding = false;
        for (Connection* c : held) server_.Serve(*this, *c);
      }
      auto now = Clock::now();
      if (now >= next_sweep) {
        Sweep(now);
        next_sweep = now + std::chrono::milliseconds(250);
      }
      if (!stopping) continue;
      // Stopping: no new requests; let responses being written finish, briefly, and wait for
      // the workers to hand back what they hold.
      if (stop_deadline == Clock::time_point{}) stop_deadline = now + std::chrono::seconds(2);
      std::vector<Connection*> idle;
      bool busy = false;
      for (auto& [ptr, c] : conns_) {
        if (c->on_worker)
          busy = true;
        else if ((c->out_pos < c->out.size() || !c->held.empty()) && now < stop_deadline)
          busy = true;
        else
          idle.push_back(ptr);
      }
      for (Connection* c : idle) Close(*c);
      if (!busy) return;
    }
  }

  EventLoopServer& server_;
  int epoll_ = -1, wake_ = -1;
  std::thread thread_;
  std::unordered_map<Connection*, std::unique_ptr<Connection>> conns_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> fresh_;
  std::vector<Connection*> returned_;
  bool stopping_ = false;
  std::vector<Connection*> holding_;  // loop thread only
};

EventLoopServer::EventLoopServer(EventLoopOptions options) : options_(std::move(options)) {
  workers_ = std::make_unique<WorkerPool>(options_.workers);
  for (size_t i = 0; i < std::max<size_t>(options_.loops, 1); ++i)
    loops_.push_back(std::make_unique<Loop>(*this));
}

EventLoopServer::~EventLoopServer() { StopConnections(); }

bool EventLoopServer::RaiseBacklog(int backlog) { return ::listen(svr_sock_, backlog) == 0; }

void EventLoopServer::NotifyDurable() {
  for (auto& l : loops_) l->WakeForDurable();
}

void EventLoopServer::StopConnections() {
  if (stopped_.exchange(true)) return;
  // Loops first stop taking requests; workers finish theirs and hand the connections back;
  // the loops close them once nothing is in flight.
  std::vector<std::thread> stoppers;
  for (auto& l : loops_) stoppers.emplace_back([&l] { l->Stop(); });
  workers_->Shutdown();
  for (auto& t : stoppers) t.join();
}

bool EventLoopServer::process_and_close_socket(socket_t sock) {
  if (stopped_) {
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    return false;
  }
  auto c = std::make_unique<Connection>();
  c->fd = sock;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    Address(addr, c->remote_ip, c->remote_port);
  len = sizeof addr;
  if (getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    Address(addr, c->local_ip, c->local_port);
  c->network = options_.network_of ? options_.network_of(c->remote_ip) : c->remote_ip;
  int one = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SetNonBlocking(sock);
  open_.fetch_add(1);
  loops_[next_loop_.fetch_add(1) % loops_.size()]->Hand(std::move(c), nullptr);
  return true;
}

bool EventLoopServer::AnswerFast(Connection& c, const RequestHeadParse& p) {
  bool close = p.head.connection_close;
  auto req = PlainGet(p.head);
  if (!req) return false;
  req->remote_ip = c.remote_ip;
  httplib::Response res;
  uint64_t ticket = 0;
  if (!options_.fast_route(*req, res, ticket)) return false;
  fast_answers_.fetch_add(1, std::memory_order_relaxed);
  ++c.served;
  const size_t max = std::max<size_t>(keep_alive_max_count_, 1);
  if (close || c.served >= max) c.closing = true;
  if (c.held.empty() && (ticket == 0 || !options_.durable || options_.durable() >= ticket)) {
    Serialize(res, c.closing, max, keep_alive_timeout_sec_, c.out);
  } else {
    c.held.emplace_back(ticket, std::string());
    Serialize(res, c.closing, max, keep_alive_timeout_sec_, c.held.back().second);
  }
  c.in.erase(0, p.head_length);
  return true;
}

void EventLoopServer::AnswerGate(Connection& c, const RequestHeadParse& p,
                                 const httplib::Response& res) {
  const RequestHead& h = p.head;
  ++c.served;
  const size_t max = std::max<size_t>(keep_alive_max_count_, 1);
  // An announced body is left unread: the connection cannot be used again.
  if (h.has_body() || h.connection_close || (h.minor_version == 0 && !h.keep_alive) ||
      c.served >= max)
    c.closing = true;
  c.linger = h.has_body();
  Serialize(res, c.closing, max, keep_alive_timeout_sec_, c.out);
  if (h.method == "HEAD") c.out.resize(c.out.size() - res.body.size());
  if (c.closing)
    c.in.clear();
  else
    c.in.erase(0, p.head_length);
}

void EventLoopServer::Refuse(Connection& c, int status, std::string_view slug,
                             const char* detail_zh, const char* detail_en, std::string_view path) {
  Problem problem = ProblemForStatus(status);
  RefusalTitle(problem);
  if (!slug.empty()) problem.slug = std::string(slug);
  if (*detail_zh) {
    problem.detail_zh = detail_zh;
    problem.detail_en = detail_en;
  }
  httplib::Response res;
  res.headers = options_.default_headers;
  SetProblem(res, problem, path);
  if (status == 429) res.set_header("Retry-After", "1");
  if (options_.on_refusal) options_.on_refusal(path, status);
  c.in.clear();
  c.need = 0;
  c.closing = true;
  c.linger = status != 408;  // a client too slow to finish is not sending more
  SetPending(c, false);
  Serialize(res, true, 1, keep_alive_timeout_sec_, c.out);
}

bool EventLoopServer::SetPending(Connection& c, bool pending) {
  if (c.pending == pending) return true;
  std::lock_guard<std::mutex> lock(pending_mu_);
  if (!pending) {
    auto it = pending_.find(c.network);
    if (it != pending_.end() && --it->second == 0) pending_.erase(it);
    c.pending = false;
    return true;
  }
  const size_t max = options_.max_pending_per_network;
  if (max == 0 || c.network.empty()) return true;  // not counted
  auto [it, fresh] = pending_.try_emplace(c.network, 0);
  if (it->second >= max) {
    if (fresh) pending_.erase(it);
    return false;
  }
  ++it->second;
  c.pending = true;
  return true;
}

size_t EventLoopServer::ReadCap(const Connection& c) const {
  return c.need > 0 ? c.need : options_.head_limits.max_head_bytes + 1;
}

bool EventLoopServer::AnswerInline(Connection& c) {
  BufferedStream strm(c.in, c.out, c.remote_ip, c.remote_port, c.local_ip, c.local_port, c.fd);
  bool last = c.served + 1 >= std::max<size_t>(keep_alive_max_count_, 1);
  bool closed = false;
  bool ok = process_request(strm, last, closed, nullptr);
  c.in.erase(0, strm.consumed());
  ++c.served;
  if (!ok || closed || last) c.closing = true;
  return ok;
}

void EventLoopServer::ServeOnWorker(Loop& loop, Connection* c) {
  loop.Detach(*c);
  workers_->Submit([this, &loop, c] {
    auto ms = [](time_t s, time_t us) { return static_cast<int>(s * 1000 + us / 1000); };
    SocketStream strm(c->in, c->fd, c->remote_ip, c->remote_port, c->local_ip, c->local_port,
                      ms(read_timeout_sec_, read_timeout_usec_),
                      ms(write_timeout_sec_, write_timeout_usec_));
    bool last = stopped_ || c->served + 1 >= std::max<size_t>(keep_alive_max_count_, 1);
    bool closed = false;
    bool ok = process_request(strm, last, closed, nullptr);
    strm.Consume();
    ++c->served;
    if (!ok || closed || last) c->closing = true;
    c->last_active = Clock::now();
    c->request_started = c->in.empty() ? Clock::time_point{} : c->last_active;
    loop.Hand(nullptr, c);
  });
}

void EventLoopServer::Serve(Loop& loop, Connection& c) {
  if (c.on_worker) return;
  if (c.lingering) {
    char buf[16384];
    for (;;) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0 && (c.drained += static_cast<size_t>(n)) <= kLingerBytes) continue;
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      return loop.Close(c);  // the client is done, or has sent too much
    }
  }
  for (;;) {
    // Held answers whose scans are durable now go out, in order.
    if (!c.held.empty()) {
      const uint64_t durable = options_.durable ? options_.durable() : UINT64_MAX;
      while (!c.held.empty() && c.held.front().first <= durable) {
        c.out += c.held.front().second;
        c.held.pop_front();
      }
      if (!c.held.empty()) loop.Hold(c);
    }
    // Write what is queued first: while a response waits, the socket holds further requests.
    while (c.out_pos < c.out.size()) {
      ssize_t n = ::send(c.fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
      if (n > 0) {
        c.out_pos += static_cast<size_t>(n);
        c.last_active = Clock::now();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        loop.WantRead(c, c.in.size() < ReadCap(c));
        return loop.WantWrite(c, true);
      }
      return loop.Close(c);  // the peer is gone
    }
    c.out.clear();
    c.out_pos = 0;
    loop.WantWrite(c, false);
    if (c.closing && !c.held.empty()) return;  // the held answers go out first
    if (c.closing && c.linger && !c.peer_closed) {
      ::shutdown(c.fd, SHUT_WR);  // the answer is complete: the client sees the end of it
      c.lingering = true;
      c.last_active = Clock::now();
      c.in.clear();
      loop.WantRead(c, true);
      return Serve(loop, c);
    }
    if (c.closing) return loop.Close(c);

    // Read what has arrived, never more than the request being read may need: a head up to its
    // limit (one byte more tells "too large"), a body up to its checked Content-Length. Memory
    // does not grow with what a client sends.
    const size_t cap = ReadCap(c);
    char buf[16384];
    while (!c.peer_closed && c.in.size() < cap) {
      ssize_t n = ::recv(c.fd, buf, std::min(sizeof buf, cap - c.in.size()), 0);
      if (n > 0) {
        if (c.in.empty()) c.request_started = Clock::now();
        // The head is parsed again only when a line has ended since it was last looked at.
        if (std::memchr(buf, '\n', static_cast<size_t>(n)) != nullptr) c.head_dirty = true;
        c.in.append(buf, static_cast<size_t>(n));
        c.last_active = Clock::now();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) c.peer_closed = true;
      break;
    }
    if (c.in.size() >= cap) c.head_dirty = true;  // full: the parser tells 431 or 414

    // Answer the complete requests buffered (pipelining), in order.
    bool answered = false, unfinished = false;
    while (!c.closing && !c.in.empty()) {
      if (c.need > c.in.size()) {  // the body is still arriving
        unfinished = true;
        break;
      }
      if (c.need == 0 && !c.head_dirty) {  // no new line since the head was last read
        unfinished = true;
        break;
      }
      const RequestHeadParse p = ParseRequestHead(c.in, options_.head_limits);
      if (p.state == RequestHeadParse::State::kIncomplete) {
        c.head_dirty = false;
        unfinished = true;
        break;
      }
      answered = true;
      if (p.state == RequestHeadParse::State::kError) {
        if (!c.held.empty()) {  // a refusal is written at once: after the held answers
          answered = false;
          break;
        }
        Refuse(c, p.status, p.reason, p.detail_zh, p.detail_en, "");
        break;
      }
      const RequestHead& h = p.head;
      const bool checked = c.need != 0;  // the head was checked when it came; the body is here
      // Held answers (scans not yet durable) go first: only another fast-route answer, itself
      // held, may queue behind them; whatever else answers writes at once.
      const bool behind_held = !c.held.empty();
      if (checked && behind_held) {
        answered = false;
        break;
      }
      c.need = 0;
      if (!checked) {
        // A body on GET or HEAD is refused rather than read: answering the request and then
        // reading its body as the next request is how a request hides behind a proxy.
        if (h.is_get_or_head() && h.has_body() && !behind_held) {
          Refuse(c, 400, "body-not-allowed", "GET 和 HEAD 请求不能带请求体",
                 "a GET or HEAD request may not carry a body", h.path);
          break;
        }
        if (h.chunked && !behind_held) {
          Refuse(c, 411, "length-required", "请求体须带 Content-Length（不接受分块传输）",
                 "send the body with a Content-Length (chunked bodies are not accepted)", h.path);
          break;
        }
        // A scan is read once, by the fast route.
        if (options_.fast_route && AnswerFast(c, p)) {
          c.head_dirty = true;
          c.request_started = c.in.empty() ? Clock::time_point{} : Clock::now();
          continue;
        }
        if (behind_held) {
          answered = false;
          break;
        }
        if (options_.head_gate) {
          if (auto res = options_.head_gate(h, c.remote_ip)) {
            AnswerGate(c, p, *res);
            c.head_dirty = true;
            c.request_started = c.in.empty() ? Clock::time_point{} : Clock::now();
            continue;
          }
        }
        if (h.content_length > options_.max_body_bytes) {
          Refuse(c, 413, "", "", "", h.path);
          break;
        }
        // Both terms are bounded (head and body limits): no overflow.
        const size_t total = p.head_length + static_cast<size_t>(h.content_length);
        if (c.in.size() < total) {
          c.need = total;
          if (h.expect_continue && h.minor_version == 1) c.out += "HTTP/1.1 100 Continue\r\n\r\n";
          unfinished = true;
          break;
        }
      }
      SetPending(c, false);  // the request is whole
      bool inline_ok = !h.has_body() && h.is_get_or_head() && options_.inline_route &&
                       options_.inline_route(h.method, h.path);
      if (!inline_ok) {
        if (!c.out.empty()) {  // send earlier answers first, then come back here
          c.need = p.head_length + static_cast<size_t>(h.content_length);
          answered = false;
          break;
        }
        return ServeOnWorker(loop, &c);
      }
      AnswerInline(c);
      c.head_dirty = true;
      c.request_started = c.in.empty() ? Clock::time_point{} : Clock::now();
    }
    // A connection inside an unfinished request counts against its network.
    if (!unfinished || c.closing) {
      SetPending(c, false);
    } else if (c.held.empty() && !SetPending(c, true)) {
      Refuse(c, 429, "too-many-pending", "来自你所在网络的未完成请求过多，请稍后重试",
             "too many unfinished requests from your network; try again shortly", "");
      answered = true;
    }
    if (!c.held.empty()) loop.Hold(c);
    if (answered || !c.out.empty()) continue;  // write them
    if (c.peer_closed && c.held.empty()) return loop.Close(c);
    loop.WantRead(c, true);
    return;  // wait for more (or for held answers to become durable)
  }
}

}  // namespace agritrace::http
