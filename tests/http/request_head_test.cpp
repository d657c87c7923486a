// The strict request-head parser on its own (http/request_head.h): what it reads, what it
// refuses with which status, and that it waits for more bytes without guessing.
#include "http/request_head.h"

#include <catch2/catch.hpp>
#include <string>

namespace agritrace::http {
namespace {

using State = RequestHeadParse::State;
using namespace std::string_literals;

RequestHeadParse Parse(std::string_view bytes, HeadLimits limits = {}) {
  return ParseRequestHead(bytes, limits);
}

void ExpectError(std::string_view bytes, int status, std::string_view reason,
                 HeadLimits limits = {}) {
  INFO(std::string(bytes.substr(0, 200)));
  RequestHeadParse p = Parse(bytes, limits);
  REQUIRE(p.state == State::kError);
  CHECK(p.status == status);
  CHECK(p.reason == reason);
  CHECK(std::string(p.detail_en) != "");
  CHECK(std::string(p.detail_zh) != "");
}

TEST_CASE("request head: a plain GET is read with its fields", "[request_head]") {
  std::string bytes =
      "GET /q/ABC123?lang=en HTTP/1.1\r\nHost: example.org\r\nAccept-Language: en-US\r\n"
      "X-Forwarded-For: 203.0.113.9\r\nConnection: close\r\nAuthorization: Bearer t0k\r\n"
      "Cookie: a=b\r\nOrigin: https://x.org\r\n\r\nNEXT";
  RequestHeadParse p = Parse(bytes);
  REQUIRE(p.state == State::kComplete);
  CHECK(p.head_length == bytes.size() - 4);
  const RequestHead& h = p.head;
  CHECK(h.method == "GET");
  CHECK(h.target == "/q/ABC123?lang=en");
  CHECK(h.path == "/q/ABC123");
  CHECK(h.query == "lang=en");
  CHECK(h.minor_version == 1);
  CHECK(h.host == "example.org");
  CHECK(h.accept_language == "en-US");
  CHECK(h.forwarded_for == "203.0.113.9");
  CHECK(h.forwarded_for_lines == 1);
  CHECK(h.authorization == "Bearer t0k");
  CHECK(h.cookie == "a=b");
  CHECK(h.origin == "https://x.org");
  CHECK(h.connection_close);
  CHECK_FALSE(h.has_body());
  CHECK(h.fields == 7);
}

TEST_CASE("request head: names are case-insensitive, values trimmed, body lengths read",
          "[request_head]") {
  RequestHeadParse p = Parse(
      "POST /api/v1/lots HTTP/1.1\r\nhOsT:x\r\ncontent-LENGTH: \t 42 \t\r\nEXPECT: 100-continue"
      "\r\n\r\n");
  REQUIRE(p.state == State::kComplete);
  CHECK(p.head.host == "x");
  CHECK(p.head.has_content_length);
  CHECK(p.head.content_length == 42);
  CHECK(p.head.has_body());
  CHECK(p.head.expect_continue);

  p = Parse("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n");
  REQUIRE(p.state == State::kComplete);
  CHECK(p.head.chunked);
  CHECK(p.head.has_body());

  // HTTP/1.0 needs no Host; empty lines before the request line are skipped (RFC 9112 §2.2).
  p = Parse("\r\nGET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
  REQUIRE(p.state == State::kComplete);
  CHECK(p.head.minor_version == 0);
  CHECK(p.head.keep_alive);
  CHECK(p.head.host == "");
}

TEST_CASE("request head: incomplete until the empty line, at every cut", "[request_head]") {
  const std::string bytes = "GET /api/v1/verify/X HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n";
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO(cut);
    RequestHeadParse p = Parse(std::string_view(bytes).substr(0, cut));
    CHECK(p.state == State::kIncomplete);
  }
  RequestHeadParse p = Parse(bytes);
  REQUIRE(p.state == State::kComplete);
  CHECK(p.head_length == bytes.size());
}

TEST_CASE("request head: an error in a finished line is seen before the head is whole",
          "[request_head]") {
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nNoColonHere\r\nAccept: x", 400, "field-colon");
  ExpectError("GET / HTTP/1.1\nHost", 400, "bare-lf");
}

TEST_CASE("request head: framing that could smuggle a request is refused", "[request_head]") {
  ExpectError(
      "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
      "transfer-encoding-with-length");
  ExpectError(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400,
      "transfer-encoding-with-length");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400,
              "content-length-duplicate");
  // One value twice is refused too: one reading, as nginx does.
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400,
              "content-length-duplicate");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\n", 400, "content-length");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", 400, "content-length");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", 400, "content-length");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n", 400, "content-length");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n", 400,
              "content-length-overflow");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551616\r\n\r\n", 400,
              "content-length-overflow");
  RequestHeadParse max =
      Parse("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n");
  REQUIRE(max.state == State::kComplete);
  CHECK(max.head.content_length == 18446744073709551615ull);

  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
              "transfer-encoding");
  ExpectError("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501,
              "transfer-encoding");
  ExpectError(
      "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: "
      "chunked\r\n\r\n",
      501, "transfer-encoding");
  ExpectError("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
              "transfer-encoding-http10");
}

