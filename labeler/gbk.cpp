#include "labeler/gbk.h"

#include <iconv.h>

#include <cerrno>
#include <cstdint>

#include "labeler/utf8.h"

namespace agritrace::labeler {

namespace {
const iconv_t kNoConverter = reinterpret_cast<iconv_t>(static_cast<intptr_t>(-1));
}

GbkConverter::GbkConverter() : cd_(iconv_open("GBK", "UTF-8")) {}

GbkConverter::~GbkConverter() {
  if (static_cast<iconv_t>(cd_) != kNoConverter) iconv_close(static_cast<iconv_t>(cd_));
}

Result<std::string> GbkConverter::Convert(std::string_view utf8) {
  const auto cd = static_cast<iconv_t>(cd_);
  if (cd == kNoConverter) {
    return Status::Io("系统缺少 UTF-8 到 GBK 的转换（glibc iconv）",
                      "the C library cannot convert UTF-8 to GBK (glibc iconv)");
  }
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // initial state
  std::string out(utf8.size() * 2 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* dst = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(cd, &in, &in_left, &dst, &out_left) != static_cast<size_t>(-1)) break;
    if (errno == EILSEQ || errno == EINVAL) {
      // Not representable in GBK, or malformed UTF-8: one '?' for the whole character.
      size_t pos = static_cast<size_t>(in - utf8.data());
      NextCodePoint(utf8, &pos);
      const size_t skipped = pos - static_cast<size_t>(in - utf8.data());
      in += skipped;
      in_left -= skipped;
      *dst++ = '?';
      --out_left;
    } else {
      return Status::Io("GBK 转换失败", "converting to GBK failed");  // E2BIG cannot happen
    }
  }
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace agritrace::labeler
