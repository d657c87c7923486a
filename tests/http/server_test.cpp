// The server's edges on a loopback port: problem+json errors (413, 405, 404, 400), the
// manual-entry form, /healthz, /metrics, rate limits with Retry-After, trusted proxies.
#include "tests/http/verify_fixture.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

// A problem+json body with the documented members, validated against its schema.
Json CheckProblem(const std::string& content_type, const std::string& body, int status) {
  CHECK(content_type == "application/problem+json");
  INFO(body);
  CHECK(SchemaErrors("problem.schema.json", body) == "");
  Json p = Json::parse(body);
  CHECK(p["status"] == status);
  return p;
}

}  // namespace

TEST_CASE("a request body over the limit is refused with 413 problem+json", "[server]") {
  VerifyFixture f;
  http::ServerOptions o = TestServerOptions();
  o.payload_max_bytes = 1024;
  f.Start(o);
  auto c = f.Client();
  auto big = c.Post("/api/v1/verify/ABC", std::string(64 * 1024, 'x'), "application/json");
  REQUIRE(big);
  CHECK(big->status == 413);
  Json p = CheckProblem(big->get_header_value("Content-Type"), big->body, 413);
  CHECK(p["type"] == "urn:agritrace:problem:payload-too-large");
  CHECK(p["title"] == "请求内容过大");
  CHECK(p["detail"] ==
        "请求体超过了服务器允许的大小 / the request body is larger than the server accepts");

  auto small = c.Post("/api/v1/verify/ABC", "{}", "application/json");
  REQUIRE(small);
  CHECK(small->status == 405);
  CheckProblem(small->get_header_value("Content-Type"), small->body, 405);
  CHECK(small->get_header_value("Allow") == "GET, HEAD");
  CHECK(f.ScanRows() == 0);  // neither was a scan
}

TEST_CASE("malformed and unknown paths answer 400/404 problem+json", "[server]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  f.Start();
  for (const char* path :
       {"/q/", "/q", "/q/ABC/DEF", "/api/v1/verify/", "/api/v1/verify/a/b", "/nothing-here",
        "/01/abc", "/01/06901234567892/99/X", "/01/06901234567892/10"}) {
    INFO(path);
    auto r = f.Get(path);
    REQUIRE(r);
    CHECK(r->status == 404);
    Json p = CheckProblem(r->get_header_value("Content-Type"), r->body, 404);
    CHECK(p["type"] == "urn:agritrace:problem:not-found");
    CHECK(p["instance"] == path);
  }
  // Not HTTP at all.
  auto garbage = RawExchange("127.0.0.1", f.server->port(), "GARBAGE\r\n\r\n");
  CHECK(garbage.status == 400);
  CHECK(Contains(garbage.head, "Content-Type: application/problem+json"));
  CheckProblem("application/problem+json", garbage.body, 400);
  // A request line over httplib's limit.
  auto long_uri = RawGet("127.0.0.1", f.server->port(), "/q/" + std::string(9000, 'A'));
  CHECK(long_uri.status == 414);
  CheckProblem("application/problem+json", long_uri.body, 414);
  CHECK(f.ScanRows() == 0);
}

TEST_CASE("the home page form and /lookup lead to the code's page", "[server]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();
  auto home = f.Get("/");
  REQUIRE(home);
  CHECK(home->status == 200);
  CHECK(Contains(home->body, "<form method=\"get\" action=\"/lookup\"><input name=\"code\""));
  CHECK(Contains(home->body, "农产品扫码验真"));
  CHECK(Contains(f.Get("/?lang=en")->body, "Check a farm product"));

  std::string typed = units[0].substr(0, 4) + "-" + units[0].substr(4, 4) + " " +
                      units[0].substr(8, 4) + "-" + units[0].substr(12);
  for (char& c : typed) c = static_cast<char>(std::tolower(c));
  httplib::Params params{{"code", typed}};
  auto c = f.Client();
  auto r = c.Get("/lookup", params, httplib::Headers{});
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(r->get_header_value("Location") == "/q/" + units[0]);
  CHECK(f.ScanRows() == 0);  // the redirect target records the scan, not the form

  // A full label URL pasted into the form, in English.
  params = {{"code", "HTTPS://V.TEST.EXAMPLE/Q/" + units[0]}, {"lang", "en"}};
  r = c.Get("/lookup", params, httplib::Headers{});
  REQUIRE(r);
  CHECK(r->get_header_value("Location") == "/q/" + units[0] + "?lang=en");

  params = {{"code", "  "}};
  r = c.Get("/lookup", params, httplib::Headers{});
  REQUIRE(r);
  CHECK(r->status == 303);
  CHECK(r->get_header_value("Location") == "/");

  params = {{"code", "12345"}};
  r = c.Get("/lookup", params, httplib::Headers{});
  REQUIRE(r);
  CHECK(r->status == 400);
  CHECK(Contains(r->body, "请核对编码"));
  CHECK(Contains(r->body, "value=\"12345\""));
}

