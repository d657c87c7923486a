#include "agritrace/labeler/qr_code.h"

#include <cerrno>
#include <map>
#include <mutex>
#include <tuple>

namespace agritrace::labeler {
namespace {

QRecLevel ToLibLevel(EccLevel ecc) {
  switch (ecc) {
    case EccLevel::kL:
      return QR_ECLEVEL_L;
    case EccLevel::kM:
      return QR_ECLEVEL_M;
    case EccLevel::kQ:
      return QR_ECLEVEL_Q;
    case EccLevel::kH:
      return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

Status EncodeFailure(size_t length) {
  if (errno == ERANGE) {
    return Status::Invalid(
        "二维码内容太长（" + std::to_string(length) + " 个字节），放不进一个二维码",
        "the QR text is too long (" + std::to_string(length) + " bytes) for one QR code");
  }
  if (errno == ENOMEM) return Status::Io("二维码编码内存不足", "out of memory encoding a QR code");
  return Status::Invalid("二维码内容无法编码", "the QR text cannot be encoded");
}

struct InputFree {
  void operator()(QRinput* input) const { QRinput_free(input); }
};

}  // namespace

char EccLetter(EccLevel ecc) {
  static constexpr char kLetters[] = {'L', 'M', 'Q', 'H'};
  return kLetters[static_cast<int>(ecc)];
}

Result<EccLevel> ParseEccLevel(std::string_view text) {
  if (text.size() == 1) {
    switch (text[0]) {
      case 'L':
      case 'l':
        return EccLevel::kL;
      case 'M':
      case 'm':
        return EccLevel::kM;
      case 'Q':
      case 'q':
        return EccLevel::kQ;
      case 'H':
      case 'h':
        return EccLevel::kH;
    }
  }
  return Status::Invalid(
      "纠错等级应为 L、M、Q 或 H，而不是「" + std::string(text) + "」",
      "the error-correction level must be L, M, Q or H, not '" + std::string(text) + "'");
}

bool IsQrAlphanumeric(std::string_view text) {
  for (char c : text) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == ' ' || c == '$' ||
                    c == '%' || c == '*' || c == '+' || c == '-' || c == '.' || c == '/' ||
                    c == ':';
    if (!ok) return false;
  }
  return true;
}

Result<QrCode> QrCode::Encode(std::string_view text, EccLevel ecc) {
  const std::string z(text);  // libqrencode wants a NUL-terminated string
  errno = 0;
  QRcode* code = QRcode_encodeString(z.c_str(), 0, ToLibLevel(ecc), QR_MODE_8, 1);
  if (code == nullptr) return EncodeFailure(text.size());
  return QrCode(code);
}

Result<QrCode> QrCode::EncodeSingleMode(std::string_view text, EccLevel ecc) {
  std::unique_ptr<QRinput, InputFree> input(QRinput_new2(0, ToLibLevel(ecc)));
  if (!input) return Status::Io("二维码编码内存不足", "out of memory encoding a QR code");
  const QRencodeMode mode = IsQrAlphanumeric(text) ? QR_MODE_AN : QR_MODE_8;
  errno = 0;
  if (QRinput_append(input.get(), mode, static_cast<int>(text.size()),
                     reinterpret_cast<const unsigned char*>(text.data())) != 0) {
    return EncodeFailure(text.size());
  }
  QRcode* code = QRcode_encodeInput(input.get());
  if (code == nullptr) return EncodeFailure(text.size());
  return QrCode(code);
}

Result<int> QrCode::SingleModeVersion(std::string_view text, EccLevel ecc) {
  using Key = std::tuple<size_t, bool, EccLevel>;
  static std::mutex mu;
  static std::map<Key, int> cache;
  const Key key{text.size(), IsQrAlphanumeric(text), ecc};
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end()) return it->second;
  }
  Result<QrCode> code = EncodeSingleMode(text, ecc);
  if (!code.ok()) return code.status();
  std::lock_guard<std::mutex> lock(mu);
  cache[key] = code->version();
  return code->version();
}

}  // namespace agritrace::labeler
