#include "http/http_response.h"

#include <httplib.h>

#include <cctype>

namespace agritrace::http {

void SetProblem(httplib::Response& res, const Problem& p, std::string_view instance) {
  res.status = p.status;
  res.set_content(ProblemBody(p, instance), std::string(kProblemContentType));
  res.set_header("Content-Language", "zh-CN, en");
  res.set_header("Cache-Control", "no-store");
}

void SetStatusProblem(httplib::Response& res, const Status& status, std::string_view instance) {
  SetProblem(res, ProblemFromStatus(status), instance);
}

void SetJson(httplib::Response& res, const Json& body, int status) {
  res.status = status;
  res.set_content(DumpJson(body), "application/json; charset=utf-8");
  res.set_header("Cache-Control", "no-store");
}

void SetPage(httplib::Response& res, int status, std::string html, Lang lang) {
  res.status = status;
  res.set_content(std::move(html), "text/html; charset=utf-8");
  res.set_header("Content-Security-Policy", kPageCsp);
  res.set_header("Content-Language", HtmlLangTag(lang));
  res.set_header("Vary", "Accept-Language");
  res.set_header("Cache-Control", "no-store");
}

std::string DumpJson(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace agritrace::http
