// A fresh, empty PostgreSQL database on the cluster ctest started for tests/store
// (tests/support/pg_fixture.sh), dropped again when the test ends.
#pragma once

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "registry/postgresql_connection.h"

namespace agritrace::testing {

// The cluster's URL (database `agritrace`). Fails the test, never skips it, when ctest did not
// start the cluster: these tests must run wherever the suite runs.
inline std::string ClusterUrl() {
  const char* env = std::getenv("AGRITRACE_TEST_PG_STATE");
  const std::string state = env ? env : "postgresql-test.state";  // ctest's, in the build folder
  INFO("run through ctest, which starts the PostgreSQL cluster (fixture postgresql)");
  std::ifstream dir_file(state);
  REQUIRE(dir_file.good());
  std::string dir;
  std::getline(dir_file, dir);
  REQUIRE_FALSE(dir.empty());
  std::ifstream url_file(dir + "/url");
  std::string url;
  std::getline(url_file, url);
  REQUIRE(url.rfind("postgresql://", 0) == 0);
  return url;
}

class PgDatabase {
 public:
  PgDatabase() : admin_url_(ClusterUrl()) {
    static int counter = 0;
    name_ = "t" + std::to_string(getpid()) + "_" + std::to_string(++counter);
    sql::PostgresqlConnection admin(admin_url_);
    admin.Exec("DROP DATABASE IF EXISTS " + name_);
    admin.Exec("CREATE DATABASE " + name_);
    const auto at = admin_url_.find("/agritrace?");
    REQUIRE(at != std::string::npos);
    url_ = admin_url_.substr(0, at) + "/" + name_ + admin_url_.substr(at + 10);
  }
  ~PgDatabase() {
    try {
      sql::PostgresqlConnection admin(admin_url_);
      admin.Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const sql::Error&) {
    }
  }
  PgDatabase(const PgDatabase&) = delete;
  PgDatabase& operator=(const PgDatabase&) = delete;
  const std::string& url() const { return url_; }

 private:
  std::string admin_url_, name_, url_;
};

}  // namespace agritrace::testing
