// GTIN (GS1 General Specifications §7.9): mod-10 check digit, weights 3,1,3,… from the right.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace {

// Accepts GTIN-8/12/13/14 and returns it as GTIN-14 (left-padded with zeros), or why not.
Result<std::string> NormalizeGtin(std::string_view gtin);

}  // namespace agritrace
