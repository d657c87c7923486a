// The verify server with console accounts: helpers to sign in over HTTP on 127.0.0.1, read a
// page's CSRF token and post forms as a browser would (application/x-www-form-urlencoded).
#pragma once

#include <regex>

#include "agritrace/registry/users.h"
#include "tests/http/verify_fixture.h"
#include "tests/support/screenshots.h"

namespace agritrace::testing {

struct ConsoleFixture : VerifyFixture {
  // Adds an account with `password`; `must_change` as the CLI's one-time passwords have it.
  int64_t AddAccount(const std::string& username, const std::string& role, int64_t org_id,
                     const std::string& password, bool must_change = false) {
    auto h = HashPassword(password);
    REQUIRE(h.ok());
    auto r = AddUser(*store, {username, role, org_id}, *h, must_change, "cli");
    if (!r.ok()) FAIL(r.status().message());
    return r->id;
  }

  httplib::Result PostForm(const std::string& path, const httplib::Params& form,
                           const std::string& cookie = "", httplib::Headers headers = {}) {
    if (!cookie.empty()) headers.emplace("Cookie", "agritrace_console=" + cookie);
    auto c = Client();
    return c.Post(path.c_str(), headers, form);
  }

  httplib::Result GetWith(const std::string& path, const std::string& cookie) {
    return Get(path, {{"Cookie", "agritrace_console=" + cookie}});
  }

  // The session cookie's value from a sign-in answer, or "".
  static std::string CookieOf(const httplib::Result& r) {
    static const std::regex kCookie("agritrace_console=([A-Za-z0-9_-]*)");
    std::smatch m;
    std::string header = r ? r->get_header_value("Set-Cookie") : "";
    return std::regex_search(header, m, kCookie) ? m[1].str() : "";
  }

  // Signs in and returns the cookie value; requires the redirect of a successful sign-in.
  std::string SignIn(const std::string& username, const std::string& password) {
    auto r = PostForm("/console/login", {{"username", username}, {"password", password}});
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 303);
    std::string cookie = CookieOf(r);
    REQUIRE(cookie.size() == 43);
    return cookie;
  }

  // The CSRF token in a page's forms.
  static std::string CsrfOf(const std::string& html) {
    static const std::regex kCsrf("name=\"csrf\" value=\"([^\"]+)\"");
    std::smatch m;
    return std::regex_search(html, m, kCsrf) ? m[1].str() : "";
  }

  std::string CsrfFor(const std::string& cookie, const std::string& path = "/console/password") {
    auto r = GetWith(path, cookie);
    REQUIRE(r);
    REQUIRE(r->status == 200);
    std::string csrf = CsrfOf(r->body);
    REQUIRE_FALSE(csrf.empty());
    return csrf;
  }

  int64_t Rows(const std::string& table) {
    return store->db().QueryValue("SELECT COUNT(*) FROM " + table).Int64();
  }

  std::string Origin() { return "http://127.0.0.1:" + std::to_string(server->port()); }
};

}  // namespace agritrace::testing
