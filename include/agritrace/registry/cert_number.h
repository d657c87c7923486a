// Certificate types of 三品一标 and the SC licence, their number formats and validity
// (DESIGN.md §4).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace {

struct CertType {
  std::string_view key;     // green-food, organic, geographic-indication, pollution-free, sc-license
  std::string_view name_zh; // 绿色食品 …
  std::string_view name_en;
  int validity_years;       // 0: no expiry (GI); -1: as issued, valid_to required
};

// The type named by `key`, or nullopt.
const CertType* FindCertType(std::string_view key);
// Checks `number` against the format of its type.
Status ValidateCertNumber(const CertType& type, std::string_view number);

}  // namespace agritrace
