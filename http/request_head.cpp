#include "http/request_head.h"

#include <array>
#include <cstring>

namespace agritrace::http {
namespace {

using State = RequestHeadParse::State;

// Byte classes, one table lookup each.
enum : uint8_t {
  kTchar = 1,   // token characters (RFC 9110 §5.6.2): field names, methods
  kVchar = 2,   // visible ASCII 0x21-0x7E: request targets
  kFvchar = 4,  // field-value bytes: VCHAR, obs-text (0x80-0xFF), SP, HTAB
};

constexpr std::array<uint8_t, 256> MakeClasses() {
  std::array<uint8_t, 256> t{};
  for (int c = 0x21; c <= 0x7e; ++c) t[c] |= kVchar | kFvchar;
  for (int c = 0x80; c <= 0xff; ++c) t[c] |= kFvchar;
  t[' '] |= kFvchar;
  t['\t'] |= kFvchar;
  for (int c = '0'; c <= '9'; ++c) t[c] |= kTchar;
  for (int c = 'a'; c <= 'z'; ++c) t[c] |= kTchar;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] |= kTchar;
  for (const char* p = "!#$%&'*+-.^_`|~"; *p; ++p) t[static_cast<unsigned char>(*p)] |= kTchar;
  return t;
}
constexpr std::array<uint8_t, 256> kClass = MakeClasses();

bool Is(char c, uint8_t cls) { return (kClass[static_cast<unsigned char>(c)] & cls) != 0; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// `s` equals the lower-case `lower`, ignoring case.
bool EqNoCase(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i)
    if (Lower(s[i]) != lower[i]) return false;
  return true;
}

std::string_view TrimOws(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

// True when the comma-separated list `v` holds `token` (case-insensitive).
bool ListHas(std::string_view v, std::string_view token) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    if (EqNoCase(TrimOws(v.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return false;
}

RequestHeadParse Fail(RequestHeadParse& p, int status, std::string_view reason, const char* zh,
                      const char* en) {
  p.state = State::kError;
  p.status = status;
  p.reason = reason;
  p.detail_zh = zh;
  p.detail_en = en;
  return p;
}

RequestHeadParse TooLarge(RequestHeadParse& p) {
  return Fail(p, 431, "head-too-large", "请求头过大，请减少请求头字段后重试",
              "the request head is too large; send fewer or shorter header fields");
}

RequestHeadParse BareLf(RequestHeadParse& p) {
  return Fail(p, 400, "bare-lf", "请求行或请求头须以 CRLF 结尾（发现单独的 LF 或 CR）",
              "request and field lines must end in CRLF (a bare LF or CR was found)");
}

// Reads "HTTP/d.d": 0 or 1 for the versions served, -1 for another well-formed version, -2 for
// garbage.
int MinorVersion(std::string_view v) {
  if (v.size() != 8 || v.substr(0, 5) != "HTTP/" || v[6] != '.' || v[5] < '0' || v[5] > '9' ||
      v[7] < '0' || v[7] > '9')
    return -2;
  if (v[5] == '1' && (v[7] == '0' || v[7] == '1')) return v[7] - '0';
  return -1;
}

// The request line (without CRLF) into p.head; false after Fail.
bool RequestLine(std::string_view line, RequestHeadParse& p) {
  RequestHead& h = p.head;
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || sp1 == 0) {
    Fail(p, 400, "request-line", "请求行应为“方法 路径 HTTP/1.1”",
         "the request line must be "
         "'METHOD target HTTP/1.1'");
    return false;
  }
  h.method = line.substr(0, sp1);
  h.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  for (char c : h.method)
    if (!Is(c, kTchar)) {
      Fail(p, 400, "request-method", "请求方法含有不允许的字符",
           "the request method has a character a token may not hold");
      return false;
    }
  if (h.target.empty() || h.target[0] != '/') {
    Fail(p, 400, "request-target", "请求路径须以 / 开头（不接受代理式的完整地址）",
         "the request target must start with '/' (absolute-form is not accepted)");
    return false;
  }
  for (char c : h.target)
    if (!Is(c, kVchar)) {
      Fail(p, 400, "request-target", "请求路径含有空格或控制字符，请先进行百分号编码",
           "the request target holds a space or control character; percent-encode it");
      return false;
    }
  int minor = MinorVersion(version);
  if (minor == -1) {
    Fail(p, 505, "http-version", "只支持 HTTP/1.0 和 HTTP/1.1",
         "only HTTP/1.0 and HTTP/1.1 are served");
    return false;
  }
  if (minor < 0) {
    Fail(p, 400, "request-line", "请求行应为“方法 路径 HTTP/1.1”",
         "the request line must be 'METHOD target HTTP/1.1'");
    return false;
  }
  h.minor_version = minor;
  size_t q = h.target.find('?');
  h.path = h.target.substr(0, q);
  if (q != std::string_view::npos) h.query = h.target.substr(q + 1);
  return true;
}

struct FieldState {
  uint32_t hosts = 0;
  uint32_t transfer_encodings = 0;
  bool transfer_encoding_chunked = false;
};

// One field line (without CRLF) into p.head; false after Fail.
bool FieldLine(std::string_view line, RequestHeadParse& p, FieldState& st) {
  RequestHead& h = p.head;
  if (line[0] == ' ' || line[0] == '\t') {
    Fail(p, 400, "obs-fold", "请求头不得以空白开头（已废弃的折行写法）",
         "a field line may not start with whitespace (obsolete line folding)");
    return false;
  }
  size_t colon = 0;
  while (colon < line.size() && Is(line[colon], kTchar)) ++colon;
  if (colon == line.size()) {
    Fail(p, 400, "field-colon", "请求头缺少冒号", "a field line has no colon");
    return false;
  }
  if (line[colon] != ':') {
    if (line[colon] == ' ' || line[colon] == '\t')
      Fail(p, 400, "field-name-space", "请求头名称与冒号之间不得有空白",
           "no whitespace is allowed between a field name and its colon");
    else
      Fail(p, 400, "field-name", "请求头名称含有不允许的字符",
           "a field name has a character a token may not hold");
    return false;
  }
  if (colon == 0) {
    Fail(p, 400, "field-name", "请求头名称为空", "a field name is empty");
    return false;
  }
  std::string_view name = line.substr(0, colon);
  std::string_view value = line.substr(colon + 1);
  for (char c : value)
    if (!Is(c, kFvchar)) {
      Fail(p, 400, "field-value", "请求头的值含有控制字符",
           "a field value holds a control character");
      return false;
    }
  value = TrimOws(value);
  switch (name.size()) {
    case 4:
      if (EqNoCase(name, "host")) {
        if (++st.hosts > 1) {
          Fail(p, 400, "host-duplicate", "请求含有多个 Host", "the request has more than one Host");
          return false;
        }
        if (value.find_first_of(" \t") != std::string_view::npos) {
          Fail(p, 400, "host-invalid", "Host 不得含有空白", "Host may not hold whitespace");
          return false;
        }
        h.host = value;
      }
      break;
    case 6:
      if (EqNoCase(name, "cookie")) {
        if (h.cookie.empty()) h.cookie = value;
      } else if (EqNoCase(name, "expect")) {
        h.expect_continue = EqNoCase(value, "100-continue");
      } else if (EqNoCase(name, "origin")) {
        h.origin = value;
      }
      break;
    case 7:
      if (EqNoCase(name, "upgrade")) h.upgrade = true;
      break;
    case 10:
      if (EqNoCase(name, "connection")) {
        if (ListHas(value, "close")) h.connection_close = true;
        if (ListHas(value, "keep-alive")) h.keep_alive = true;
      }
      break;
    case 13:
      if (EqNoCase(name, "authorization") && h.authorization.empty()) h.authorization = value;
      break;
    case 14:
      if (EqNoCase(name, "content-length")) {
        if (h.has_content_length) {
          Fail(p, 400, "content-length-duplicate", "请求含有多个 Content-Length",
               "the request has more than one Content-Length");
          return false;
        }
        if (value.empty()) {
          Fail(p, 400, "content-length", "Content-Length 应为十进制数字",
               "Content-Length must be decimal digits");
          return false;
        }
        uint64_t n = 0;
        for (char c : value) {
          if (c < '0' || c > '9') {
            Fail(p, 400, "content-length", "Content-Length 应为十进制数字",
                 "Content-Length must be decimal digits");
            return false;
          }
          if (__builtin_mul_overflow(n, 10, &n) ||
              __builtin_add_overflow(n, static_cast<uint64_t>(c - '0'), &n)) {
            Fail(p, 400, "content-length-overflow", "Content-Length 数值过大",
                 "Content-Length is too large to be read");
            return false;
          }
        }
        h.content_length = n;
        h.has_content_length = true;
      }
      break;
    case 15:
      if (EqNoCase(name, "accept-language")) {
        h.accept_language = value;
      } else if (EqNoCase(name, "x-forwarded-for")) {
        if (h.forwarded_for_lines++ == 0) h.forwarded_for = value;
      }
      break;
    case 17:
      if (EqNoCase(name, "transfer-encoding")) {
        ++st.transfer_encodings;
        st.transfer_encoding_chunked = EqNoCase(value, "chunked");
      }
      break;
    default:
      break;
  }
  return true;
}

}  // namespace

RequestHeadParse ParseRequestHead(std::string_view bytes, const HeadLimits& limits) {
  RequestHeadParse p;
  // Never look past the limit: what is beyond it cannot belong to an acceptable head.
  const std::string_view window = bytes.substr(0, limits.max_head_bytes);
  const bool more_than_window = bytes.size() > window.size();

  // RFC 9112 §2.2: empty lines before the request line are ignored.
  size_t pos = 0;
  while (window.size() - pos >= 2 && window[pos] == '\r' && window[pos + 1] == '\n') pos += 2;

  // The request line.
  const char* nl =
      static_cast<const char*>(std::memchr(window.data() + pos, '\n', window.size() - pos));
  if (nl == nullptr) {
    if (window.size() - pos > limits.max_request_line + 1)
      return Fail(p, 414, "uri-too-long", "请求行过长，请缩短地址",
                  "the request line is too long; "
                  "shorten the address");
    if (more_than_window) return TooLarge(p);
    return p;  // incomplete
  }
  size_t eol = static_cast<size_t>(nl - window.data());
  if (eol == pos || window[eol - 1] != '\r') return BareLf(p);
  std::string_view line = window.substr(pos, eol - 1 - pos);
  if (line.size() > limits.max_request_line)
    return Fail(p, 414, "uri-too-long", "请求行过长，请缩短地址",
                "the request line is too long; shorten the address");
  if (!RequestLine(line, p)) return p;
  pos = eol + 1;

  // Field lines up to the empty line.
  FieldState st;
  RequestHead& h = p.head;
  for (;;) {
    nl = static_cast<const char*>(std::memchr(window.data() + pos, '\n', window.size() - pos));
    if (nl == nullptr) {
      if (more_than_window) return TooLarge(p);
      return p;  // incomplete
    }
    eol = static_cast<size_t>(nl - window.data());
    if (eol == pos || window[eol - 1] != '\r') return BareLf(p);
    line = window.substr(pos, eol - 1 - pos);
    pos = eol + 1;
    if (line.empty()) break;
    if (++h.fields > limits.max_fields)
      return Fail(p, 431, "too-many-fields", "请求头字段过多，请减少请求头字段后重试",
                  "the request has too many header fields; send fewer");
    if (!FieldLine(line, p, st)) return p;
  }

  // The head is whole: check what depends on several fields.
  if (h.minor_version == 1 && st.hosts == 0)
    return Fail(p, 400, "host-missing", "HTTP/1.1 请求必须带 Host",
                "an HTTP/1.1 request needs Host");
  if (st.transfer_encodings > 0) {
    if (h.has_content_length)
      return Fail(p, 400, "transfer-encoding-with-length",
                  "请求不能同时带 Transfer-Encoding 和 Content-Length",
                  "a request may not carry both Transfer-Encoding and Content-Length");
    if (h.minor_version == 0)
      return Fail(p, 400, "transfer-encoding-http10", "HTTP/1.0 请求不能带 Transfer-Encoding",
                  "an HTTP/1.0 request may not carry Transfer-Encoding");
    if (st.transfer_encodings > 1 || !st.transfer_encoding_chunked)
      return Fail(p, 501, "transfer-encoding", "只支持 Transfer-Encoding: chunked",
                  "only Transfer-Encoding: chunked is understood");
    h.chunked = true;
  }
  p.state = State::kComplete;
  p.head_length = pos;
  return p;
}

}  // namespace agritrace::http
