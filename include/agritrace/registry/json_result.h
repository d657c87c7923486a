// Typed registry records (organisations, products, brands, certifications, lots) leave the
// registry as structs; the API's answers and the CLI's `--json` print them through each record's
// to_json, found by nlohmann's ADL beside the struct. This turns a typed result into the JSON one.
#pragma once

#include "agritrace/registry/canonical_json.h"
#include "agritrace/registry/status.h"

namespace agritrace {

template <typename T>
Result<Json> JsonResult(const Result<T>& result) {
  if (!result.ok()) return result.status();
  return Json(*result);
}

}  // namespace agritrace
