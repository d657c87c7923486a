// Region codes (行政区划): 6-digit county codes (GB/T 2260) or 12-digit statistical codes
// (2 province + 2 city + 2 county + 3 township + 3 village).
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace {

Status ValidateRegionCodeFormat(std::string_view code);
// The code of the enclosing unit that must already exist: a village's township (9 digits
// padded to 12 with zeros), a township's county (6 digits), a county's city (6 digits,
// "4690" + "00"); empty for a province ("46" + "0000").
std::string ParentRegionCode(std::string_view code);

}  // namespace agritrace
