// Headless Chromium opens the consumer page as a phone would (360×740): the banner of a
// genuine, a copied, an unknown and a recalled code is in the rendered DOM, a screenshot of
// each lands in ScreenshotDir(), and the page is small and self-contained.
#include <sys/stat.h>

#include <regex>

#include "tests/http/verify_fixture.h"
#include "tests/support/screenshots.h"

using namespace agritrace;
using namespace agritrace::testing;

namespace {

constexpr const char* kChromium = "/usr/bin/chromium";

std::vector<std::string> ChromiumArgs(const TempDir& profile, int width = 360, int height = 740) {
  return {kChromium,
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--hide-scrollbars",
          "--user-data-dir=" + profile.path(),
          "--window-size=" + std::to_string(width) + "," + std::to_string(height),
          "--accept-lang=zh-CN,zh"};  // a phone set to Chinese
}

std::string DumpDom(const std::string& url, int width = 360) {
  TempDir profile;
  auto args = ChromiumArgs(profile, width);
  args.push_back("--dump-dom");
  args.push_back(url);
  auto r = RunProcess(args);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

// Width and height from a PNG's IHDR chunk.
std::pair<int, int> PngSize(const std::string& png) {
  if (png.size() < 24 || png.compare(1, 3, "PNG") != 0) return {0, 0};
  auto be32 = [&](size_t at) {
    return (static_cast<unsigned char>(png[at]) << 24) |
           (static_cast<unsigned char>(png[at + 1]) << 16) |
           (static_cast<unsigned char>(png[at + 2]) << 8) | static_cast<unsigned char>(png[at + 3]);
  };
  return {static_cast<int>(be32(16)), static_cast<int>(be32(20))};
}

void Screenshot(const std::string& url, const std::string& file, int width = 360,
                int height = 740) {
  TempDir profile;
  auto args = ChromiumArgs(profile, width, height);
  args.push_back("--screenshot=" + file);
  args.push_back(url);
  auto r = RunProcess(args);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  auto size = PngSize(ReadFileText(file));
  CHECK(size.first == width);
  CHECK(size.second == height);
}

// The served page itself: small, and nothing in it points to another host.
void CheckSelfContained(VerifyFixture& f, const std::string& path) {
  auto r = f.Get(path + (path.find('?') == std::string::npos ? "?" : "&") + "lang=zh");
  REQUIRE(r);
  INFO(path);
  CHECK(r->body.size() < 30 * 1024);
  static const std::regex kExternal(R"re((src|href|action)\s*=\s*["']?\s*(https?:)?//)re",
                                    std::regex::icase);
  CHECK_FALSE(std::regex_search(r->body, kExternal));
  CHECK_FALSE(Contains(r->body, "<script"));
  CHECK_FALSE(Contains(r->body, "<link"));
  CHECK_FALSE(Contains(r->body, "url("));
  CHECK(Contains(r->get_header_value("Content-Security-Policy"), "default-src 'none'"));
}

}  // namespace

TEST_CASE("headless Chromium renders each banner at 360x740", "[browser]") {
  struct stat st;
  if (stat(kChromium, &st) != 0)
    FAIL("Chromium is missing: apt-get install -y chromium (scripts/install-deps.sh test)");

  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto units = f.AddUnits(lot, 3);
  std::string recalled_lot = f.Issue(f.TeaLot());
  auto recalled = f.AddUnits(recalled_lot, 1);
  REQUIRE(RecallLot(*f.store, recalled_lot, "农残超标").ok());
  f.Start();
  std::string base = "http://127.0.0.1:" + std::to_string(f.server->port());
  std::string artifacts = ScreenshotDir();

  // Genuine: Chromium's is the first scan of units[0]; the screenshot uses units[1].
  std::string dom = DumpDom(base + "/q/" + units[0]);
  CHECK(Contains(dom, "data-status=\"genuine\""));
  CHECK(Contains(dom, "正品 · 首次查询"));
  CHECK(Contains(dom, "签名有效"));
  Screenshot(base + "/q/" + units[1], artifacts + "/consumer-genuine.png");

  // Copied: the code was scanned six times elsewhere before.
  for (int i = 0; i < 6; ++i) f.Get("/q/" + units[2]);
  dom = DumpDom(base + "/q/" + units[2]);
  CHECK(Contains(dom, "data-status=\"suspicious\""));
  CHECK(Contains(dom, "警告：疑似假冒！此码已被查询 7 次"));
  Screenshot(base + "/q/" + units[2], artifacts + "/consumer-copied.png");

  std::string unknown = FreshUnitCode();
  dom = DumpDom(base + "/q/" + unknown);
  CHECK(Contains(dom, "data-status=\"unknown\""));
  CHECK(Contains(dom, "未查询到此码，谨防假冒"));
  Screenshot(base + "/q/" + unknown, artifacts + "/consumer-unknown.png");

  dom = DumpDom(base + "/q/" + recalled[0]);
  CHECK(Contains(dom, "data-status=\"recalled\""));
  CHECK(Contains(dom, "此批次已召回，请勿食用"));
  CHECK(Contains(dom, "农残超标"));
  Screenshot(base + "/q/" + recalled[0], artifacts + "/consumer-recalled.png");

  dom = DumpDom(base + "/q/" + units[1] + "?lang=en");
  CHECK(Contains(dom, "Checked 2 times"));  // after the screenshot's scan

  for (const std::string& path : {"/q/" + units[0], "/q/" + units[2], "/q/" + unknown,
                                  "/q/" + recalled[0], "/q/" + lot, std::string("/")})
    CheckSelfContained(f, path);
}

// A 承诺达标合格证's page on a 390 px phone: the certificate before the lot's provenance, every
// field in the rendered DOM; the screenshot is docs/images/hgz-page-390.png.
TEST_CASE("headless Chromium renders the 合格证 page at 390 px", "[browser][hgz]") {
  struct stat st;
  if (stat(kChromium, &st) != 0)
    FAIL("Chromium is missing: apt-get install -y chromium (scripts/install-deps.sh test)");
  VerifyFixture f;
  std::string lot = f.Issue(f.TeaLot());
  auto issued = IssueHgz(*f.store, SampleHgz(lot));
  REQUIRE(issued.ok());
  const std::string number = issued->number;
  f.Start();
  std::string base = "http://127.0.0.1:" + std::to_string(f.server->port());
  std::string artifacts = ScreenshotDir();

  std::string dom = DumpDom(base + "/H/" + number, 390);
  CHECK(Contains(dom, "data-status=\"valid\""));
  const size_t cert = dom.find("承诺达标合格证</h1>");
  REQUIRE(cert != std::string::npos);
  for (const char* s : {"白沙绿茶", "12.5 公斤", "白沙黎族自治县牙叉镇南溪村",
                        "白沙县牙叉镇茶叶专业合作社", "13800138000", "委托检测合格",
                        "未使用禁用农药、兽药及其他化合物；使用的常规农药、兽药残留不超标。"}) {
    INFO(s);
    CHECK(dom.find(s, cert) < dom.find("id=\"provenance\""));
  }
  CHECK(dom.find("LB-18-2304460123A", dom.find("id=\"provenance\"")) != std::string::npos);
  Screenshot(base + "/H/" + number, artifacts + "/hgz-page-390.png", 390, 1500);
  CheckSelfContained(f, "/h/" + number);
}
