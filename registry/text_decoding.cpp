#include "agritrace/registry/text_decoding.h"

#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

namespace agritrace {
namespace {

// 1-based line of the byte at `offset`.
size_t LineAt(std::string_view text, size_t offset) {
  return 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + offset, '\n'));
}

Status Undecodable(std::string_view bytes, size_t offset) {
  const std::string line = std::to_string(LineAt(bytes, offset));
  return Status::Invalid("第 " + line +
                             " 行：文字既不是 UTF-8 也不是 GBK/GB18030 编码，文件可能已损坏；请用 "
                             "Excel 另存为“CSV UTF-8”或 .xlsx 后再导入（文件未导入）",
                         "line " + line +
                             ": the text is neither UTF-8 nor GBK/GB18030; the file may be "
                             "damaged: save it from Excel as 'CSV UTF-8' or .xlsx and import "
                             "again (nothing imported)")
      .with_reason("text-encoding");
}

// Valid UTF-8 whose non-ASCII characters all take two bytes.
bool OnlyTwoByteUtf8(std::string_view s) {
  bool any = false;
  for (unsigned char c : s) {
    if (c >= 0xE0) return false;
    if (c >= 0xC0) any = true;
  }
  return any;
}

struct Iconv {
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  ~Iconv() {
    if (cd != reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1))) iconv_close(cd);
  }
  bool ok() const { return cd != reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1)); }
};

// GB18030 to UTF-8; on a byte sequence GB18030 lacks, its offset in *bad.
Result<std::string> FromGb18030(std::string_view bytes, size_t* bad) {
  Iconv conv;
  if (!conv.ok())
    return Status::Io("系统缺少 GB18030 到 UTF-8 的转换（glibc iconv）",
                      "the C library cannot convert GB18030 to UTF-8 (glibc iconv)");
  std::string out;
  // Two GB18030 bytes make at most three UTF-8 bytes, four make four: 2× is always enough.
  out.resize(bytes.size() * 2 + 4);
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* dst = out.data();
  size_t out_left = out.size();
  if (iconv(conv.cd, &in, &in_left, &dst, &out_left) == static_cast<size_t>(-1)) {
    *bad = static_cast<size_t>(in - bytes.data());
    return Status::Invalid("", "").with_reason("text-encoding");
  }
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace

size_t Utf8ValidPrefix(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80          ? 1
                       : (c >> 5) == 0x6  ? 2
                       : (c >> 4) == 0xE  ? 3
                       : (c >> 3) == 0x1E ? 4
                                          : 0;
    if (len == 0 || len > s.size() - i) return i;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return s.size();
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsUtf8(std::string_view s) { return Utf8ValidPrefix(s) == s.size(); }

Result<std::string> DecodeSpreadsheetText(std::string_view bytes) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
    // A BOM says UTF-8 outright: a bad byte after it is damage, not GBK.
    if (const size_t good = Utf8ValidPrefix(bytes); good != bytes.size())
      return Undecodable(bytes, good);
    return std::string(bytes);
  }
  if (bytes.substr(0, 2) == "\xFF\xFE" || bytes.substr(0, 2) == "\xFE\xFF") {
    return Status::Invalid("第 1 行：这是 UTF-16 文本（Excel 的“Unicode 文本”）：请另存为“CSV "
                           "UTF-8”或 .xlsx 后再导入（文件未导入）",
                           "line 1: this is UTF-16 text (Excel's 'Unicode text'): save it as "
                           "'CSV UTF-8' or .xlsx and import again (nothing imported)")
        .with_reason("text-encoding");
  }
  size_t bad = 0;
  if (IsUtf8(bytes)) {
    if (OnlyTwoByteUtf8(bytes)) {
      Result<std::string> gb = FromGb18030(bytes, &bad);
      if (gb.ok()) return gb;
    }
    return std::string(bytes);
  }
  Result<std::string> gb = FromGb18030(bytes, &bad);
  if (!gb.ok() && gb.status().code() == StatusCode::kInvalid) return Undecodable(bytes, bad);
  return gb;
}

}  // namespace agritrace
