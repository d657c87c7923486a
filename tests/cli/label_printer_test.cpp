// label print --printer: straight to a label printer over raw TCP (a fake printer on 127.0.0.1 in
// a thread of the test) or a device path (a FIFO, a regular file); an interrupted run says which
// serials surely reached the printer, --resume sends the rest, and every run is recorded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <regex>
#include <thread>

#include "tests/labeler/test_support.h"
#include "tests/support/cli_runner.h"
#include "tests/support/registry_file.h"

using agritrace::testing::Cli;
using agritrace::testing::FreePort;
using agritrace::testing::IssueMintedLot;
using agritrace::testing::RunProcess;
using nlohmann::json;
namespace lt = agritrace::labeler::testing;

namespace {

// A raw-port label printer: accepts connections one after another on 127.0.0.1 (port 0) and
// records each one's bytes. With `drop_after`, it reads that many bytes of the first connection,
// then shuts it down (no byte it did not read is acknowledged after that: Linux resets data
// arriving at a socket shut for reading), reads what its kernel had already acknowledged, and
// resets the connection: everything the sender can see acknowledged is recorded.
class FakePrinter {
 public:
  explicit FakePrinter(size_t drop_after = 0) : drop_after_(drop_after) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    int small = 4096;  // a small window: the sender runs ahead by little
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd_, 4) == 0);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakePrinter() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(fd_);
  }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // Every connection's bytes, once the sender is done (call after the CLI exited).
  std::vector<std::string> connections() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return received_;
  }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      int c = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string got;
      const bool dropping = drop_after_ > 0 && received_.empty();
      char buf[4096];
      for (;;) {
        size_t want = sizeof buf;
        if (dropping) want = std::min(want, drop_after_ - got.size());
        pollfd q{c, POLLIN, 0};
        if (poll(&q, 1, 50) <= 0) {
          if (stop_) break;
          continue;
        }
        ssize_t n = recv(c, buf, want, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<size_t>(n));
        if (dropping && got.size() == drop_after_) {
          shutdown(c, SHUT_RDWR);
          while ((n = recv(c, buf, sizeof buf, MSG_DONTWAIT)) > 0)
            got.append(buf, static_cast<size_t>(n));
          linger reset{1, 0};  // the sender learns at once, as from a printer switched off
          setsockopt(c, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
          break;
        }
      }
      close(c);
      received_.push_back(got);
    }
  }

  int fd_ = -1;
  int port_ = 0;
  size_t drop_after_;
  std::atomic<bool> stop_{false};
  std::vector<std::string> received_;
  std::thread thread_;
};

std::string Sql(Cli& cli, const std::string& query) {
  return RunProcess({"/usr/bin/sqlite3", cli.db, query}).out;
}

// Unit code → serial, as stored.
std::map<std::string, int> Serials(Cli& cli) {
  std::map<std::string, int> out;
  std::istringstream in(Sql(cli, "SELECT code, serial FROM units"));
  for (std::string line; std::getline(in, line);)
    out[line.substr(0, line.find('|'))] = std::stoi(line.substr(line.find('|') + 1));
  return out;
}

// The serials of the whole TSPL labels in `bytes` (each ends in PRINT 1,1), in order.
std::vector<int> LabelsIn(const std::string& bytes, const std::map<std::string, int>& serials) {
  static const std::regex kCode("/21/([0-9A-Z]{16})");
  std::vector<int> out;
  size_t at = 0;
  for (size_t end; (end = bytes.find("PRINT 1,1\r\n", at)) != std::string::npos; at = end + 11) {
    std::smatch m;
    std::string label = bytes.substr(at, end - at);
    REQUIRE(std::regex_search(label, m, kCode));
    out.push_back(serials.at(m[1]));
  }
  return out;
}

}  // namespace

