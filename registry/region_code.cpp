#include "registry/region_code.h"

namespace agritrace {

Status ValidateRegionCodeFormat(std::string_view code) {
  bool digits = true;
  for (char c : code) digits = digits && c >= '0' && c <= '9';
  if (!digits || (code.size() != 6 && code.size() != 12))
    return Status::Invalid("行政区划代码应为 6 位（县）或 12 位（村）数字：" + std::string(code),
                           "a region code has 6 (county) or 12 (village) digits: " +
                               std::string(code))
        .with_reason("region-format");
  return Status::Ok();
}

std::string ParentRegionCode(std::string_view code) {
  std::string c(code);
  if (c.size() == 12) {
    if (c.substr(9) != "000") return c.substr(0, 9) + "000";  // village -> township
    if (c.substr(6, 3) != "000") return c.substr(0, 6);       // township -> county
    c = c.substr(0, 6);
  }
  if (c.size() == 6) {
    if (c.substr(4) != "00") return c.substr(0, 4) + "00";  // county -> city
    if (c.substr(2, 2) != "00") return c.substr(0, 2) + "0000";  // city -> province
  }
  return "";
}

}  // namespace agritrace
