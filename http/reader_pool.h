// Read connections for request threads. A SQLite connection serves one thread at a time, and
// preparing the lookup statements costs more than running them, so each connection keeps its
// prepared VerifyLookup and goes back to the pool after the request.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/status.h"
#include "agritrace/registry/verify_lookup.h"

namespace agritrace::http {

class ReaderPool {
 public:
  struct Connection {
    std::unique_ptr<sql::Connection> db;
    std::unique_ptr<VerifyLookup> lookup;
  };

  // A connection on loan; returned to the pool when the lease goes away.
  class Lease {
   public:
    Lease(ReaderPool* pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (conn_) pool_->Return(std::move(conn_));
    }
    sql::Connection& db() { return *conn_->db; }
    VerifyLookup& lookup() { return *conn_->lookup; }
    // After an error the connection may be in a bad state: do not reuse it.
    void Discard() { conn_.reset(); }

   private:
    ReaderPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // `read_only_name`, when not empty, is what a read-only Store opened (the path, or its
  // immutable=1 URI on a read-only mount): connections then open it SQLITE_OPEN_READONLY.
  ReaderPool(std::string db_path, SignatureCache* cache, size_t max_idle = 64,
             std::string read_only_name = {})
      : db_path_(std::move(db_path)),
        read_only_name_(std::move(read_only_name)),
        cache_(cache),
        max_idle_(max_idle) {}

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<Connection> conn);

  std::string db_path_;
  std::string read_only_name_;
  SignatureCache* cache_;
  size_t max_idle_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace agritrace::http
