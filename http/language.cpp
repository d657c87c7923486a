#include "agritrace/http/language.h"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace agritrace::http {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// q-value in thousandths: "q=0.8" -> 800; missing -> 1000; malformed -> 0.
int Quality(std::string_view params) {
  size_t q = params.find("q=");
  if (q == std::string_view::npos) return 1000;
  std::string v(Trim(params.substr(q + 2)));
  char* end = nullptr;
  double d = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || d < 0 || d > 1) return 0;
  return static_cast<int>(d * 1000 + 0.5);
}

}  // namespace

Lang ChooseLanguage(std::string_view lang_param, std::string_view accept_language) {
  std::string p = Lower(lang_param);
  if (p.rfind("en", 0) == 0) return Lang::kEn;
  if (p.rfind("zh", 0) == 0) return Lang::kZh;
  int best_en = -1, best_zh = -1;
  std::string header = Lower(accept_language);
  std::string_view rest = header;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = Trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    size_t semi = item.find(';');
    std::string_view tag = Trim(item.substr(0, semi));
    int q = semi == std::string_view::npos ? 1000 : Quality(item.substr(semi + 1));
    if (q <= 0) continue;
    if (tag == "en" || tag.rfind("en-", 0) == 0) best_en = std::max(best_en, q);
    if (tag == "zh" || tag.rfind("zh-", 0) == 0 || tag == "*") best_zh = std::max(best_zh, q);
  }
  // Ties go to Chinese, the registry's language.
  return best_en > best_zh ? Lang::kEn : Lang::kZh;
}

}  // namespace agritrace::http
