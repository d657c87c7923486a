#include "registry/gtin.h"

namespace agritrace {

Result<std::string> NormalizeGtin(std::string_view gtin) {
  const std::string shown(gtin);
  bool digits = !gtin.empty();
  for (char c : gtin) digits = digits && c >= '0' && c <= '9';
  if (!digits || (gtin.size() != 8 && gtin.size() != 12 && gtin.size() != 13 && gtin.size() != 14))
    return Status::Invalid("商品条码（GTIN）应为 8、12、13 或 14 位数字：" + shown,
                           "a GTIN has 8, 12, 13 or 14 digits: " + shown)
        .with_reason("gtin-format");
  std::string g14 = std::string(14 - gtin.size(), '0') + shown;
  int sum = 0;
  for (int i = 12, w = 3; i >= 0; --i, w = 4 - w) sum += (g14[i] - '0') * w;
  char check = static_cast<char>('0' + (10 - sum % 10) % 10);
  if (g14[13] != check)
    return Status::Invalid("商品条码校验位错误：" + shown + "，最后一位应为 " + check,
                           "GTIN check digit is wrong: " + shown + ", the last digit should be " +
                               check)
        .with_reason("gtin-check");
  return g14;
}

}  // namespace agritrace
