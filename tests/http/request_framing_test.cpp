// The verify server's request framing over raw sockets (RFC 9112; issue 10, finding 3): every
// head the event loops cannot read one way only is answered 400 (414, 431) and the connection
// closed, a request hidden in a GET's body is never answered, and a huge head costs no memory.
#include <poll.h>

#include <fstream>
#include <thread>

#include "tests/http/api_fixture.h"

namespace agritrace::testing {
namespace {

struct Reply {
  std::string data;     // everything received
  bool closed = false;  // the server closed the connection
  int Status() const { return data.rfind("HTTP/1.1 ", 0) == 0 ? std::stoi(data.substr(9, 3)) : 0; }
  // Status lines ("HTTP/1.1 " and three digits; a problem's text may say "HTTP/1.1" too).
  size_t Responses() const {
    size_t n = 0;
    for (size_t p = data.find("HTTP/1.1 "); p != std::string::npos;
         p = data.find("HTTP/1.1 ", p + 1))
      n += p + 12 < data.size() && std::isdigit(static_cast<unsigned char>(data[p + 9])) &&
           std::isdigit(static_cast<unsigned char>(data[p + 10])) && data[p + 12] == ' ';
    return n;
  }
  std::string Body() const {
    size_t split = data.find("\r\n\r\n");
    return split == std::string::npos ? "" : data.substr(split + 4);
  }
};

// Reads until the server closes or `timeout_ms` pass (a bound for a broken server only).
Reply Read(int fd, int timeout_ms = 10000) {
  Reply r;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    char buf[65536];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) {
      r.closed = true;
      break;
    }
    r.data.append(buf, static_cast<size_t>(n));
  }
  return r;
}

Reply Exchange(int port, const std::string& bytes) {
  int fd = RawConnect(port);
  RawSend(fd, bytes);
  Reply r = Read(fd);
  close(fd);
  return r;
}

// One answer with `status`, the problem `slug`, Connection: close, and the connection closed.
void ExpectRefused(const Reply& r, int status, const std::string& slug) {
  INFO(r.data.substr(0, 600));
  CHECK(r.Status() == status);
  CHECK(r.Responses() == 1);
  CHECK(Contains(r.data, "Connection: close\r\n"));
  CHECK(Contains(r.data, "Content-Type: application/problem+json"));
  CHECK(r.closed);
  Json p = Json::parse(r.Body());
  CHECK(p["type"] == "urn:agritrace:problem:" + slug);
  CHECK(SchemaErrors("problem.schema.json", r.Body()) == "");
}

long VmRssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

TEST_CASE("framing: a request hidden in a GET's body is not answered", "[server][framing]") {
  VerifyFixture f;
  f.Start();
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 2);
  const std::string hidden = "GET /api/v1/verify/" + units[1] + " HTTP/1.1\r\nHost: x\r\n\r\n";
  // Content-Length on the fast route's GET: before the fix the hidden request was a second scan.
  Reply r = Exchange(f.server->port(), "GET /api/v1/verify/" + units[0] +
                                           " HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                           std::to_string(hidden.size()) + "\r\n\r\n" + hidden);
  ExpectRefused(r, 400, "body-not-allowed");
  // Transfer-Encoding: chunked on a GET that httplib would have answered inline.
  std::string chunk = "GET /api/v1/verify/" + units[1] + " HTTP/1.1\r\nHost: x\r\n\r\n";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", chunk.size());
  r = Exchange(f.server->port(),
               "GET /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
               "\r\n\r\n" +
                   std::string(size) + "\r\n" + chunk + "\r\n0\r\n\r\n");
  ExpectRefused(r, 400, "body-not-allowed");
  f.server->scans().Flush();
  CHECK(f.ScanRows(units[0]) == 0);
  CHECK(f.ScanRows(units[1]) == 0);
}