TEST_CASE("label print --printer tcp:// sends exactly the file's bytes and records the run",
          "[cli][labels][printer]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueMintedLot(cli, "40");
  FakePrinter printer;
  json sent = cli.Json({"label", "print", "--lot", lot, "--from", "3", "--to", "40", "--format",
                        "tspl", "--printer", printer.url()},
                       "label-print.schema.json");
  CHECK(sent["sent_through"] == 40);
  CHECK(sent["destination"] == printer.url());
  auto got = printer.connections();
  REQUIRE(got.size() == 1);
  cli.Json({"label", "print", "--lot", lot, "--from", "3", "--to", "40", "--format", "tspl",
            "--out", cli.dir / "same.tspl"},
           "label-print.schema.json");
  CHECK(got[0] == lt::ReadFile(cli.dir / "same.tspl"));
  // Recorded: lot, range, format, destination, actor, the serials sent; the file run too.
  CHECK(Sql(cli,
            "SELECT first_serial, last_serial, format, destination, outcome, sent_through, "
            "actor LIKE 'cli:%' FROM print_runs ORDER BY id") ==
        "3|40|tspl|" + printer.url() + "|complete|40|1\n3|40|tspl|file:" + cli.dir / "same.tspl" +
            "|complete|40|1\n");
  CHECK(Sql(cli, "SELECT COUNT(*) FROM events WHERE kind LIKE 'labels.print-%'") == "4\n");
  // The second run printed serials 3-40 again: a reprint, in lot show and the audit.
  json shown = cli.Json({"lot", "show", lot}, "lot.schema.json");
  CHECK(shown["printing"]["reprinted_serials"] == 38);
  CHECK(shown["printing"]["runs"] == 2);
  auto csv = cli.Run({"audit", "reprints", "--csv"});
  REQUIRE(csv.exit_code == 0);
  CHECK(csv.out.find(lot + ",2,") != std::string::npos);
  CHECK(csv.out.find("3–40") != std::string::npos);

  // ZPL too.
  FakePrinter zebra;
  cli.Json({"label", "print", "--lot", lot, "--from", "1", "--to", "2", "--format", "zpl",
            "--printer", zebra.url()},
           "label-print.schema.json");
  cli.Json({"label", "print", "--lot", lot, "--from", "1", "--to", "2", "--format", "zpl", "--out",
            cli.dir / "same.zpl"},
           "label-print.schema.json");
  CHECK(zebra.connections().at(0) == lt::ReadFile(cli.dir / "same.zpl"));
}

TEST_CASE("a dropped connection names the serials sent, --resume sends the rest, none twice",
          "[cli][labels][printer]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueMintedLot(cli, "2000");
  const auto serials = Serials(cli);
  constexpr size_t kDropAfter = 100000;
  FakePrinter dropping(kDropAfter);
  auto r = cli.Run({"label", "print", "--lot", lot, "--format", "tspl", "--printer", dropping.url(),
                    "--printer-timeout", "60"});
  INFO(r.err);
  CHECK(r.exit_code == 1);
  auto first_bytes = dropping.connections().at(0);
  CHECK(first_bytes.size() >= kDropAfter);
  const std::vector<int> first = LabelsIn(first_bytes, serials);
  REQUIRE(!first.empty());
  // What the run recorded as surely sent, and what it said.
  const int sent_through = std::stoi(Sql(cli, "SELECT sent_through FROM print_runs WHERE id = 1"));
  CHECK(Sql(cli, "SELECT outcome FROM print_runs WHERE id = 1") == "interrupted\n");
  CHECK(sent_through >= 1);
  // Never more than the printer got whole: every label up to sent_through arrived.
  CHECK(sent_through <= static_cast<int>(first.size()));
  for (int i = 0; i < static_cast<int>(first.size()); ++i) CHECK(first[i] == i + 1);
  CHECK(r.err.find("序号 1–" + std::to_string(sent_through) + " 已确认送达打印机") !=
        std::string::npos);
  CHECK(r.err.find("serials 1–" + std::to_string(sent_through) + " surely reached the printer") !=
        std::string::npos);
  CHECK(r.err.find("2000 were not sent") != std::string::npos);
  CHECK(r.err.find("--resume 1") != std::string::npos);

  FakePrinter printer;
  json resumed = cli.Json({"label", "print", "--resume", "1", "--printer", printer.url()},
                          "label-print.schema.json");
  CHECK(resumed["first_serial"] == sent_through + 1);
  CHECK(resumed["sent_through"] == 2000);
  auto second_bytes = printer.connections().at(0);
  // Resuming is no reprint: nothing printed twice yet.
  json shown = cli.Json({"lot", "show", lot}, "lot.schema.json");
  CHECK(shown["printing"]["reprinted_serials"] == 0);
  CHECK(shown["printing"]["serials_printed"] == 2000);
  // The rest, byte for byte as a file of that range would hold it.
  cli.Json({"label", "print", "--lot", lot, "--from", std::to_string(sent_through + 1), "--format",
            "tspl", "--out", cli.dir / "rest.tspl"},
           "label-print.schema.json");
  CHECK(second_bytes == lt::ReadFile(cli.dir / "rest.tspl"));
  // Every serial reached the printer whole, and (the fake printer acknowledging all it read)
  // none twice.
  std::map<int, int> times;
  for (int s : first) ++times[s];
  for (int s : LabelsIn(second_bytes, serials)) ++times[s];
  CHECK(times.size() == 2000);
  for (const auto& [s, n] : times) {
    INFO("serial " << s);
    CHECK(n == 1);
  }
  // The file printed for comparison is a reprint of 230-2000; the run resumed cannot be resumed
  // again.
  CHECK(cli.Json({"lot", "show", lot}, "lot.schema.json")["printing"]["reprinted_serials"] ==
        2000 - sent_through);
  CHECK(Sql(cli, "SELECT resumes FROM print_runs WHERE id = 2") == "1\n");
  auto again = cli.Run({"label", "print", "--resume", "1", "--printer", printer.url()});
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("--resume 2") != std::string::npos);
  auto done = cli.Run({"label", "print", "--resume", "2", "--printer", printer.url()});
  CHECK(done.exit_code == 3);
  CHECK(done.err.find("nothing to resume") != std::string::npos);
  // The log agrees with the table.
  auto verify = cli.Run({"log", "verify"});
  INFO(verify.out << verify.err);
  CHECK(verify.exit_code == 0);
}

