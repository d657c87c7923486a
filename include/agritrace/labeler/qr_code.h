// QR symbols through libqrencode (ISO/IEC 18004). One QrCode owns one QRcode* and frees it.
#pragma once

#include <qrencode.h>

#include <memory>
#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace::labeler {

// Error-correction level: L 7 %, M 15 %, Q 25 %, H 30 % of codewords recoverable.
enum class EccLevel { kL, kM, kQ, kH };

// 'L', 'M', 'Q' or 'H': the letter ZPL and TSPL use.
char EccLetter(EccLevel ecc);
// Parses "L", "m", … (one letter, any case).
Result<EccLevel> ParseEccLevel(std::string_view text);

// True when every character is in the QR alphanumeric set 0-9 A-Z space $ % * + - . / :
bool IsQrAlphanumeric(std::string_view text);

class QrCode {
 public:
  // What labels carry: QRcode_encodeString(text, 0, ecc, QR_MODE_8, case-sensitive), which
  // picks the smallest version and splits the text into numeric/alphanumeric/8-bit segments.
  static Result<QrCode> Encode(std::string_view text, EccLevel ecc);

  // One segment in one mode: alphanumeric when IsQrAlphanumeric(text), else 8-bit. Printer
  // languages are told to encode exactly this (ZPL and TSPL manual mode), so the host knows the
  // symbol's size without trusting the printer's own mode choice.
  static Result<QrCode> EncodeSingleMode(std::string_view text, EccLevel ecc);

  // Version of EncodeSingleMode(text, ecc), cached by (length, mode, ecc): cheap per label.
  static Result<int> SingleModeVersion(std::string_view text, EccLevel ecc);

  // Modules per side of a version (17 + 4 × version), quiet zone not included.
  static int WidthOfVersion(int version) { return 17 + 4 * version; }

  int version() const { return code_->version; }
  // Modules per side, quiet zone not included.
  int width() const { return code_->width; }
  // True for a dark module; 0 <= x, y < width().
  bool dark(int x, int y) const { return code_->data[y * code_->width + x] & 1; }
  // Calls fn(x, y, length) for each horizontal run of dark modules, row by row, left to right:
  // how every vector format draws the symbol.
  template <typename Fn>
  void ForEachDarkRun(Fn&& fn) const {
    const int n = code_->width;
    const unsigned char* row = code_->data;
    for (int y = 0; y < n; ++y, row += n) {
      for (int x = 0; x < n;) {
        if (!(row[x] & 1)) {
          ++x;
          continue;
        }
        const int start = x;
        while (++x < n && (row[x] & 1)) {
        }
        fn(start, y, x - start);
      }
    }
  }

 private:
  struct Free {
    void operator()(QRcode* code) const { QRcode_free(code); }
  };
  explicit QrCode(QRcode* code) : code_(code) {}
  std::unique_ptr<QRcode, Free> code_;
};

}  // namespace agritrace::labeler
