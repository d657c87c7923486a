// Chinese by default; English only when asked for or preferred.
#include "agritrace/http/language.h"

#include <catch2/catch.hpp>

using agritrace::http::ChooseLanguage;
using agritrace::http::Lang;

TEST_CASE("page language from ?lang and Accept-Language", "[language]") {
  CHECK(ChooseLanguage("", "") == Lang::kZh);
  CHECK(ChooseLanguage("en", "") == Lang::kEn);
  CHECK(ChooseLanguage("EN", "zh-CN") == Lang::kEn);
  CHECK(ChooseLanguage("zh", "en-US,en") == Lang::kZh);  // the parameter wins
  CHECK(ChooseLanguage("fr", "en") == Lang::kEn);        // unknown parameter: the header decides
  CHECK(ChooseLanguage("", "en-US,en;q=0.9") == Lang::kEn);
  CHECK(ChooseLanguage("", "zh-CN,zh;q=0.9,en;q=0.8") == Lang::kZh);
  CHECK(ChooseLanguage("", "en;q=0.5, zh-TW;q=0.8") == Lang::kZh);
  CHECK(ChooseLanguage("", "en;q=0.9, zh;q=0.8") == Lang::kEn);
  CHECK(ChooseLanguage("", "en, zh") == Lang::kZh);  // a tie goes to Chinese
  CHECK(ChooseLanguage("", "en;q=0, zh;q=0.1") == Lang::kZh);
  CHECK(ChooseLanguage("", "fr-FR,fr;q=0.9") == Lang::kZh);
  CHECK(ChooseLanguage("", "de, en-GB;q=0.7") == Lang::kEn);
  CHECK(ChooseLanguage("", ";;;,q=abc") == Lang::kZh);
}