TEST_CASE("label print --printer to a FIFO and to a file writes the file's bytes",
          "[cli][labels][printer]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueMintedLot(cli, "20");
  cli.Json({"label", "print", "--lot", lot, "--format", "tspl", "--out", cli.dir / "all.tspl"},
           "label-print.schema.json");
  const std::string want = lt::ReadFile(cli.dir / "all.tspl");
  REQUIRE(want.size() < 60000);  // fits the pipe's buffer: no reader thread needed

  const std::string fifo = cli.dir / "lp0";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  int reader = open(fifo.c_str(), O_RDWR | O_NONBLOCK);  // a reader that is there
  REQUIRE(reader >= 0);
  json sent = cli.Json({"label", "print", "--lot", lot, "--format", "tspl", "--printer", fifo},
                       "label-print.schema.json");
  CHECK(sent["destination"] == "device:" + fifo);
  CHECK(sent["sent_through"] == 20);
  std::string got;
  char buf[4096];
  for (ssize_t n; (n = read(reader, buf, sizeof buf)) > 0;) got.append(buf, n);
  close(reader);
  CHECK(got == want);

  const std::string plain = cli.dir / "printer.prn";
  agritrace::testing::WriteFileText(plain, "");
  cli.Json({"label", "print", "--lot", lot, "--format", "tspl", "--printer", plain},
           "label-print.schema.json");
  CHECK(lt::ReadFile(plain) == want);

  // --resume needs an interrupted printer run: a file run is whole or nothing.
  auto file_run = cli.Run({"label", "print", "--resume", "1"});
  CHECK(file_run.exit_code == 3);
  CHECK(file_run.err.find("nothing to resume") != std::string::npos);
  auto other_options = cli.Run({"label", "print", "--resume", "2", "--lot", lot});
  CHECK(other_options.exit_code == 3);
  CHECK(other_options.err.find("drop --lot") != std::string::npos);
}

TEST_CASE("bad --printer values are refused with a clear message and nothing recorded",
          "[cli][labels][printer]") {
  Cli cli;
  cli.Seed();
  std::string lot = IssueMintedLot(cli, "5");
  const int port = FreePort();  // nobody listens on it
  REQUIRE(port > 0);
  const std::string closed = "tcp://127.0.0.1:" + std::to_string(port);
  REQUIRE(mkdir((cli.dir / "folder").c_str(), 0700) == 0);
  const std::string events = Sql(cli, "SELECT COUNT(*) FROM events");
  struct Case {
    std::vector<std::string> printer;
    int code;
    std::string zh, en;
  };
  std::vector<Case> cases = {
      {{"--printer", "tcp://"}, 3, "没有主机地址", "there is no host"},
      {{"--printer", "tcp://10.0.0.5:0"}, 3, "端口应为 1 到 65535", "port must be a number"},
      {{"--printer", "tcp://10.0.0.5:70000"}, 3, "端口应为 1 到 65535", "port must be a number"},
      {{"--printer", "tcp://10.0.0.5:abc"}, 3, "端口应为", "port must be"},
      {{"--printer", "tcp://pr inter"}, 3, "空格", "spaces"},
      {{"--printer", "http://10.0.0.5"}, 3, "只支持 tcp://", "only tcp://"},
      {{"--printer", "ipp://10.0.0.5/lp"}, 3, "只支持 tcp://", "only tcp://"},
      {{"--printer", cli.dir / "no-such-lp0"}, 3, "没有这个设备", "no such device"},
      {{"--printer", cli.dir / "folder"}, 3, "不是设备", "no device"},
      {{"--printer", closed}, 1, "连不上打印机", "cannot reach the printer"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"label", "print", "--lot", lot, "--format", "tspl"};
    args.insert(args.end(), c.printer.begin(), c.printer.end());
    auto r = cli.Run(args);
    INFO(c.printer.back() << ": " << r.err);
    CHECK(r.exit_code == c.code);
    CHECK(r.err.find(c.zh) != std::string::npos);
    CHECK(r.err.find(c.en) != std::string::npos);
    CHECK(r.err.find("错误：") < r.err.find("Error:"));
  }
  auto pdf = cli.Run({"label", "print", "--lot", lot, "--format", "pdf", "--printer", closed});
  CHECK(pdf.exit_code == 3);
  CHECK(pdf.err.find("--format tspl") != std::string::npos);
  auto both = cli.Run({"label", "print", "--lot", lot, "--format", "tspl", "--printer", closed,
                       "--out", cli.dir / "x.tspl"});
  CHECK(both.exit_code == 3);
  CHECK(Sql(cli, "SELECT COUNT(*) FROM print_runs") == "0\n");
  CHECK(Sql(cli, "SELECT COUNT(*) FROM events") == events);
}
