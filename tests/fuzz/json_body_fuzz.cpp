// Request bodies of the cooperative and bureau API (http/json_body.h). An input is a
// Content-Type value, a newline, then the body. Checks: a refused body is answered with a
// problem+json of status 400, 415 or 422 that is itself valid JSON; an accepted one is the
// object the body holds. Then every member is read with the getter its value calls for (as a
// route would), nested arrays of objects with their own BodyFields: the values read are the
// values sent, and Finish() refuses exactly when a member was of a type no getter takes or was
// left unread, with one of the stable reasons.
#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "http/json_body.h"
#include "tests/fuzz/fuzz_check.h"

using namespace agritrace;
using namespace agritrace::http;

namespace {

constexpr int kMaxDepth = 4;

bool FitsInt64(const Json& v) {
  return v.is_number_integer() &&
         !(v.is_number_unsigned() &&
           v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()));
}

template <typename Pred>
bool All(const Json& array, Pred pred) {
  for (const Json& v : array)
    if (!pred(v)) return false;
  return true;
}

bool KnownReason(const Status& s) {
  return s.reason() == "body-member-type" || s.reason() == "body-member-unknown" ||
         s.reason() == "body-member-missing";
}

// Reads `object` member by member; `*clean` is false when Finish() must refuse.
Status Read(const Json& object, const std::string& where, int depth, bool* clean) {
  BodyFields f(object, where);
  *clean = true;
  for (auto it = object.begin(); it != object.end(); ++it) {
    const std::string& key = it.key();
    const Json& v = it.value();
    if (v.is_string()) {
      FUZZ_CHECK(f.String(key) == v.get<std::string>());
    } else if (v.is_boolean()) {
      FUZZ_CHECK(f.Bool(key) == v.get<bool>());
    } else if (FitsInt64(v)) {
      FUZZ_CHECK(f.Int(key) == v.get<int64_t>());
    } else if (v.is_number()) {  // a decimal, or beyond int64: never rounded
      FUZZ_CHECK(f.Int(key, true, 7) == 7);
      *clean = false;
    } else if (v.is_null()) {  // null is absent: fine when optional
      FUZZ_CHECK(f.String(key, false).empty());
    } else if (v.is_array() && All(v, [](const Json& e) { return e.is_string(); })) {
      FUZZ_CHECK(f.Strings(key).size() == v.size());
    } else if (v.is_array() && All(v, FitsInt64)) {
      auto ints = f.Ints(key);
      FUZZ_CHECK(ints.size() == v.size());
      for (size_t i = 0; i < ints.size(); ++i) FUZZ_CHECK(ints[i] == v[i].get<int64_t>());
    } else if (v.is_array() && depth < kMaxDepth &&
               All(v, [](const Json& e) { return e.is_object(); })) {
      auto objects = f.Objects(key);
      FUZZ_CHECK(objects.size() == v.size());
      for (size_t i = 0; i < objects.size(); ++i) {
        bool nested_clean = true;
        Status s = Read(*objects[i], where + key + "[" + std::to_string(i) + "].", depth + 1,
                        &nested_clean);
        if (!s.ok()) f.Fail(s);
        *clean = *clean && nested_clean;
      }
    } else if (v.is_array()) {  // mixed: no getter takes it
      FUZZ_CHECK(f.Strings(key).empty());
      *clean = false;
    } else {  // an object where none is read: unknown to the route
      *clean = false;
    }
  }
  Status s = f.Finish();
  FUZZ_CHECK(s.ok() == *clean);
  if (!s.ok()) FUZZ_CHECK(KnownReason(s) && !s.zh().empty() && !s.en().empty());
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t eol = in.find('\n');
  httplib::Request req;
  req.method = "POST";
  req.path = "/api/v1/lots";
  if (eol != std::string_view::npos) {
    req.headers.emplace("Content-Type", std::string(in.substr(0, eol)));
    req.body = std::string(in.substr(eol + 1));
  } else {
    req.body = std::string(in);
  }
  httplib::Response res;
  std::optional<Json> body = ParseJsonBody(req, res);
  if (!body) {
    FUZZ_CHECK(res.status == 400 || res.status == 415 || res.status == 422);
    FUZZ_CHECK(res.get_header_value("Content-Type") == "application/problem+json");
    Json problem = Json::parse(res.body, nullptr, false);
    FUZZ_CHECK(problem.is_object() && problem["status"] == res.status);
    return 0;
  }
  FUZZ_CHECK(body->is_object());
  FUZZ_CHECK(*body == Json::parse(req.body));

  bool clean = true;
  Read(*body, "", 0, &clean);

  // A member the route needs and the body lacks is named as missing.
  BodyFields f(*body);
  f.String("\x01never-sent");
  Status s = f.Finish();
  FUZZ_CHECK(!s.ok() && s.reason() == "body-member-missing");
  return 0;
}
