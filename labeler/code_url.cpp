#include "agritrace/labeler/code_url.h"

namespace agritrace::labeler {
namespace {

void AppendUpper(std::string_view s, std::string* out) {
  for (char c : s) out->push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
}

std::string Base(std::string_view base) {
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string out;
  out.reserve(base.size() + 64);
  AppendUpper(base, &out);
  return out;
}

// Percent-encodes a path segment (RFC 3986 unreserved characters pass), upper-case hex so the
// result stays in the QR alphanumeric set where it can.
void AppendSegment(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
                            (c >= 'a' && c <= 'z') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out->push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : ch);
    } else {
      out->push_back('%');
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 15]);
    }
  }
}

}  // namespace

std::string UnitUrl(std::string_view base, std::string_view code) {
  std::string url = Base(base);
  url += "/Q/";
  AppendSegment(code, &url);
  return url;
}

std::string HgzUrl(std::string_view base, std::string_view number) {
  std::string url = Base(base);
  url += "/H/";
  AppendSegment(number, &url);
  return url;
}

std::string LotUrl(std::string_view base, std::string_view lot_code) {
  return UnitUrl(base, lot_code);
}

std::string LabelOrigin(std::string_view url) {
  const size_t scheme = url.find("://");
  const size_t host = scheme == std::string_view::npos ? 0 : scheme + 3;
  url = url.substr(0, url.find_first_of("/?#", host));
  std::string out;
  AppendUpper(url, &out);
  return out;
}

std::string SignedLabelUrl(std::string_view base, std::string_view segment) {
  std::string url = Base(base);
  url += "/S/";
  AppendSegment(segment, &url);
  return url;
}

std::string Gs1DigitalLinkUrl(std::string_view base, std::string_view gtin14, std::string_view lot,
                              std::string_view code) {
  std::string url = Base(base);
  url += "/01/";
  AppendSegment(gtin14, &url);
  url += "/10/";
  AppendSegment(lot, &url);
  url += "/21/";
  AppendSegment(code, &url);
  return url;
}

}  // namespace agritrace::labeler