TEST_CASE("/healthz and /metrics", "[server][metrics]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  f.Start();
  auto health = f.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(Json::parse(health->body)["status"] == "ok");

  f.Get("/q/" + units[0]);
  f.Get("/api/v1/verify/" + units[0]);
  f.Get("/nothing");
  f.server->scans().Flush();
  auto m = f.Get("/metrics");
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK(Contains(m->get_header_value("Content-Type"), "text/plain"));
  const std::string& t = m->body;
  CHECK(Contains(t, "agritrace_http_requests_total{route=\"consumer_page\",status=\"200\"} 1\n"));
  CHECK(Contains(t, "agritrace_http_requests_total{route=\"verify_api\",status=\"200\"} 1\n"));
  CHECK(Contains(t, "agritrace_http_requests_total{route=\"other\",status=\"404\"} 1\n"));
  CHECK(Contains(t, "agritrace_http_requests_total{route=\"healthz\",status=\"200\"} 1\n"));
  CHECK(Contains(t, "# TYPE agritrace_http_request_duration_seconds histogram\n"));
  CHECK(Contains(
      t,
      "agritrace_http_request_duration_seconds_bucket{route=\"consumer_page\",le=\"+Inf\"} 1\n"));
  CHECK(Contains(t, "agritrace_http_request_duration_seconds_count{route=\"verify_api\"} 1\n"));
  CHECK(Contains(t, "agritrace_scans_queued_total 2\n"));
  CHECK(Contains(t, "agritrace_scans_stored_total 2\n"));
  CHECK(Contains(t, "agritrace_scans_dropped_total{reason=\"queue_full\"} 0\n"));
  CHECK(Contains(t, "agritrace_scan_queue_depth 0\n"));
  CHECK(Contains(t, "agritrace_rate_limited_total 0\n"));

  f.server->Stop();
  // Stopped: a fresh server on the same registry reports healthy again.
  f.Start();
  CHECK(f.Get("/healthz")->status == 200);
}

TEST_CASE("rate limit per client network: 429 with Retry-After", "[server][rate]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 1);
  http::ServerOptions o = TestServerOptions();
  o.rate_limit.per_second = 0.5;
  o.rate_limit.burst = 3;
  f.Start(o);
  int port = f.server->port();
  std::string path = "/api/v1/verify/" + units[0];
  for (int i = 0; i < 3; ++i) CHECK(RawGet("127.0.6.1", port, path).status == 200);
  // Another address of the same /24 shares the bucket.
  auto refused = RawGet("127.0.6.2", port, path);
  CHECK(refused.status == 429);
  CHECK(Contains(refused.head, "Retry-After: 2"));
  Json p = CheckProblem("application/problem+json", refused.body, 429);
  CHECK(p["type"] == "urn:agritrace:problem:rate-limited");
  CHECK(RawGet("127.0.6.1", port, "/q/" + units[0]).status == 429);  // pages too
  // Other networks, health checks and metrics are not limited.
  CHECK(RawGet("127.0.7.1", port, path).status == 200);
  for (int i = 0; i < 5; ++i) CHECK(RawGet("127.0.6.1", port, "/healthz").status == 200);
  f.server->Stop();
  CHECK(f.ScanRows(units[0]) == 4);  // refused requests are not scans
  CHECK(f.server->metrics().requests(http::Route::kVerifyApi, 429) == 1);
}

