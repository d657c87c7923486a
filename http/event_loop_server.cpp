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

namespace agritrace::http {
namespace {

using Clock = std::chrono::steady_clock;

// Larger than httplib's own request-line and header limits (8 KB each), so that an oversized
// request reaches httplib whole and gets its 414 or 400.
constexpr size_t kMaxBufferedHead = 32 * 1024;

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

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// What the loop needs to know of a request before httplib reads it.
struct RequestHead {
  std::string_view method, path;
  bool has_body = false;
};

RequestHead ParseHead(std::string_view head) {
  RequestHead h;
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return h;
  size_t sp2 = line.find(' ', sp1 + 1);
  h.method = line.substr(0, sp1);
  h.path = line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos
                                                                : sp2 - sp1 - 1);
  h.path = h.path.substr(0, h.path.find('?'));
  for (size_t pos = eol; pos != std::string_view::npos && pos + 2 < head.size();) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view field = head.substr(pos + 2, next == std::string_view::npos
                                                       ? std::string_view::npos
                                                       : next - pos - 2);
    if (StartsWithNoCase(field, "transfer-encoding:")) h.has_body = true;
    if (StartsWithNoCase(field, "content-length:")) {
      std::string_view v = field.substr(15);
      h.has_body = v.find_first_not_of(" \t0") != std::string_view::npos;
    }
    pos = next;
  }
  return h;
}


const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 303: return "See Other";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

bool TokenChar(char ch) {
  unsigned char c = static_cast<unsigned char>(ch);
  return std::isalnum(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

// The head of a plain GET, or nullopt for anything httplib should read: another method or
// version, a body, an odd header line. Sets `close` for "Connection: close".
std::optional<FastRequest> ParsePlainGet(std::string_view head, bool& close) {
  size_t eol = head.find("\r\n");
  if (eol == std::string_view::npos) return std::nullopt;
  std::string_view line = head.substr(0, eol);
  // Over httplib's limits (8 KB request line, 8 KB header): its 414 or 400 answers it.
  if (eol > 8192 || head.size() - eol > 8192) return std::nullopt;
  if (line.substr(0, 4) != "GET " || line.size() < 14 ||
      line.substr(line.size() - 9) != " HTTP/1.1")
    return std::nullopt;
  std::string_view target = line.substr(4, line.size() - 13);
  if (target.empty() || target[0] != '/' || target.find(' ') != std::string_view::npos)
    return std::nullopt;
  FastRequest r;
  size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string_view::npos) r.query = target.substr(q + 1);
  close = false;
  for (size_t pos = eol + 2; pos < head.size();) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string_view::npos) end = head.size();
    std::string_view field = head.substr(pos, end - pos);
    pos = end + 2;
    if (field.empty()) continue;
    size_t colon = field.find(':');
    if (colon == 0 || colon == std::string_view::npos) return std::nullopt;
    for (size_t i = 0; i < colon; ++i)
      if (!TokenChar(field[i])) return std::nullopt;  // also refuses obsolete line folding
    std::string_view name = field.substr(0, colon), value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    auto is = [&](std::string_view n) { return name.size() == n.size() && StartsWithNoCase(name, n); };
    if (is("content-length") || is("transfer-encoding") || is("expect") || is("upgrade"))
      return std::nullopt;
    if (is("accept-language")) r.accept_language = value;
    if (is("x-forwarded-for")) {
      if (!r.forwarded_for.empty()) return std::nullopt;  // several: httplib's reading decides
      r.forwarded_for = value;
    }
    if (is("connection") && value.size() == 5 && StartsWithNoCase(value, "close")) close = true;
  }
  return r;
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
  std::string out;  // response bytes not yet written
  size_t out_pos = 0;
  size_t served = 0;
  Clock::time_point last_active = Clock::now();
  Clock::time_point request_started{};  // first byte of an incomplete request, or zero
  bool closing = false;                 // close once `out` is written
  bool peer_closed = false;
  bool on_worker = false;
  bool want_write = false;  // registered for EPOLLOUT
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
  void Detach(Connection& c) {  // to a worker: the loop stops watching it
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.on_worker = true;
  }
  void Close(Connection& c) {
    if (c.holding) holding_.erase(std::find(holding_.begin(), holding_.end(), &c));
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
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
    ev.events = EPOLLIN | EPOLLRDHUP | (c.want_write ? uint32_t{EPOLLOUT} : 0u);
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
      if (c->closing && c->out_pos >= c->out.size()) {
        Close(*c);
        continue;
      }
      Arm(*c, EPOLL_CTL_ADD);
      if (!stopping) server_.Serve(*this, *c);  // a pipelined request may be waiting
    }
  }

  // Closes what has waited too long: an idle keep-alive connection, a stalled request or write.
  void Sweep(Clock::time_point now) {
    const auto keep_alive = std::chrono::seconds(std::max<time_t>(server_.keep_alive_timeout_sec_, 1));
    const auto read = std::chrono::seconds(server_.read_timeout_sec_) +
                      std::chrono::microseconds(server_.read_timeout_usec_);
    const auto write = std::chrono::seconds(server_.write_timeout_sec_) +
                       std::chrono::microseconds(server_.write_timeout_usec_);
    std::vector<Connection*> expired;
    for (auto& [ptr, c] : conns_) {
      if (c->on_worker) continue;
      bool writing = c->out_pos < c->out.size() || !c->held.empty();
      bool partial = c->request_started != Clock::time_point{};
      if ((writing && now - c->last_active > write) ||
          (!writing && partial && now - c->request_started > read) ||
          (!writing && !partial && now - c->last_active > keep_alive))
        expired.push_back(ptr);
    }
    for (Connection* c : expired) Close(*c);
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
  int one = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SetNonBlocking(sock);
  open_.fetch_add(1);
  loops_[next_loop_.fetch_add(1) % loops_.size()]->Hand(std::move(c), nullptr);
  return true;
}

