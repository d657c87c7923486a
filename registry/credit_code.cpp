#include "registry/credit_code.h"

#include <string>

namespace agritrace {
namespace {
constexpr std::string_view kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
}

Status ValidateCreditCode(std::string_view code) {
  const std::string shown(code);
  if (code.size() != 18)
    return Status::Invalid("统一社会信用代码应为 18 位，收到 " + std::to_string(code.size()) +
                               " 位：" + shown,
                           "a unified social credit code has 18 characters, got " +
                               std::to_string(code.size()) + ": " + shown)
        .with_reason("credit-code-length");
  int sum = 0, weight = 1;
  for (size_t i = 0; i < 17; ++i) {
    auto v = kChars.find(code[i]);
    if (v == std::string_view::npos)
      return Status::Invalid("统一社会信用代码第 " + std::to_string(i + 1) + " 位字符 '" +
                                 std::string(1, code[i]) + "' 不允许（不含 I O Z S V）",
                             "character " + std::to_string(i + 1) + " '" +
                                 std::string(1, code[i]) +
                                 "' is not allowed in a credit code (no I O Z S V)")
          .with_reason("credit-code-character");
    sum += static_cast<int>(v) * weight;
    weight = weight * 3 % 31;
  }
  char expected = kChars[(31 - sum % 31) % 31];
  if (code[17] != expected)
    return Status::Invalid("统一社会信用代码校验位错误：" + shown + "，请核对营业执照上的代码",
                           "credit code check character is wrong: " + shown +
                               "; copy it again from the business licence")
        .with_reason("credit-code-check");
  return Status::Ok();
}

}  // namespace agritrace
