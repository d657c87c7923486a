// The registry as the authenticated API (cooperative and bureau, DESIGN.md §7, §9) sees it: one
// read-write connection, serialised by a mutex, and a read connection of its own for reports. SQLite admits one writer at a time and these
// routes are few and small next to the scans, which keep their own writer (scan_recorder.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "agritrace/http/rate_limiter.h"
#include "agritrace/registry/status.h"
#include "agritrace/registry/store.h"

namespace agritrace::http {

class ApiContext {
 public:
  // Opens the registry at `db_path` (it must exist) read-write, or with kReadOnly for reads only.
  static Result<std::unique_ptr<ApiContext>> Open(const std::string& db_path,
                                                  OpenMode mode = OpenMode::kExisting);

  // Runs `fn(Store&)` holding the connection alone; returns what `fn` returns.
  template <typename Fn>
  auto WithStore(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    return fn(*store_);
  }
  // The same on a second connection for reads that may take long (the bureau's reports over a
  // big scans table), so that they never hold up API writes or checkpoint signing: in WAL mode
  // a reader and the writer do not wait for each other.
  template <typename Fn>
  auto WithReportStore(Fn&& fn) {
    std::lock_guard<std::mutex> lock(report_mu_);
    return fn(*report_store_);
  }
  const std::string& db_path() const { return db_path_; }
  // Tokens' 403s (bearer_auth.h): 20 at once, then one per 10 s; an empty bucket is a 429.
  RateLimiter& denials() { return denials_; }

 private:
  ApiContext(std::string db_path, std::unique_ptr<Store> store, std::unique_ptr<Store> reports)
      : db_path_(std::move(db_path)), store_(std::move(store)), report_store_(std::move(reports)) {}
  std::string db_path_;
  std::mutex mu_, report_mu_;
  std::unique_ptr<Store> store_, report_store_;
  RateLimiter denials_{RateLimit{0.1, 20}};
};

}  // namespace agritrace::http
