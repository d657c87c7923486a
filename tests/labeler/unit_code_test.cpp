#include "agritrace/labeler/unit_code.h"

#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <unistd.h>

#include <set>

#include "agritrace/labeler/code_parser.h"
#include "agritrace/registry/crockford.h"

namespace agritrace::labeler {
namespace {

TEST_CASE("minted unit codes are 16 alphabet characters with a valid check", "[unit_code]") {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    const std::string code = MintUnitCode();
    REQUIRE(code.size() == kUnitCodeLength);
    for (char c : code) REQUIRE(crockford::Value(c) >= 0);
    REQUIRE(crockford::CheckValid(code));
    seen.insert(code);
    Result<ParsedCode> parsed = ParseCode(FormatUnitCode(code));
    REQUIRE(parsed.ok());
    REQUIRE(parsed->code == code);
  }
  CHECK(seen.size() == 1000);  // 75 random bits: a repeat here would mean broken randomness
}

TEST_CASE("a forked process never mints the codes its parent will", "[unit_code]") {
  (void)MintUnitCode();  // the parent's random bytes are now buffered
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::string child = MintUnitCode();
    ssize_t n = write(fds[1], child.data(), child.size());
    _exit(n == static_cast<ssize_t>(child.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string parent = MintUnitCode();
  char buf[32] = {};
  ssize_t n = read(fds[0], buf, sizeof buf);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  REQUIRE(n == static_cast<ssize_t>(kUnitCodeLength));
  CHECK(std::string(buf, static_cast<size_t>(n)) != parent);
}

TEST_CASE("the check character catches every single-character substitution", "[unit_code]") {
  // For a sample of codes, replace each position by each of the 31 other characters.
  for (int sample = 0; sample < 300; ++sample) {
    const std::string code = MintUnitCode();
    for (size_t pos = 0; pos < code.size(); ++pos) {
      for (char c : crockford::kAlphabet) {
        if (c == code[pos]) continue;
        std::string typo = code;
        typo[pos] = c;
        INFO(code << " -> " << typo);
        REQUIRE_FALSE(crockford::CheckValid(typo));
      }
    }
  }
}

TEST_CASE("unit codes print in groups of four", "[unit_code]") {
  CHECK(FormatUnitCode("7KQ2M9XW40C1DJHZ") == "7KQ2-M9XW-40C1-DJHZ");
}

}  // namespace
}  // namespace agritrace::labeler
