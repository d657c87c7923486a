#include "http/reader_pool.h"

#include <sqlite3.h>

namespace agritrace::http {

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
  }
  auto conn = std::make_unique<Connection>();
  try {
    // Read-write open with query_only: a read-only open can fail on a WAL database whose
    // -shm file does not exist yet.
    // NOMUTEX: a pooled connection is used by one thread at a time.
    if (read_only_name_.empty())
      conn->db = std::make_unique<SQLite::Database>(
          db_path_, SQLite::OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, 5000);
    else  // serve --read-only: the file or its mount may not be writable at all
      conn->db = std::make_unique<SQLite::Database>(
          read_only_name_, SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLITE_OPEN_NOMUTEX, 5000);
    conn->db->exec("PRAGMA query_only=ON");
    // Every scan commit by the writer resets a reader's page cache; mapped pages come back
    // from the OS cache without a read() each.
    conn->db->exec("PRAGMA mmap_size=268435456");
    conn->lookup = std::make_unique<VerifyLookup>(*conn->db, cache_);
  } catch (const SQLite::Exception& e) {
    return Status::Io(std::string("无法读取登记库：") + e.what(),
                      std::string("cannot read the registry: ") + e.what());
  }
  return Lease(this, std::move(conn));
}

void ReaderPool::Return(std::unique_ptr<Connection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(conn));
}

}  // namespace agritrace::http
