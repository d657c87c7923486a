// The URLs that QR codes on labels carry (DESIGN.md §5, docs/formats/code.md). Everything is
// upper-cased so that libqrencode encodes the whole URL in alphanumeric mode: with a base URL of
// up to 30 characters a unit QR is version 3 or less at ECC M. The server therefore answers
// /q/ and /Q/ alike and must treat the base path case-insensitively.
#pragma once

#include <string>
#include <string_view>

namespace agritrace::labeler {

// "{BASE}/Q/{CODE}" for a normalised unit code. A trailing '/' of `base` is dropped.
std::string UnitUrl(std::string_view base, std::string_view code);
// "{BASE}/Q/{LOT}" for a normalised lot code: one path for both, the length tells them apart.
std::string LotUrl(std::string_view base, std::string_view lot_code);
// "{BASE}/H/{NUMBER}" for a 承诺达标合格证's number (registry/hgz.h): its page. 11 characters,
// so with a base URL of up to 30 characters the QR is version 3 or less at ECC M.
std::string HgzUrl(std::string_view base, std::string_view number);
// The origin of a URL as a label prints it: scheme, host and port, upper case, no path and no
// trailing '/' ("https://v.example.cn:8443/t/" gives "HTTPS://V.EXAMPLE.CN:8443"). Without
// "://" the text up to its first '/' (a bare host). Offline-signed labels sign it.
std::string LabelOrigin(std::string_view url);
// "{BASE}/S/{SEGMENT}" for an offline-signed label's segment (offline_label.h), upper-cased.
std::string SignedLabelUrl(std::string_view base, std::string_view segment);
// "{BASE}/01/{GTIN14}/10/{LOT}/21/{CODE}": GS1 Digital Link with qualifiers in the standard's
// order. Characters outside A-Z 0-9 - . _ ~ in the lot are percent-encoded.
std::string Gs1DigitalLinkUrl(std::string_view base, std::string_view gtin14, std::string_view lot,
                              std::string_view code);

}  // namespace agritrace::labeler
