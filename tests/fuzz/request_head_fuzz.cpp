// The event loops' reading of a request head (http/request_head.h), fed any bytes, under the
// default limits and under tiny ones (so the 414/431 paths are reached by short inputs).
// Besides not crashing: every view points into the input; a complete head ends in CRLF CRLF
// within the limits, parses the same alone as with what follows it, and never carries both
// framings; an incomplete one is never longer than the head limit (what bounds the loop's
// buffer); an error is one of the statuses the loop answers, with its reason and texts.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/request_head.h"
#include "tests/fuzz/fuzz_check.h"

using agritrace::http::HeadLimits;
using agritrace::http::ParseRequestHead;
using agritrace::http::RequestHeadParse;

namespace {

bool Inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;
  return part.data() >= whole.data() && part.data() + part.size() <= whole.data() + whole.size();
}

// RFC 9112 §2.2: empty lines before the request line are ignored, so they are skipped here too.
size_t LeadingEmptyLines(std::string_view in) {
  size_t pos = 0;
  while (in.size() - pos >= 2 && in[pos] == '\r' && in[pos + 1] == '\n') pos += 2;
  return pos;
}

void Check(std::string_view in, const HeadLimits& limits) {
  const RequestHeadParse p = ParseRequestHead(in, limits);
  const size_t lead = LeadingEmptyLines(in);
  using State = RequestHeadParse::State;
  switch (p.state) {
    case State::kIncomplete:
      FUZZ_CHECK(in.size() <= limits.max_head_bytes);
      FUZZ_CHECK(in.find("\r\n\r\n", lead) == std::string_view::npos);
      return;
    case State::kError:
      FUZZ_CHECK(p.status == 400 || p.status == 414 || p.status == 431 || p.status == 501 ||
                 p.status == 505);
      FUZZ_CHECK(!p.reason.empty());
      FUZZ_CHECK(p.detail_zh != nullptr && std::strlen(p.detail_zh) > 0);
      FUZZ_CHECK(p.detail_en != nullptr && std::strlen(p.detail_en) > 0);
      return;
    case State::kComplete:
      break;
  }
  const auto& h = p.head;
  FUZZ_CHECK(p.head_length >= lead + 4 && p.head_length <= in.size());
  FUZZ_CHECK(p.head_length <= limits.max_head_bytes);
  FUZZ_CHECK(in.substr(p.head_length - 4, 4) == "\r\n\r\n");
  FUZZ_CHECK(in.substr(0, p.head_length - 2).find("\r\n\r\n", lead) == std::string_view::npos);
  FUZZ_CHECK(h.fields <= limits.max_fields);
  FUZZ_CHECK(!(h.chunked && h.has_content_length));
  FUZZ_CHECK(h.minor_version == 0 || h.minor_version == 1);
  FUZZ_CHECK(!h.method.empty() && !h.target.empty() && h.target[0] == '/');
  FUZZ_CHECK(h.target.find_first_of(" \r\n") == std::string_view::npos);
  FUZZ_CHECK(h.path.size() <= h.target.size() && h.target.substr(0, h.path.size()) == h.path);
  const std::string_view head = in.substr(0, p.head_length);
  for (std::string_view v : {h.method, h.target, h.path, h.query, h.host, h.accept_language,
                             h.forwarded_for, h.authorization, h.cookie, h.origin})
    FUZZ_CHECK(Inside(v, head));

  // The head alone reads the same: what follows it (a body, the next request) changes nothing.
  const RequestHeadParse alone = ParseRequestHead(head, limits);
  FUZZ_CHECK(alone.state == RequestHeadParse::State::kComplete);
  FUZZ_CHECK(alone.head_length == p.head_length);
  FUZZ_CHECK(alone.head.content_length == h.content_length && alone.head.chunked == h.chunked);
  // Any shorter prefix is not a complete head.
  const RequestHeadParse cut = ParseRequestHead(head.substr(0, p.head_length - 1), limits);
  FUZZ_CHECK(cut.state != RequestHeadParse::State::kComplete);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  Check(in, HeadLimits{});
  Check(in, HeadLimits{.max_request_line = 48, .max_head_bytes = 160, .max_fields = 4});
  return 0;
}
