#include "agritrace/registry/cert_number.h"

#include <array>
#include <regex>

namespace agritrace {
namespace {
constexpr std::array<CertType, 5> kTypes = {{
    {"green-food", "绿色食品", "green food", 3},
    {"organic", "有机产品", "organic", 1},
    {"geographic-indication", "农产品地理标志", "geographic indication", 0},
    {"pollution-free", "无公害农产品/承诺达标合格证", "pollution-free", -1},
    {"sc-license", "食品生产许可（SC）", "SC food production licence", 5},
}};

struct Format {
  std::string_view key;
  const char* pattern;
  const char* example_zh;
  const char* example_en;
};
// Green food: the product number LB-<category 2>-<year-month 4><province 2><serial 4>A[A], or
// the enterprise code GF + county 6 + year 2 + serial 4. GI: AGI + 5 digits. SC: 14 digits
// (category 3, province 2, city 2, county 2, serial 4, check 1) — the check digit algorithm is
// not public, so only the shape is checked. Organic and pollution-free numbers are as issued.
const std::array<Format, 5> kFormats = {{
    {"green-food", R"(LB-\d{2}-\d{10}A{1,2}|GF\d{12})",
     "LB-18-2304460123A 这样的产品编号或 GF469025230001 这样的企业信息码",
     "a product number like LB-18-2304460123A or an enterprise code like GF469025230001"},
    {"organic", R"([0-9A-Z][0-9A-Z-]{5,31})", "如 124OP2300123", "e.g. 124OP2300123"},
    {"geographic-indication", R"(AGI\d{5})", "AGI 加 5 位数字，如 AGI01234",
     "AGI and 5 digits, e.g. AGI01234"},
    {"pollution-free", R"([0-9A-Z][0-9A-Z-]{3,39})", "如 WGH-HN-23-00123（按省里颁发的编号）",
     "as issued by the province, e.g. WGH-HN-23-00123"},
    {"sc-license", R"(SC\d{14})", "SC 加 14 位数字，如 SC11646902500013",
     "SC and 14 digits, e.g. SC11646902500013"},
}};
}  // namespace

const CertType* FindCertType(std::string_view key) {
  for (const auto& t : kTypes)
    if (t.key == key) return &t;
  return nullptr;
}

Status ValidateCertNumber(const CertType& type, std::string_view number) {
  for (const auto& f : kFormats) {
    if (f.key != type.key) continue;
    if (std::regex_match(std::string(number), std::regex(f.pattern))) return Status::Ok();
    return Status::Invalid(std::string(type.name_zh) + "证书编号格式不对：" + std::string(number) +
                               "；应为" + f.example_zh,
                           std::string(type.name_en) + " certificate number has the wrong format: " +
                               std::string(number) + "; expected " + f.example_en)
        .with_reason("cert-number-format");
  }
  return Status::Invalid("未知的认证类型", "unknown certification type");
}

}  // namespace agritrace
