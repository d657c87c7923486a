// Errors as RFC 9457 application/problem+json, in Chinese and English
// (schemas/problem.schema.json):
//   {"type": "urn:agritrace:problem:<slug>", "status": 429,
//    "title": "请求过于频繁", "title_en": "Too many requests",
//    "detail": "中文说明 / English explanation", "detail_zh": "…", "detail_en": "…",
//    "instance": "/q/…"}
// `title` and `detail` are the members RFC 9457 defines; the _zh/_en members let a client show
// one language.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace::http {

struct Problem {
  int status = 500;
  std::string slug;  // the tail of `type`, e.g. "rate-limited"
  std::string title_zh, title_en;
  std::string detail_zh, detail_en;
};

inline constexpr std::string_view kProblemContentType = "application/problem+json";

// The standard problem for an HTTP status the server answers with (400, 404, 405, 413, 414,
// 429, 500, 503 …); an unknown status gets a generic text.
Problem ProblemForStatus(int status);

// A problem from a registry Status: its reason becomes the slug, its texts the detail.
Problem ProblemFromStatus(const Status& status);

// The JSON body. `instance` is the request path (may be empty).
std::string ProblemBody(const Problem& problem, std::string_view instance);

}  // namespace agritrace::http