bool EventLoopServer::AnswerFast(Connection& c, size_t head_end) {
  bool close = false;
  auto req = ParsePlainGet(std::string_view(c.in).substr(0, head_end + 2), close);
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
  c.in.erase(0, head_end + 4);
  return true;
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
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return loop.WantWrite(c, true);
      return loop.Close(c);  // the peer is gone
    }
    c.out.clear();
    c.out_pos = 0;
    loop.WantWrite(c, false);
    if (c.closing) return c.held.empty() ? loop.Close(c) : void();

    // Read what has arrived.
    char buf[16384];
    while (!c.peer_closed && c.in.size() <= kMaxBufferedHead) {
      ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
      if (n > 0) {
        if (c.in.empty()) c.request_started = Clock::now();
        c.in.append(buf, static_cast<size_t>(n));
        c.last_active = Clock::now();
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) c.peer_closed = true;
      break;
    }

    // Answer the complete requests buffered (pipelining), in order.
    bool answered = false;
    while (!c.closing && !c.in.empty()) {
      size_t end = c.in.find("\r\n\r\n");
      if (end == std::string::npos) {
        if (c.in.size() <= kMaxBufferedHead) break;  // wait for the rest of the head
        if (!c.out.empty() || !c.held.empty()) break;  // send earlier answers first
        return ServeOnWorker(loop, &c);              // oversized: httplib answers it
      }
      // A scan is read once, by the fast route; only what it declines is parsed for routing.
      if (!(options_.fast_route && AnswerFast(c, end))) {
        RequestHead head = ParseHead(std::string_view(c.in).substr(0, end + 2));
        bool inline_ok = !head.has_body && (head.method == "GET" || head.method == "HEAD") &&
                         options_.inline_route && options_.inline_route(head.method, head.path);
        if (!c.held.empty()) break;  // httplib writes at once: after the held answers
        if (!inline_ok) {
          if (!c.out.empty()) break;  // send earlier answers first, then come back here
          return ServeOnWorker(loop, &c);
        }
        AnswerInline(c);
      }
      answered = true;
      c.request_started = c.in.empty() ? Clock::time_point{} : Clock::now();
    }
    if (!c.held.empty()) loop.Hold(c);
    if (answered || !c.out.empty()) continue;  // write them
    if (c.peer_closed && c.held.empty()) return loop.Close(c);
    return;  // wait for more (or for held answers to become durable)
  }
}

}  // namespace agritrace::http
