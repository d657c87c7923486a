#include "agritrace/registry/crockford.h"

#include <openssl/rand.h>
#include <pthread.h>

#include <stdexcept>

namespace agritrace::crockford {

int Value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  auto pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

std::string Normalize(std::string_view input) {
  std::string out;
  out.reserve(input.size());
  for (char c : input) {
    if (c == '-' || c == ' ' || c == '\t') continue;
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c == 'O') c = '0';
    if (c == 'I' || c == 'L') c = '1';
    out.push_back(c);
  }
  return out;
}

// Luhn mod N as in the generic algorithm: double every second value counting from the right.
char CheckChar(std::string_view payload) {
  constexpr int n = 32;
  int factor = 2, sum = 0;
  for (size_t i = payload.size(); i-- > 0;) {
    int addend = factor * Value(payload[i]);
    factor = factor == 2 ? 1 : 2;
    sum += addend / n + addend % n;
  }
  return kAlphabet[(n - sum % n) % n];
}

bool CheckValid(std::string_view code) {
  if (code.size() < 2) return false;
  for (char c : code)
    if (Value(c) < 0) return false;
  return CheckChar(code.substr(0, code.size() - 1)) == code.back();
}

std::string EncodeBytes(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() * 8 + 4) / 5);
  uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out.push_back(kAlphabet[(acc >> bits) & 31]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 31]);
  return out;
}

std::optional<std::string> DecodeBytes(std::string_view digits, size_t bytes) {
  if (digits.size() != (bytes * 8 + 4) / 5) return std::nullopt;
  std::string out;
  out.reserve(bytes);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : digits) {
    int v = Value(c);
    if (v < 0) return std::nullopt;
    acc = (acc << 5) | static_cast<uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return std::nullopt;  // padding must be zero
  return out;
}

namespace {

// Random bytes drawn from the CSPRNG 4 KB at a time: minting a million codes asked for 15 bytes
// a million times, and each RAND_bytes call costs more than the bytes. Per thread; a forked
// child drops its copy (pthread_atfork), so it never hands out its parent's bytes again.
struct RandomPool {
  unsigned char bytes[4096];
  size_t used = sizeof bytes;
};
thread_local RandomPool t_pool;

void DropPoolInChild() { t_pool.used = sizeof t_pool.bytes; }

unsigned char NextRandomByte() {
  static const bool registered = pthread_atfork(nullptr, nullptr, DropPoolInChild) == 0;
  (void)registered;
  if (t_pool.used == sizeof t_pool.bytes) {
    if (RAND_bytes(t_pool.bytes, sizeof t_pool.bytes) != 1)
      throw std::runtime_error("OS CSPRNG unavailable");
    t_pool.used = 0;
  }
  unsigned char b = t_pool.bytes[t_pool.used];
  t_pool.bytes[t_pool.used++] = 0;  // handed out once, then wiped
  return b;
}

}  // namespace

std::string Random(size_t count) {
  std::string out(count, '0');
  for (size_t i = 0; i < count; ++i) out[i] = kAlphabet[NextRandomByte() & 31];
  return out;
}

std::string Group(std::string_view code, size_t group) {
  std::string out;
  for (size_t i = 0; i < code.size(); ++i) {
    if (i && i % group == 0) out.push_back('-');
    out.push_back(code[i]);
  }
  return out;
}

}  // namespace agritrace::crockford
