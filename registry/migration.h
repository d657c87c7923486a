// One numbered schema step, compiled in from schemas/sql or schemas/postgresql by
// scripts/embed_migrations.cmake; the two stores apply the same numbers.
#pragma once

namespace agritrace {

struct Migration {
  int version;
  const char* name;
  const char* sql;
};

}  // namespace agritrace
