// One strict reading of an HTTP/1.x request head (RFC 9112 §2-§7, RFC 9110 §5, §8.6), used by
// the event loops for every request before anything answers it or reads its body
// (event_loop_server.h). A pure function over bytes: no sockets, no allocation, no state kept
// between calls; every string_view in the result points into the bytes given.
//
//   RequestHeadParse p = ParseRequestHead(buffer, limits);
//   kIncomplete: the lines received so far are well-formed; call again with more bytes.
//   kComplete:   p.head_length bytes (request line, fields, final CRLF CRLF) form the head and
//                p.head holds what the server needs of it; any body follows.
//   kError:      p.status (400, 414, 431, 501, 505) and a stable p.reason slug with its texts;
//                the connection must be answered and closed (its framing cannot be trusted).
//
// What is refused, and why (a proxy in front may read the same bytes differently: request
// smuggling):
//  - a line ending in LF without CR, a CR not followed by LF, any other control character;
//  - a field line without a colon, an empty field name, whitespace before the colon, a
//    field line starting with whitespace (obs-fold), a name with characters outside tchar;
//  - a request line that is not `method SP target SP HTTP/x.y` with single spaces, a target not
//    starting with '/' (origin-form only: no proxy requests), a target with spaces or controls;
//  - HTTP/1.1 without Host, or with more than one Host, or a Host with whitespace;
//  - Content-Length that is not 1*DIGIT, overflows 64 bits, or appears more than once (even
//    twice with one value: RFC 9110 §8.6 lets a recipient refuse, nginx refuses too, and one
//    reading is what keeps the proxy and this server in step);
//  - Transfer-Encoding together with Content-Length (400), in an HTTP/1.0 request (400), more
//    than once, or with any coding other than a lone "chunked" (501);
//  - versions other than HTTP/1.0 and HTTP/1.1 (505; garbage is 400).
// Limits: a request line longer than `max_request_line` is 414; a head longer than
// `max_head_bytes` or with more than `max_fields` field lines is 431. Both are checked on an
// incomplete head too, so a caller never needs to buffer more than max_head_bytes + 1 bytes.
//
// Cost: one pass over the head with memchr per line and a table lookup per byte.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace agritrace::http {

struct HeadLimits {
  size_t max_request_line = 8 * 1024;  // bytes before the first CRLF; more: 414
  size_t max_head_bytes = 16 * 1024;   // the whole head with its final CRLF CRLF; more: 431
  size_t max_fields = 100;             // field lines; more: 431
};

// The request head's fields the server acts on. Absent fields are "".
struct RequestHead {
  std::string_view method;  // e.g. "GET" (case-sensitive, RFC 9110 §9.1)
  std::string_view target;  // as sent, starts with '/'
  std::string_view path;    // target before '?', not percent-decoded
  std::string_view query;   // after '?', may be empty
  int minor_version = 1;    // HTTP/1.<minor_version>: 0 or 1
  std::string_view host;
  uint64_t content_length = 0;
  bool has_content_length = false;
  bool chunked = false;           // Transfer-Encoding: chunked (the only coding accepted)
  bool connection_close = false;  // Connection lists "close"
  bool keep_alive = false;        // Connection lists "keep-alive" (HTTP/1.0)
  bool expect_continue = false;   // Expect: 100-continue
  bool upgrade = false;           // an Upgrade field is present
  std::string_view accept_language;
  std::string_view forwarded_for;  // the first X-Forwarded-For line
  uint32_t forwarded_for_lines = 0;
  std::string_view authorization;
  std::string_view cookie;  // the first Cookie line
  std::string_view origin;
  uint32_t fields = 0;  // field lines read

  // A body follows the head (Content-Length > 0 or chunked).
  bool has_body() const { return chunked || content_length > 0; }
  bool is_get_or_head() const { return method == "GET" || method == "HEAD"; }
};

struct RequestHeadParse {
  enum class State { kIncomplete, kComplete, kError };
  State state = State::kIncomplete;
  size_t head_length = 0;      // kComplete: bytes of the head, final CRLF CRLF included
  int status = 0;              // kError: 400, 414, 431, 501 or 505
  std::string_view reason;     // kError: stable slug, e.g. "bare-lf"
  const char* detail_zh = "";  // kError: what was wrong, for the answer's problem detail
  const char* detail_en = "";
  RequestHead head;  // kComplete: filled; otherwise partly filled, not to be used
};

// Reads the request head at the start of `bytes` (which may hold more: a body, the next
// request). See the file comment for what is refused.
RequestHeadParse ParseRequestHead(std::string_view bytes, const HeadLimits& limits);

}  // namespace agritrace::http