TEST_CASE("request head: malformed lines are refused with 400", "[request_head]") {
  ExpectError("GET / HTTP/1.1\nHost: h\n\n", 400, "bare-lf");
  ExpectError("GET / HTTP/1.1\r\nHost: h\n\r\n", 400, "bare-lf");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\n\n", 400, "bare-lf");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", 400, "field-value");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n"s, 400, "field-value");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n", 400, "field-colon");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n folded\r\n\r\n", 400, "obs-fold");
  ExpectError("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\tfolded\r\n\r\n", 400, "obs-fold");
  ExpectError("GET / HTTP/1.1\r\nHost : h\r\n\r\n", 400, "field-name-space");
  ExpectError("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", 400, "field-name-space");
  ExpectError("GET / HTTP/1.1\r\nHo(st: h\r\n\r\n", 400, "field-name");
  ExpectError("GET / HTTP/1.1\r\n: h\r\n\r\n", 400, "field-name");
  ExpectError("GET / HTTP/1.1\r\n\r\n", 400, "host-missing");
  ExpectError("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "host-duplicate");
  ExpectError("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400, "host-invalid");
  ExpectError("GET  / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "request-target");
  ExpectError("GET / HTTP/1.1 \r\nHost: h\r\n\r\n", 400, "request-line");
  ExpectError("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", 400, "request-line");
  ExpectError("GET\r\nHost: h\r\n\r\n", 400, "request-line");
  ExpectError("G(T / HTTP/1.1\r\nHost: h\r\n\r\n", 400, "request-method");
  ExpectError("GET http://h/ HTTP/1.1\r\nHost: h\r\n\r\n", 400, "request-target");
  ExpectError("GET /\x7f HTTP/1.1\r\nHost: h\r\n\r\n", 400, "request-target");
  ExpectError("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "http-version");
  ExpectError("GET / HTTP/1.2\r\nHost: h\r\n\r\n", 505, "http-version");
  ExpectError("GET / HTTX/1.1\r\nHost: h\r\n\r\n", 400, "request-line");
  ExpectError("GET / http/1.1\r\nHost: h\r\n\r\n", 400, "request-line");
}

TEST_CASE("request head: the limits give 414 and 431, also before the head is whole",
          "[request_head]") {
  HeadLimits small{64, 256, 4};
  std::string long_target = "GET /" + std::string(80, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n";
  ExpectError(long_target, 414, "uri-too-long", small);
  ExpectError(long_target.substr(0, 70), 414, "uri-too-long", small);  // no CRLF yet

  std::string many = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 4; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
  ExpectError(many + "\r\n", 431, "too-many-fields", small);
  ExpectError(many, 431, "too-many-fields", small);  // incomplete, already too many

  std::string four = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  CHECK(Parse(four, small).state == State::kComplete);

  std::string big = "GET / HTTP/1.1\r\nHost: h\r\nX: " + std::string(300, 'v') + "\r\n\r\n";
  ExpectError(big, 431, "head-too-large", small);
  ExpectError(big.substr(0, 257), 431, "head-too-large", small);  // one byte over, no end yet
  CHECK(Parse(big.substr(0, 256), small).state == State::kIncomplete);

  // Exactly at the limit is accepted.
  std::string exact = "GET / HTTP/1.1\r\nHost: h\r\nX: ";
  exact += std::string(256 - exact.size() - 4, 'v') + "\r\n\r\n";
  REQUIRE(exact.size() == 256);
  RequestHeadParse p = Parse(exact + "tail", small);
  REQUIRE(p.state == State::kComplete);
  CHECK(p.head_length == 256);
}

}  // namespace
}  // namespace agritrace::http