TEST_CASE("X-Forwarded-For counts only from a trusted proxy", "[server][rate]") {
  VerifyFixture f;
  auto units = f.AddUnits(f.Issue(f.TeaLot()), 2);
  http::ServerOptions o = TestServerOptions();
  o.trusted_proxies = {"127.0.8.1"};
  o.scan_threshold = 100;
  f.Start(o);
  int port = f.server->port();
  auto nets = [&](const std::string& source, const std::string& code, const std::string& xff) {
    auto r = RawGet(source, port, "/api/v1/verify/" + code,
                    xff.empty() ? "" : "X-Forwarded-For: " + xff + "\r\n");
    REQUIRE(r.status == 200);
    return Json::parse(r.body)["distinct_networks"].get<int>();
  };
  // Through the trusted proxy, each forwarded client is its own network.
  CHECK(nets("127.0.8.1", units[0], "198.51.100.7") == 1);
  CHECK(nets("127.0.8.1", units[0], "203.0.113.9") == 2);
  CHECK(nets("127.0.8.1", units[0], "10.1.1.1, 203.0.113.10") == 2);  // right-most hop counts
  // From anyone else the header is ignored: all these are the one 127.0.9.0/24.
  CHECK(nets("127.0.9.1", units[1], "198.51.100.7") == 1);
  CHECK(nets("127.0.9.1", units[1], "203.0.113.9") == 1);
}

TEST_CASE("the scan routes answer alike on the event loops' fast path and through httplib", "[server]") {
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto codes = f.AddUnits(lot, 2);
  f.Start();
  // A plain GET takes the fast path; a percent-encoded query makes httplib read the request.
  auto fast = RawGet("127.0.0.1", f.server->port(), "/api/v1/verify/" + codes[0]);
  CHECK(f.server->fast_answers() == 1);
  auto slow = RawGet("127.0.0.1", f.server->port(), "/api/v1/verify/" + codes[1] + "?x=%41");
  CHECK(f.server->fast_answers() == 1);
  REQUIRE(fast.status == 200);
  REQUIRE(slow.status == 200);
  auto headers = [](const std::string& head) {
    std::multiset<std::string> out;
    size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
      size_t end = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, end == std::string::npos ? end : end - pos - 2);
      if (line.rfind("Content-Length:", 0) != 0) out.insert(line);
      pos = end;
    }
    return out;
  };
  CHECK(headers(fast.head) == headers(slow.head));
  CHECK(fast.head.find("Connection: close") != std::string::npos);
  Json a = Json::parse(fast.body), b = Json::parse(slow.body);
  CHECK(a["status"] == "genuine");
  CHECK(b["status"] == "genuine");
  CHECK(a["record"] == b["record"]);
  // The same event; its proof may be pending in one answer and not in the other (checkpoints
  // are signed in the background, never on a scan: checkpoint_cache.h).
  CHECK(a["log"]["index"] == b["log"]["index"]);
  CHECK(SchemaErrors("verify-response.schema.json", fast.body) == "");

  // The page too, in the language the request asks for, with the page's security headers.
  auto page = RawGet("127.0.0.1", f.server->port(), "/q/" + codes[0] + "?lang=en");
  CHECK(page.status == 200);
  CHECK(Contains(page.body, "Checked 2 times"));
  CHECK(Contains(page.head, "Content-Security-Policy: default-src 'none'"));
  CHECK(Contains(page.head, "X-Content-Type-Options: nosniff"));
  auto zh = RawGet("127.0.0.1", f.server->port(), "/Q/" + codes[0], "Accept-Language: zh-CN\r\n");
  CHECK(Contains(zh.body, "已被查询 3 次"));
  CHECK(f.server->fast_answers() == 3);
  f.server->scans().Flush();
  CHECK(f.ScanRows(codes[0]) == 3);
  CHECK(f.server->metrics().requests(http::Route::kVerifyApi, 200) == 2);
  CHECK(f.server->metrics().requests(http::Route::kConsumerPage, 200) == 2);
}
