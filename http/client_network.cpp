#include "http/client_network.h"

#include <arpa/inet.h>

#include <cstdio>

#include "agritrace/registry/encoding.h"

namespace agritrace::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool Trusted(std::string_view address, const std::vector<std::string>& trusted) {
  for (const auto& t : trusted)
    if (t == address) return true;
  return false;
}

}  // namespace

std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies) {
  if (forwarded_for.empty() || !Trusted(peer, trusted_proxies)) return std::string(peer);
  // Walk from the right: entries left of the first untrusted hop are client-controlled.
  std::string_view rest = forwarded_for;
  while (!rest.empty()) {
    size_t comma = rest.rfind(',');
    std::string_view hop = Trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
    if (hop.empty()) continue;
    if (!Trusted(hop, trusted_proxies)) return std::string(hop);
  }
  return std::string(peer);
}

std::string NetworkOf(std::string_view address) {
  std::string text(address);
  if (text.rfind("::ffff:", 0) == 0 && text.find('.') != std::string::npos) text = text.substr(7);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    const auto* b = reinterpret_cast<const unsigned char*>(&v4.s_addr);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.0/24", b[0], b[1], b[2]);
    return buf;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    for (int i = 6; i < 16; ++i) v6.s6_addr[i] = 0;
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &v6, buf, sizeof buf);
    return std::string(buf) + "/48";
  }
  return text;
}

std::string NetworkHash(std::string_view salt, std::string_view network) {
  std::string data(salt);
  data.append(network);
  return HexEncode(Sha256(data));
}

}  // namespace agritrace::http
