// Page language: Chinese unless the consumer asks for English with ?lang=en or an
// Accept-Language that prefers English over Chinese.
#pragma once

#include <string_view>

namespace agritrace::http {

enum class Lang { kZh, kEn };

// `lang_param`: the ?lang= value ("zh", "en", or empty); `accept_language`: the header.
Lang ChooseLanguage(std::string_view lang_param, std::string_view accept_language);

inline const char* HtmlLangTag(Lang lang) { return lang == Lang::kEn ? "en" : "zh-CN"; }

}  // namespace agritrace::http
