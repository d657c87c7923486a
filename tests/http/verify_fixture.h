// A registry with an issued tea lot and its unit codes, and a verify server on a loopback port
// (127.0.0.1, port chosen by the OS) that stops when the fixture goes away. Also a raw HTTP
// client that can bind any 127.x.y.z source address, to act as clients on different networks.
#pragma once

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <vector>

#include "agritrace/http/server.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/lots.h"
#include "tests/support/registry_fixture.h"
#include "tests/support/text_search.h"

namespace agritrace::testing {

inline http::ServerOptions TestServerOptions() {
  http::ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 8;
  o.rate_limit.per_second = 0;  // off unless a test turns it on
  o.auth_failure_limit.per_second = 0;
  o.keep_alive_timeout_seconds = 1;
  // Registry changes made between two requests must show in the second: check the event log
  // on every lookup (lot_cache_test covers the default interval).
  o.lot_cache.refresh = std::chrono::milliseconds(0);
  return o;
}

// A fresh unit code with a valid check character, not in any registry.
inline std::string FreshUnitCode() {
  std::string c = crockford::Random(15);
  c.push_back(crockford::CheckChar(c));
  return c;
}

struct VerifyFixture : RegistryFixture {
  std::unique_ptr<http::Server> server;

  // Issues `lot` and returns its code.
  std::string Issue(const LotInput& lot) {
    auto r = IssueLot(*store, lot);
    if (!r.ok()) FAIL(r.status().message());
    return r->code;
  }

  // Registers `n` unit codes of `lot_code` (what the labeler does when it mints).
  std::vector<std::string> AddUnits(const std::string& lot_code, int n) {
    std::vector<std::string> codes;
    int64_t lot_id =
        store->db().QueryValue("SELECT id FROM lots WHERE code = '" + lot_code + "'").Int64();
    int64_t next =
        store->db()
            .QueryValue("SELECT COALESCE(MAX(serial), 0) + 1 FROM units WHERE lot_id = " +
                        std::to_string(lot_id))
            .Int64();
    sql::Statement ins(store->db(), "INSERT INTO units(code, lot_id, serial) VALUES (?, ?, ?)");
    for (int i = 0; i < n; ++i) {
      codes.push_back(FreshUnitCode());
      ins.Reset();
      ins.Bind(1, codes.back());
      ins.Bind(2, lot_id);
      ins.Bind(3, next + i);
      ins.Exec();
    }
    return codes;
  }

  void Start(http::ServerOptions options = TestServerOptions()) {
    if (options.scans.journal.empty()) options.scans.journal = ScanJournal();
    auto s = http::Server::Open(store->path(), std::move(options));
    if (!s.ok()) FAIL(s.status().message());
    server = std::move(s).value();
    Status st = server->Start();
    if (!st.ok()) FAIL(st.message());
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server->port());
    c.set_read_timeout(10, 0);
    return c;
  }

  httplib::Result Get(const std::string& path, const httplib::Headers& headers = {}) {
    auto c = Client();
    return c.Get(path.c_str(), headers);
  }

  int64_t ScanRows(const std::string& code = "") {
    std::string sql = "SELECT COUNT(*) FROM scans";
    if (!code.empty()) sql += " WHERE code = '" + code + "'";
    return store->db().QueryValue(sql).Int64();
  }
};

// A problem+json answer with `status` and type urn:agritrace:problem:<slug>, valid against
// schemas/problem.schema.json, with its detail in Chinese and English.
inline Json ExpectProblem(const httplib::Result& r, int status, const std::string& slug) {
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == status);
  CHECK(r->get_header_value("Content-Type") == "application/problem+json");
  CHECK(SchemaErrors("problem.schema.json", r->body) == "");
  Json p = Json::parse(r->body);
  CHECK(p["type"] == "urn:agritrace:problem:" + slug);
  CHECK_FALSE(p["detail_zh"].get<std::string>().empty());
  CHECK_FALSE(p["detail_en"].get<std::string>().empty());
  return p;
}

struct RawResponse {
  int status = 0;
  std::string head, body;
};

// Sends `request` bytes from `source_ip` (any 127.x.y.z works on Linux loopback) and reads the
// response until the server closes the connection.
// A loopback connection to `port` from `source_ip` (any 127.x.y.z works on Linux loopback).
inline int RawConnect(int port, const std::string& source_ip = "127.0.0.1") {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &local.sin_addr);
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) == 0);
  return fd;
}

// Sends all of `bytes`; false when the server closed first (what it answered is still readable).
inline bool RawSend(int fd, const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

inline RawResponse RawExchange(const std::string& source_ip, int port, const std::string& request) {
  RawResponse out;
  int fd = RawConnect(port, source_ip);
  RawSend(fd, request);
  std::string data;
  char buf[65536];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  size_t split = data.find("\r\n\r\n");
  out.head = data.substr(0, split);
  out.body = split == std::string::npos ? "" : data.substr(split + 4);
  if (data.rfind("HTTP/1.1 ", 0) == 0) out.status = std::stoi(data.substr(9, 3));
  return out;
}

inline RawResponse RawGet(const std::string& source_ip, int port, const std::string& path,
                          const std::string& extra_headers = "") {
  return RawExchange(source_ip, port,
                     "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra_headers +
                         "Connection: close\r\n\r\n");
}

}  // namespace agritrace::testing
