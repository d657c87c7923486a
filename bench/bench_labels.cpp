// Label rendering throughput against a raw libqrencode loop over the same URLs (DESIGN.md §10),
// and peak memory for a long run.
//
//   bench_labels [N]                      N unique unit labels (default 20000), every format
//   bench_labels --rss N --format FORMAT  renders N labels (zpl|tspl|svg|pdf), prints peak RSS
//   bench_labels N --only FORMAT          one format of the first mode (for profiling); zint:
//                                         zint --batch over the same URLs beside our SVG files
//   bench_labels --store N                mint and store N unit codes against a raw SQLite
//                                         insert loop of the same rows
//
// One line per measurement, "key=value" pairs, for scripts/bench.sh to compare.
#include <qrencode.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <streambuf>
#include <string>
#include <vector>

#include "agritrace/labeler/code_url.h"
#include "agritrace/labeler/label_content.h"
#include "agritrace/labeler/unit_code.h"
#include "agritrace/registry/unit_store.h"
#include "labeler/document_sink.h"
#include "labeler/pdf_renderer.h"
#include "labeler/svg_renderer.h"
#include "labeler/tspl_renderer.h"
#include "labeler/zpl_renderer.h"
#include "registry/sqlite_connection.h"

namespace {

using namespace agritrace::labeler;
namespace sql = agritrace::sql;
using Clock = std::chrono::steady_clock;

constexpr const char* kBase = "HTTPS://TRACE.BAISHA.GOV.CN/AB";  // 30 characters

// Counts bytes and keeps none: the /dev/null of streams.
class CountingBuf : public std::streambuf {
 public:
  uint64_t bytes = 0;

 protected:
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes += static_cast<uint64_t>(n);
    return n;
  }
  int_type overflow(int_type c) override {
    if (c != traits_type::eof()) ++bytes;
    return traits_type::not_eof(c);
  }
};

class CountingSink : public DocumentSink {
 public:
  uint64_t bytes = 0, files = 0;
  agritrace::Status Put(std::string_view, std::string_view data) override {
    bytes += data.size();
    ++files;
    return agritrace::Status::Ok();
  }
};

LabelContent Content(const std::string& code) {
  LabelContent c;
  c.qr_text = UnitUrl(kBase, code);
  c.code_display = FormatUnitCode(code);
  c.product_name = "白沙绿茶 特级 250 克";
  c.brand = "白沙绿茶（区域公用品牌）";
  c.badges = {"绿色食品 LB-18-23014600123A", "地理标志 AGI01234"};
  c.lot_code = "7KQ2M-9XW4C";
  c.packed = "2026-04-10";
  c.origin = "海南省白沙县牙叉镇某村";
  return c;
}

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double RawEncodeRate(const std::vector<std::string>& urls) {
  const auto start = Clock::now();
  size_t modules = 0;
  for (const std::string& url : urls) {
    QRcode* code = QRcode_encodeString(url.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!code) {
      std::fprintf(stderr, "encode failed\n");
      std::exit(1);
    }
    modules += static_cast<size_t>(code->width);
    QRcode_free(code);
  }
  const double s = Seconds(start);
  if (modules == 0) std::exit(1);
  return static_cast<double>(urls.size()) / s;
}

RenderOptions Options() {
  RenderOptions o;
  o.label = {50, 30, 203};
  o.threads = 2;
  return o;
}

// Runs one renderer over `count` labels made by `content(i)`; returns labels per second.
double Run(LabelRenderer& r, size_t count, const std::function<LabelContent(size_t)>& content) {
  const auto start = Clock::now();
  agritrace::Status s = r.Begin();
  for (size_t i = 0; s.ok() && i < count; ++i) s = r.Add(content(i));
  if (s.ok()) s = r.Finish();
  const double secs = Seconds(start);
  if (!s.ok()) {
    std::fprintf(stderr, "render failed: %s\n", s.message().c_str());
    std::exit(1);
  }
  return static_cast<double>(count) / secs;
}

// CPU seconds this process has used, every thread counted.
double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto secs = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

long PeakRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // kilobytes on Linux
}

int RssMode(size_t n, const std::string& format) {
  CountingBuf buf;
  std::ostream null_out(&buf);
  CountingSink sink;
  std::unique_ptr<LabelRenderer> r;
  RenderOptions o = Options();
  if (format == "zpl") {
    r = std::make_unique<ZplRenderer>(o, &null_out);
  } else if (format == "tspl") {
    r = std::make_unique<TsplRenderer>(o, &null_out);
  } else if (format == "svg") {
    r = std::make_unique<SvgRenderer>(o, &sink);
  } else if (format == "pdf") {
    o.label = {60, 35, 203};
    o.sheet = SheetGrid{3, 8};
    r = std::make_unique<PdfRenderer>(o, &null_out);
  } else {
    std::fprintf(stderr, "unknown format %s (zpl|tspl|svg|pdf)\n", format.c_str());
    return 2;
  }
  // Codes are minted as they are rendered: nothing grows with n but the output (discarded).
  const double rate = Run(*r, n, [](size_t) { return Content(MintUnitCode()); });
  std::printf("format=%s labels=%zu labels_per_s=%.0f peak_rss_kb=%ld bytes=%llu\n", format.c_str(),
              n, rate, PeakRssKb(), static_cast<unsigned long long>(buf.bytes + sink.bytes));
  return 0;
}

