// The registry as the authenticated API (cooperative and bureau, DESIGN.md §7, §9) sees it: one
// read-write connection, serialised by a mutex. SQLite admits one writer at a time and these
// routes are few and small next to the scans, which keep their own writer (scan_recorder.h).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "registry/status.h"
#include "registry/store.h"

namespace agritrace::http {

class ApiContext {
 public:
  // Opens the registry at `db_path` read-write (it must exist).
  static Result<std::unique_ptr<ApiContext>> Open(const std::string& db_path);

  // Runs `fn(Store&)` holding the connection alone; returns what `fn` returns.
  template <typename Fn>
  auto WithStore(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mu_);
    return fn(*store_);
  }
  const std::string& db_path() const { return db_path_; }

 private:
  ApiContext(std::string db_path, std::unique_ptr<Store> store)
      : db_path_(std::move(db_path)), store_(std::move(store)) {}
  std::string db_path_;
  std::mutex mu_;
  std::unique_ptr<Store> store_;
};

}  // namespace agritrace::http
