// Where the browser tests put their screenshots, and a PNG's width to check one by.
#pragma once

#include <sys/stat.h>

#include <cstdlib>
#include <string>

namespace agritrace::testing {

// The folder of the agritrace binary under test: the build tree.
inline std::string BuildDir() {
  std::string bin = AGRITRACE_BIN;
  return bin.substr(0, bin.rfind('/'));
}

// <build>/test-artifacts, or $AGRITRACE_SCREENSHOTS when set (a relative path is taken from the
// source tree): `AGRITRACE_SCREENSHOTS=docs/images ctest -R browser` refreshes the guide's
// pictures. The folder is made if missing.
inline std::string ScreenshotDir() {
  const char* env = std::getenv("AGRITRACE_SCREENSHOTS");
  std::string dir = BuildDir() + "/test-artifacts";
  if (env && *env) dir = env[0] == '/' ? env : std::string(AGRITRACE_SOURCE_DIR) + "/" + env;
  mkdir(dir.c_str(), 0755);
  return dir;
}

// The width in the IHDR of a PNG, or 0 when `png` is not one.
inline int PngWidth(const std::string& png) {
  if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return 0;
  return (static_cast<unsigned char>(png[16]) << 24) | (static_cast<unsigned char>(png[17]) << 16) |
         (static_cast<unsigned char>(png[18]) << 8) | static_cast<unsigned char>(png[19]);
}

}  // namespace agritrace::testing