TEST_CASE("framing: ambiguous or malformed heads get 400 and a closed connection",
          "[server][framing]") {
  VerifyFixture f;
  f.Start();
  const int port = f.server->port();
  struct Case {
    const char* what;
    std::string bytes;
    int status;
    const char* slug;
  };
  for (const Case& c : std::vector<Case>{
           {"CL and TE",
            "POST /lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400, "transfer-encoding-with-length"},
           {"two CL",
            "POST /lookup HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            "Content-Length: 40\r\n\r\nabcd",
            400, "content-length-duplicate"},
           {"CL overflow",
            "POST /lookup HTTP/1.1\r\nHost: x\r\n"
            "Content-Length: 99999999999999999999999\r\n\r\n",
            400, "content-length-overflow"},
           {"bare LF", "GET /healthz HTTP/1.1\nHost: x\n\n", 400, "bare-lf"},
           {"no colon", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Broken\r\n\r\n", 400, "field-colon"},
           {"obs-fold", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 400,
            "obs-fold"},
           {"space before colon", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400,
            "field-name-space"},
           {"no Host", "GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n", 400, "host-missing"},
           {"two Hosts", "GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400,
            "host-duplicate"},
           {"TE other than chunked",
            "POST /lookup HTTP/1.1\r\nHost: x\r\n"
            "Transfer-Encoding: gzip\r\n\r\n",
            501, "transfer-encoding"},
           {"chunked body",
            "POST /lookup HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked"
            "\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
            411, "length-required"},
           {"HTTP/2 preface", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505, "http-version"},
       }) {
    INFO(c.what);
    ExpectRefused(Exchange(port, c.bytes), c.status, c.slug);
  }
  // The well-formed request still works on the same server.
  CHECK(Exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").Status() ==
        200);
}

TEST_CASE("framing: head limits answer 414 and 431 and close", "[server][framing]") {
  http::ServerOptions o = TestServerOptions();
  o.max_request_line_bytes = 1024;
  o.max_head_bytes = 4096;
  o.max_headers = 10;
  VerifyFixture f;
  f.Start(o);
  const int port = f.server->port();
  ExpectRefused(Exchange(port, "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"),
                414, "uri-too-long");
  std::string many = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
  for (int i = 0; i < 10; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  ExpectRefused(Exchange(port, many + "\r\n"), 431, "too-many-fields");
  ExpectRefused(Exchange(port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX: " + std::string(5000, 'v') +
                                   "\r\n\r\n"),
                431, "head-too-large");
  // Just under the limits is served.
  std::string nine = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
  for (int i = 0; i < 8; ++i) nine += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(Exchange(port, nine + "\r\n").Status() == 200);
}

TEST_CASE("framing: 59 MB of header lines get 431 without the server's memory growing",
          "[server][framing]") {
  VerifyFixture f;
  f.Start();
  const long before = VmRssKb();
  int fd = RawConnect(f.server->port());
  // Sent from a thread: the server answers after 16 KB and closes while this keeps writing.
  std::thread sender([fd] {
    RawSend(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
    std::string lines;
    while (lines.size() < 64 * 1024) lines += "X-Filler: " + std::string(50, 'f') + "\r\n";
    for (size_t sent = 0; sent < 59u * 1024 * 1024; sent += lines.size()) {
      ssize_t n = send(fd, lines.data(), lines.size(), MSG_NOSIGNAL);
      if (n <= 0) break;
    }
  });
  Reply r = Read(fd);
  sender.join();
  close(fd);
  INFO(r.data.substr(0, 400));
  CHECK(r.Status() == 431);
  CHECK(r.Responses() == 1);
  CHECK(Contains(r.data, "Connection: close\r\n"));
  CHECK(r.closed);
  const long after = VmRssKb();
  // Before the fix the server's RSS grew by ~150 MB; a bounded head costs kilobytes. The
  // tolerance is wide: the test's own threads and allocator may move RSS by a few MB.
  CHECK(after - before < 32 * 1024);
}

}  // namespace agritrace::testing