// zint's batch mode over the same URLs, one SVG file per symbol, against ours writing one SVG
// file per label into a folder the same way (zint draws the QR only; ours the whole label).
void Zint(const std::vector<std::string>& urls, const std::vector<LabelContent>& contents) {
  if (std::system("command -v zint >/dev/null 2>&1") != 0) {
    std::printf("format=zint skipped=zint-not-on-PATH\n");
    return;
  }
  char dir_template[] = "/tmp/bench_labels_XXXXXX";
  const char* made = mkdtemp(dir_template);
  if (!made) return;
  const std::string dir = made;
  const std::string input = dir + "/urls.txt";
  {
    std::ofstream f(input);
    for (const std::string& url : urls) f << url << '\n';
  }
  std::filesystem::create_directory(dir + "/zint");
  std::filesystem::create_directory(dir + "/ours");
  const std::string cmd = "zint --batch -b QRCODE --secure=2 --filetype=SVG -o '" + dir +
                          "/zint/~~~~~~.svg' -i '" + input + "' >/dev/null 2>&1";
  auto start = Clock::now();
  const int rc = std::system(cmd.c_str());
  const double zint_secs = Seconds(start);
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/zint")) {
    files += entry.path().extension() == ".svg";
  }
  // zint draws 2 units a module: the first symbol's width tells its version.
  std::ifstream first(dir + "/zint/000001.svg");
  const std::string head((std::istreambuf_iterator<char>(first)), std::istreambuf_iterator<char>());
  const size_t at = head.find("<svg width=\"");
  const int zint_modules = at == std::string::npos ? 0 : std::atoi(head.c_str() + at + 12) / 2;
  agritrace::Result<QrCode> ours_qr = QrCode::Encode(urls.front(), EccLevel::kM);

  DirectorySink sink(dir + "/ours");
  SvgRenderer svg(Options(), &sink);
  const double ours = Run(svg, contents.size(), [&](size_t i) { return contents[i]; });
  std::filesystem::remove_all(dir);
  if (rc != 0 || files != urls.size()) {
    std::printf("format=zint-svg failed rc=%d files=%zu of %zu\n", rc, files, urls.size());
    return;
  }
  const double zint = urls.size() / zint_secs;
  std::printf(
      "format=zint-svg zint_per_s=%.0f ours_svg_files_per_s=%.0f ratio=%.2f "
      "same_symbol_size=%s note=same-urls,one-file-each,zint-QR-only-1-thread,ours-whole-label\n",
      zint, ours, ours / zint, ours_qr.ok() && ours_qr->width() == zint_modules ? "yes" : "no");
}

// A fresh database file as the registry opens it (WAL, synchronous=FULL) with the units table.
std::unique_ptr<sql::Connection> FreshUnitsDb(const std::string& path) {
  auto db = sql::SqliteConnection::Open(path, {.create = true});
  db->Exec("PRAGMA journal_mode=WAL");
  db->Exec("PRAGMA synchronous=FULL");
  db->Exec(
      "CREATE TABLE units (code TEXT PRIMARY KEY, lot_id INTEGER NOT NULL, "
      "serial INTEGER NOT NULL, spare INTEGER NOT NULL DEFAULT 0, UNIQUE (lot_id, serial)) "
      "WITHOUT ROWID");
  return db;
}

