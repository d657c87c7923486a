// UTF-8 to GBK through glibc iconv: TSPL printers' simplified-Chinese font (TSS24.BF2) reads GBK
// bytes. One converter holds one iconv_t; it is not thread-safe, so keep one per thread.
#pragma once

#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace::labeler {

class GbkConverter {
 public:
  GbkConverter();
  ~GbkConverter();
  GbkConverter(const GbkConverter&) = delete;
  GbkConverter& operator=(const GbkConverter&) = delete;

  // GBK bytes of `utf8`. A character GBK lacks (an emoji, say) becomes '?'; Status::Io only if
  // the C library has no GBK converter at all.
  Result<std::string> Convert(std::string_view utf8);

 private:
  void* cd_;  // iconv_t
};

}  // namespace agritrace::labeler
