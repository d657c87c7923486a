#include "http/reader_pool.h"

#include "agritrace/registry/store.h"

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
    conn->db = OpenReadConnection(db_path_, read_only_name_);
    conn->lookup = std::make_unique<VerifyLookup>(*conn->db, cache_);
  } catch (const sql::Error& e) {
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