int StoreMode(size_t n) {
  char dir_template[] = "/tmp/bench_units_XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (!dir) return 1;
  const std::string d = dir;
  std::vector<std::string> codes;
  codes.reserve(n);
  for (size_t i = 0; i < n; ++i) codes.push_back(MintUnitCode());
  // Raw: the same rows, already minted, through one prepared INSERT in one transaction.
  double raw_rate;
  {
    auto db = FreshUnitsDb(d + "/raw.db");
    const auto start = Clock::now();
    sql::Transaction tx(*db);
    sql::Statement insert(*db,
                          "INSERT INTO units (code, lot_id, serial, spare) VALUES (?,?,?,0)");
    for (size_t i = 0; i < n; ++i) {
      insert.Reset();
      insert.BindView(1, codes[i]);
      insert.Bind(2, int64_t{1});
      insert.Bind(3, static_cast<int64_t>(i + 1));
      insert.Exec();
    }
    tx.Commit();
    raw_rate = n / Seconds(start);
  }
  // Ours: mint each code from the CSPRNG and store it through UnitWriter.
  double mint_rate;
  {
    auto db = FreshUnitsDb(d + "/mint.db");
    const auto start = Clock::now();
    sql::Transaction tx(*db);
    auto writer = agritrace::UnitWriter::Open(*db, 1);
    if (!writer.ok()) return 1;
    for (size_t i = 0; i < n; ++i) {
      agritrace::Status s = (*writer)->Add(MintUnitCode(), false);
      if (!s.ok()) {
        std::fprintf(stderr, "%s\n", s.message().c_str());
        return 1;
      }
    }
    tx.Commit();
    mint_rate = n / Seconds(start);
  }
  std::filesystem::remove_all(d);
  std::printf("path=mint_store units=%zu units_per_s=%.0f raw_insert_per_s=%.0f ratio=%.2f\n", n,
              mint_rate, raw_rate, mint_rate / raw_rate);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  size_t n = 20000;
  std::string format;
  size_t rss = 0;
  std::string only;
  size_t store = 0;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--store") && i + 1 < argc) {
      store = std::strtoull(argv[++i], nullptr, 10);
      continue;
    }
    if (!std::strcmp(argv[i], "--only") && i + 1 < argc) {
      only = argv[++i];
      continue;
    }
    if (!std::strcmp(argv[i], "--rss") && i + 1 < argc) {
      rss = std::strtoull(argv[++i], nullptr, 10);
    } else if (!std::strcmp(argv[i], "--format") && i + 1 < argc) {
      format = argv[++i];
    } else {
      n = std::strtoull(argv[i], nullptr, 10);
    }
  }
  if (store > 0) return StoreMode(store);
  if (rss > 0) return RssMode(rss, format.empty() ? "zpl" : format);
  if (n == 0) {
    std::fprintf(stderr,
                 "usage: %s [N [--only FORMAT]] | --rss N --format zpl|tspl|svg|pdf | --store N\n",
                 argv[0]);
    return 2;
  }

  std::vector<std::string> codes;
  std::vector<std::string> urls;
  std::vector<LabelContent> contents;
  codes.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    codes.push_back(MintUnitCode());
    contents.push_back(Content(codes.back()));
    urls.push_back(contents.back().qr_text);
  }
  const auto content = [&](size_t i) -> const LabelContent& { return contents[i]; };

  CountingBuf buf;
  std::ostream null_out(&buf);
  struct Format {
    const char* name;
    std::function<std::unique_ptr<LabelRenderer>()> make;
  };
  CountingSink sink;
  const std::vector<Format> formats = {
      {"svg", [&] { return std::make_unique<SvgRenderer>(Options(), &sink); }},
      {"zpl", [&] { return std::make_unique<ZplRenderer>(Options(), &null_out); }},
      {"tspl", [&] { return std::make_unique<TsplRenderer>(Options(), &null_out); }},
  };
  RawEncodeRate(urls);  // warm-up: libqrencode's tables, page cache, CPU frequency
  for (const Format& f : formats) {
    if (!only.empty() && only != f.name) continue;
    // The raw loop right before each format, so both see the same machine state.
    double cpu = CpuSeconds();
    const double raw = RawEncodeRate(urls);
    const double raw_cpu_us = (CpuSeconds() - cpu) * 1e6 / n;
    std::unique_ptr<LabelRenderer> r = f.make();
    cpu = CpuSeconds();
    const double rate = Run(*r, n, content);
    const double cpu_us = (CpuSeconds() - cpu) * 1e6 / n;
    // When other programs share the cores, the wall-clock ratio says more about them than about
    // us; CPU time per label does not: with `threads` cores of our own the ratio would be
    // about threads × raw / ours (cpu_ratio), less what waiting on each other costs.
    std::printf(
        "format=%s labels_per_s=%.0f raw_encode_per_s=%.0f ratio=%.2f threads=%d "
        "cpu_us_per_label=%.1f raw_cpu_us_per_label=%.1f cpu_ratio=%.2f\n",
        f.name, rate, raw, rate / raw, r->options().threads, cpu_us, raw_cpu_us,
        r->options().threads * raw_cpu_us / cpu_us);
  }
  if (only.empty() || only == "pdf") {
    RenderOptions o = Options();
    o.label = {60, 35, 203};
    o.sheet = SheetGrid{3, 8};
    PdfRenderer r(o, &null_out);
    const uint64_t before = buf.bytes;
    const double rate = Run(r, n, content);
    std::printf("format=pdf sheet=a4:3x8 labels_per_s=%.0f bytes_per_label=%.0f target=2000\n",
                rate, static_cast<double>(buf.bytes - before) / n);
  }
  if (only.empty() || only == "zint") Zint(urls, contents);
  return 0;
}
