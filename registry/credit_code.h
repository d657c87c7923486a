// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of
// 0-9ABCDEFGHJKLMNPQRTUWXY; character i weighs 3^(i-1) mod 31; check = (31 - Σ mod 31) mod 31.
#pragma once

#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace {

// Upper-cases nothing: codes are printed upper case on licences and must be typed that way.
Status ValidateCreditCode(std::string_view code);

}  // namespace agritrace
