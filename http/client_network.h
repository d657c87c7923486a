// Who is scanning, as little as we need to know (DESIGN.md §9): the client's network (/24 for
// IPv4, /48 for IPv6), used as the rate-limit key and, salted and hashed, as the scan's `net`.
// Client addresses themselves are never stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace agritrace::http {

// The address a request comes from. X-Forwarded-For is believed only when the peer is one of
// `trusted_proxies` (exact addresses); then the right-most entry not itself a trusted proxy is
// the client.
std::string ClientAddress(std::string_view peer, std::string_view forwarded_for,
                          const std::vector<std::string>& trusted_proxies);

// "203.0.113.0/24", "2001:db8:1::/48"; IPv4-mapped IPv6 counts as IPv4. Text that is not an
// address is returned unchanged (it still works as a key).
std::string NetworkOf(std::string_view address);

// hex SHA-256(salt ‖ network): the `net` column of scans.
std::string NetworkHash(std::string_view salt, std::string_view network);

}  // namespace agritrace::http
