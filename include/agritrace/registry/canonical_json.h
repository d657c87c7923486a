// Canonical JSON (DESIGN.md §6): keys sorted, no whitespace, UTF-8; only strings, integers with
// |n| < 2^53, booleans, null, arrays and objects with ASCII keys. Within that subset the output
// is RFC 8785 (JCS), so any JCS implementation reproduces the signed bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "agritrace/registry/status.h"

namespace agritrace {

using Json = nlohmann::json;

// The canonical bytes of `value`, or why it is outside the subset (a float, a huge integer,
// a non-ASCII key, invalid UTF-8).
Result<std::string> CanonicalJson(const Json& value);

}  // namespace agritrace
