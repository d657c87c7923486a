// Answers held for their scans (http/event_loop_server.h): a fast-route answer with a ticket goes
// out only once the durable mark reaches it, and every later answer on its connection waits
// behind it, pipelined ones and httplib's own included, so that they arrive in order.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "http/event_loop_server.h"

using agritrace::http::EventLoopOptions;
using agritrace::http::EventLoopServer;
using agritrace::http::FastRequest;

namespace {

// What arrives on `fd` within `ms` milliseconds of quiet.
std::string ReadFor(int fd, int ms) {
  std::string got;
  char buf[4096];
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, ms) > 0) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  return got;
}

}  // namespace

TEST_CASE("held answers go out in order once their tickets are durable", "[http][held]") {
  std::atomic<uint64_t> durable{0};
  EventLoopOptions o;
  o.loops = 1;
  o.workers = 2;
  o.inline_route = [](std::string_view, std::string_view path) {
    return path == "/plain" || path.substr(0, 3) == "/t/";
  };
  // /t/{n}: answered by the fast route with ticket n.
  o.fast_route = [](const FastRequest& req, httplib::Response& res, uint64_t& ticket) {
    if (req.path.substr(0, 3) != "/t/") return false;
    ticket = std::stoull(std::string(req.path.substr(3)));
    res.status = 200;
    res.set_content("t" + std::to_string(ticket), "text/plain");
    return true;
  };
  o.durable = [&] { return durable.load(); };
  EventLoopServer svr(o);
  svr.new_task_queue = [] { return new httplib::ThreadPool(2); };
  svr.Get("/plain", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("plain", "text/plain");
  });
  const int port = svr.bind_to_any_port("127.0.0.1");
  REQUIRE(port > 0);
  std::thread listener([&] { svr.listen_after_bind(); });
  for (int i = 0; i < 2000 && !svr.is_running(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  const std::string req = " HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string pipelined =
      "GET /t/5" + req + "GET /t/0" + req + "GET /plain" + req + "GET /t/3" + req;
  REQUIRE(send(fd, pipelined.data(), pipelined.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(pipelined.size()));

  // Ticket 5 is not durable: nothing may arrive, not even the answers that need no ticket.
  CHECK(ReadFor(fd, 300).empty());
  durable = 3;
  svr.NotifyDurable();
  CHECK(ReadFor(fd, 300).empty());  // 3 is, but it is behind 5
  durable = 5;
  svr.NotifyDurable();
  std::string got;
  for (int i = 0; i < 100 && got.find("t3") == std::string::npos; ++i) got += ReadFor(fd, 100);
  const size_t t5 = got.find("\r\n\r\nt5"), t0 = got.find("\r\n\r\nt0"),
               plain = got.find("\r\n\r\nplain"), t3 = got.find("\r\n\r\nt3");
  INFO(got);
  REQUIRE(t3 != std::string::npos);
  CHECK(t5 < t0);
  CHECK(t0 < plain);
  CHECK(plain < t3);
  close(fd);

  svr.stop();
  listener.join();
  svr.StopConnections();
}
