// Client networks: /24 and /48 keys, trusted proxies only, salted hashes.
#include "http/client_network.h"

#include <catch2/catch.hpp>

using namespace agritrace::http;

TEST_CASE("client network of an address", "[network]") {
  CHECK(NetworkOf("203.0.113.77") == "203.0.113.0/24");
  CHECK(NetworkOf("203.0.113.1") == NetworkOf("203.0.113.254"));
  CHECK(NetworkOf("203.0.114.1") != NetworkOf("203.0.113.1"));
  CHECK(NetworkOf("::ffff:198.51.100.9") == "198.51.100.0/24");
  CHECK(NetworkOf("2001:db8:1:2:3::9") == "2001:db8:1::/48");
  CHECK(NetworkOf("2001:db8:1:ffff::1") == NetworkOf("2001:db8:1::2"));
  CHECK(NetworkOf("not an address") == "not an address");
}

TEST_CASE("X-Forwarded-For is believed only from trusted proxies", "[network]") {
  std::vector<std::string> trusted = {"10.0.0.1", "10.0.0.2"};
  CHECK(ClientAddress("198.51.100.1", "203.0.113.5", trusted) == "198.51.100.1");
  CHECK(ClientAddress("10.0.0.1", "203.0.113.5", trusted) == "203.0.113.5");
  CHECK(ClientAddress("10.0.0.1", "", trusted) == "10.0.0.1");
  // A client may prepend anything; the right-most untrusted hop is the one the proxy saw.
  CHECK(ClientAddress("10.0.0.1", "1.2.3.4, 203.0.113.5", trusted) == "203.0.113.5");
  CHECK(ClientAddress("10.0.0.1", "203.0.113.5, 10.0.0.2", trusted) == "203.0.113.5");
  CHECK(ClientAddress("10.0.0.1", " , 10.0.0.2", trusted) == "10.0.0.1");
  CHECK(ClientAddress("10.0.0.1", "203.0.113.5", {}) == "10.0.0.1");
}

TEST_CASE("network hashes are salted SHA-256", "[network]") {
  std::string a = NetworkHash("salt-1", "203.0.113.0/24");
  CHECK(a.size() == 64);
  CHECK(a == NetworkHash("salt-1", "203.0.113.0/24"));
  CHECK(a != NetworkHash("salt-2", "203.0.113.0/24"));
  CHECK(a != NetworkHash("salt-1", "203.0.114.0/24"));
  // SHA-256("abc") with an empty salt.
  CHECK(NetworkHash("", "abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
