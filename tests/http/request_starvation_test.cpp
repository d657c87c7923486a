// Slow and unauthenticated clients cannot starve the API (issue 10, finding 4): the token is
// checked from the head before any body is read, bodies are buffered by the event loops (no
// worker waits on a trickle), one deadline covers a whole request (408), and a client network
// may hold only so many unfinished requests (429).
#include <poll.h>

#include <atomic>
#include <thread>

#include "tests/http/api_fixture.h"

namespace agritrace::testing {
namespace {

// What arrives within `ms`; `closed` tells whether the server closed the connection.
std::string ReadFor(int fd, int ms, bool* closed = nullptr) {
  std::string data;
  if (closed) *closed = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 20) <= 0) continue;
    char buf[8192];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      if (closed) *closed = true;
      break;
    }
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

int StatusOf(const std::string& data) {
  return data.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(data.substr(9, 3)) : 0;
}

std::string ProductPost(const std::string& token, size_t content_length,
                        const std::string& extra = "") {
  std::string head =
      "POST /api/v1/products HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
  return head + extra + "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

}  // namespace

TEST_CASE("starvation: trickled API bodies hold no worker, API and scans still answer",
          "[server][starvation]") {
  http::ServerOptions o = TestServerOptions();
  o.threads = 4;                   // fewer workers than tricklers
  o.request_timeout_seconds = 60;  // the tricklers outlive the test's own requests
  ApiFixture f(o);
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  const int port = f.server->port();

  // 16 connections, each from its own network, each announcing a 60000-byte body and then
  // sending it a byte at a time.
  std::vector<int> tricklers;
  for (int i = 0; i < 16; ++i) {
    int fd = RawConnect(port, "127.0." + std::to_string(20 + i) + ".1");
    REQUIRE(RawSend(fd, ProductPost(f.coop, 60000) + "{"));
    tricklers.push_back(fd);
  }
  std::atomic<bool> stop{false};
  std::thread trickle([&] {
    while (!stop) {
      for (int fd : tricklers) send(fd, " ", 1, MSG_NOSIGNAL);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  // An authenticated API call (on a worker) and a scan (on a loop) are answered meanwhile.
  auto api = f.GetAs("/api/v1/certifications", f.bureau);
  REQUIRE(api);
  CHECK(api->status == 200);
  auto scan = f.Get("/api/v1/verify/" + units[0]);
  REQUIRE(scan);
  CHECK(scan->status == 200);
  auto created = f.Post("/api/v1/products", f.coop,
                        Json{{"name", "白沙绿茶"}, {"category", "茶叶"}, {"net_content_g", 250}});
  REQUIRE(created);
  CHECK(created->status == 201);
  // None of the tricklers was answered: they are still waiting for their bodies.
  for (int fd : tricklers) CHECK(ReadFor(fd, 5).empty());

  stop = true;
  trickle.join();
  for (int fd : tricklers) close(fd);
}

TEST_CASE("starvation: a POST without a valid token gets 401 before its body is sent",
          "[server][starvation]") {
  ApiFixture f;
  const int port = f.server->port();
  const int64_t products = f.Rows("products");

  // The head only; the 60000-byte body is never sent.
  int fd = RawConnect(port, "127.0.30.1");
  REQUIRE(RawSend(fd, ProductPost("", 60000)));
  bool closed = false;
  std::string r = ReadFor(fd, 10000, &closed);
  close(fd);
  INFO(r);
  CHECK(StatusOf(r) == 401);
  CHECK(Contains(r, "WWW-Authenticate: Bearer realm=\"agritrace\"\r\n"));
  CHECK(Contains(r, "Connection: close\r\n"));
  CHECK(closed);  // the body was never read, so the connection cannot go on
  std::string body = r.substr(r.find("\r\n\r\n") + 4);
  Json p = Json::parse(body);
  CHECK(p["type"] == "urn:agritrace:problem:unauthorized");
  CHECK(p["instance"] == "/api/v1/products");
  CHECK(SchemaErrors("problem.schema.json", body) == "");

  // A forged token: the invalid-token answer, also from the head alone.
  fd = RawConnect(port, "127.0.30.1");
  REQUIRE(RawSend(fd, ProductPost("agt_" + std::string(43, 'B'), 60000)));
  r = ReadFor(fd, 10000, &closed);
  close(fd);
  CHECK(StatusOf(r) == 401);
  CHECK(Contains(r, "error=\"invalid_token\""));
  CHECK(f.Rows("products") == products);
  CHECK(f.server->metrics().requests(http::Route::kManagementApi, 401) == 2);
}

TEST_CASE("starvation: failed logins are throttled from the head too", "[server][starvation]") {
  http::ServerOptions o = TestServerOptions();
  o.auth_failure_limit.per_second = 0.01;  // no refill within the test
  o.auth_failure_limit.burst = 2;
  ApiFixture f(o);
  const int port = f.server->port();
  std::vector<int> statuses;
  for (int i = 0; i < 3; ++i) {
    int fd = RawConnect(port, "127.0.31.1");
    REQUIRE(RawSend(fd, ProductPost("agt_" + std::string(43, 'C'), 100)));
    statuses.push_back(StatusOf(ReadFor(fd, 10000)));
    close(fd);
  }
  CHECK(statuses == std::vector<int>{401, 401, 429});
}

TEST_CASE("starvation: a body over the limit is refused 413 from its Content-Length",
          "[server][starvation]") {
  http::ServerOptions o = TestServerOptions();
  o.payload_max_bytes = 1000;
  ApiFixture f(o);
  int fd = RawConnect(f.server->port(), "127.0.32.1");
  REQUIRE(RawSend(fd, ProductPost(f.coop, 1001)));  // and no body
  bool closed = false;
  std::string r = ReadFor(fd, 10000, &closed);
  close(fd);
  CHECK(StatusOf(r) == 413);
  CHECK(Contains(r, "payload-too-large"));
  CHECK(closed);
}

TEST_CASE("starvation: one deadline for the whole request answers 408", "[server][starvation]") {
  http::ServerOptions o = TestServerOptions();
  o.request_timeout_seconds = 1;
  ApiFixture f(o);
  const int port = f.server->port();
  const int64_t products = f.Rows("products");

  // A head trickled line by line, each line well within any per-read timeout.
  int head = RawConnect(port, "127.0.33.1");
  REQUIRE(RawSend(head, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  // A body that stops short.
  int body = RawConnect(port, "127.0.33.2");
  REQUIRE(RawSend(body, ProductPost(f.coop, 100) + "{\"name\":"));
  bool head_closed = false;
  std::string head_reply;
  for (int i = 0; i < 100 && !head_closed; ++i) {
    if (!RawSend(head, "X-Line-" + std::to_string(i) + ": v\r\n")) break;
    head_reply += ReadFor(head, 100, &head_closed);
  }
  if (!head_closed) head_reply += ReadFor(head, 10000, &head_closed);
  bool body_closed = false;
  std::string body_reply = ReadFor(body, 10000, &body_closed);
  close(head);
  close(body);
  INFO(head_reply);
  INFO(body_reply);
  CHECK(StatusOf(head_reply) == 408);
  CHECK(Contains(head_reply, "request-timeout"));
  CHECK(head_closed);
  CHECK(StatusOf(body_reply) == 408);
  CHECK(body_closed);
  CHECK(f.Rows("products") == products);
}

TEST_CASE("starvation: a network may hold only so many unfinished requests",
          "[server][starvation]") {
  http::ServerOptions o = TestServerOptions();
  o.max_pending_per_network = 3;
  o.request_timeout_seconds = 30;
  ApiFixture f(o);
  const int port = f.server->port();
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(RawConnect(port, "127.0.34." + std::to_string(i + 1)));
    REQUIRE(RawSend(held.back(), "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // The fourth unfinished request of 127.0.34.0/24 is refused and closed.
  int fourth = RawConnect(port, "127.0.34.9");
  REQUIRE(RawSend(fourth, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  bool closed = false;
  std::string r = ReadFor(fourth, 10000, &closed);
  close(fourth);
  CHECK(StatusOf(r) == 429);
  CHECK(Contains(r, "too-many-pending"));
  CHECK(closed);
  // A whole request from the same network is still served, and so is another network's
  // unfinished one once it completes.
  CHECK(RawGet("127.0.34.10", port, "/healthz").status == 200);
  int other = RawConnect(port, "127.0.35.1");
  REQUIRE(RawSend(other, "GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  REQUIRE(RawSend(other, "Connection: close\r\n\r\n"));
  CHECK(StatusOf(ReadFor(other, 10000)) == 200);
  close(other);
  // The held ones finish normally.
  for (int fd : held) {
    REQUIRE(RawSend(fd, "Connection: close\r\n\r\n"));
    CHECK(StatusOf(ReadFor(fd, 10000)) == 200);
    close(fd);
  }
}

}  // namespace agritrace::testing
