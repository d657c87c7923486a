// What the typed-record tests ask of a record's JSON and of the log event beside it.
#pragma once

#include <catch2/catch.hpp>
#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "agritrace/registry/sql_connection.h"
#include "agritrace/registry/store.h"

namespace agritrace::testing {

// The keys of a JSON object, to pin a record's exact key set.
inline std::set<std::string> Keys(const Json& j) {
  std::set<std::string> keys;
  for (const auto& [key, _] : j.items()) keys.insert(key);
  return keys;
}

// The kind and data of event `index`.
inline std::pair<std::string, Json> EventAt(Store& store, int64_t index) {
  sql::Statement q(store.db(), "SELECT kind, leaf FROM events WHERE idx = ?");
  q.Bind(1, index);
  REQUIRE(q.Step());
  return {q.Column(0).String(), Json::parse(q.Column(1).String())["data"]};
}

// The data of the newest event of `kind`.
inline Json LastEventData(Store& store, const std::string& kind) {
  sql::Statement q(store.db(), "SELECT leaf FROM events WHERE kind = ? ORDER BY idx DESC");
  q.Bind(1, kind);
  REQUIRE(q.Step());
  return Json::parse(q.Column(0).String())["data"];
}

// What a record's JSON must be without its event's own index: the event's data.
inline Json WithoutIndex(Json j) {
  j.erase("event_index");
  return j;
}

}  // namespace agritrace::testing
