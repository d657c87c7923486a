#include "agritrace/labeler/unit_code.h"

#include "agritrace/registry/crockford.h"

namespace agritrace::labeler {

std::string MintUnitCode() {
  std::string payload = crockford::Random(kUnitCodeLength - 1);
  payload.push_back(crockford::CheckChar(payload));
  return payload;
}

std::string FormatUnitCode(std::string_view code) { return crockford::Group(code, 4); }

}  // namespace agritrace::labeler
