// agritrace hgz issue|show|list|print: refusals write nothing and speak Chinese first; what is
// printed decodes back to the certificate's page URL, from PDF, PNG and the TSPL's QR data.
#include <catch2/catch.hpp>
#include <cctype>

#include "agritrace/labeler/qr_code.h"
#include "agritrace/registry/dates.h"
#include "labeler/sheet_layout.h"
#include "tests/labeler/test_support.h"
#include "tests/support/cli_runner.h"
#include "tests/support/registry_file.h"

using agritrace::testing::Cli;
using agritrace::testing::IssueLot;
using agritrace::testing::RunProcess;
using nlohmann::json;
namespace lt = agritrace::labeler::testing;

namespace {

constexpr const char* kBase = "HTTPS://V.BAISHA.GOV.CN";

std::string Count(Cli& cli, const std::string& table) {
  return RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT COUNT(*) FROM " + table}).out;
}

std::string Counts(Cli& cli) {
  return Count(cli, "hgz") + Count(cli, "hgz_received") + Count(cli, "events") +
         Count(cli, "refusals");
}

// The data of the TSPL QRCODE command: QRCODE x,y,ECC,cell,mode,rotation,model,mask,"A<data>".
std::string TsplQrData(const std::string& tspl) {
  const size_t at = tspl.find("QRCODE ");
  REQUIRE(at != std::string::npos);
  const std::string line = tspl.substr(at, tspl.find("\r\n", at) - at);
  const size_t q = line.find('"');
  REQUIRE(q != std::string::npos);
  REQUIRE(line.size() > q + 2);
  CHECK(line[q + 1] == 'A');  // alphanumeric mode
  CHECK(line.find(",M,") != std::string::npos);  // ECC M
  return line.substr(q + 2, line.rfind('"') - q - 2);
}

}  // namespace

TEST_CASE("hgz issue, show and list through the CLI", "[cli][hgz]") {
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli, "100");  // 100 × 250 g = 25 kg
  json a = cli.Json({"hgz", "issue", "--lot", lot, "--weight-kg", "12.5", "--basis",
                     "commissioned-test", "--report", "HN2026-0412", "--contact", "13800138000"},
                    "hgz.schema.json");
  const std::string number = a["number"];
  CHECK(a["record"]["weight_g"] == 12500);
  CHECK(a["record"]["style"] == "producer");
  json shown = cli.Json({"hgz", "show", number}, "hgz.schema.json");
  CHECK(shown["signature_valid"] == true);
  CHECK(shown["record"] == a["record"]);
  auto human = cli.Run({"hgz", "show", number});
  CHECK(human.exit_code == 0);
  CHECK(human.out.find("承诺达标合格证") == 0);
  CHECK(human.out.find("12.5 公斤") != std::string::npos);
  CHECK(human.out.find("委托检测合格（检测报告编号 HN2026-0412）") != std::string::npos);

  json b = cli.Json({"hgz", "issue", "--lot", lot, "--pieces", "10", "--basis", "control",
                     "--contact", "0898-12345678", "--style", "collector", "--from-hgz",
                     number},
                    "hgz.schema.json");
  CHECK(b["record"]["received"] == json::array({number}));
  CHECK(b["record"]["covered_g"] == 2500);

  auto list = cli.Run({"--json", "hgz", "list", "--lot", lot});
  REQUIRE(list.exit_code == 0);
  json l = json::parse(list.out);
  REQUIRE(l.size() == 2);
  CHECK(l[0]["number"] == b["number"]);  // newest first
  CHECK(l[1]["number"] == number);
  CHECK(cli.Run({"hgz", "list", "--lot", "ZZZZZ-ZZZZZ"}).exit_code == 4);

  // 15 of 25 kg are covered: 10.001 kg more is refused, and nothing is written.
  const std::string before = Counts(cli);
  auto over = cli.Run({"hgz", "issue", "--lot", lot, "--weight-kg", "10.001", "--basis",
                       "control", "--contact", "13800138000"});
  CHECK(over.exit_code == 3);
  CHECK(over.err.find("错误：超出批次数量") == 0);
  CHECK(over.err.find("最多还能开 10 公斤（40 件）") != std::string::npos);
  CHECK(over.err.find("\nError: more than the lot holds") != std::string::npos);
  auto bad_report = cli.Run({"hgz", "issue", "--lot", lot, "--weight-kg", "1", "--basis",
                             "self-test", "--contact", "13800138000"});
  CHECK(bad_report.exit_code == 3);
  CHECK(bad_report.err.find("--report") != std::string::npos);
  CHECK(cli.Run({"hgz", "issue", "--lot", lot, "--weight-kg", "1", "--basis", "control",
                 "--contact", "12345"})
            .exit_code == 3);
  CHECK(cli.Run({"hgz", "issue", "--lot", lot, "--weight-kg", "1.2345", "--basis", "control",
                 "--contact", "13800138000"})
            .exit_code == 3);
  CHECK(cli.Run({"hgz", "issue", "--lot", lot, "--weight-kg", "1", "--pieces", "2", "--basis",
                 "control", "--contact", "13800138000"})
            .exit_code == 2);  // usage: one or the other
  CHECK(cli.Run({"hgz", "issue", "--lot", "00000-00000", "--weight-kg", "1", "--basis",
                 "control", "--contact", "13800138000"})
            .exit_code == 4);
  CHECK(Counts(cli) == before);

  CHECK(cli.Run({"hgz", "show", "H0000000000"}).exit_code == 4);
  auto typo = cli.Run({"hgz", "show", "H0000000001"});
  CHECK(typo.exit_code == 3);
  CHECK(typo.err.find("校验位") != std::string::npos);

  REQUIRE(cli.Run({"lot", "recall", lot, "--reason", "抽检不合格"}).exit_code == 0);
  auto recalled = cli.Run({"hgz", "issue", "--lot", lot, "--weight-kg", "1", "--basis",
                           "control", "--contact", "13800138000"});
  CHECK(recalled.exit_code == 3);
  CHECK(recalled.err.find("已召回") != std::string::npos);
  CHECK(cli.Run({"hgz", "print", number, "--format", "pdf", "--size", "100x70", "--out",
                 cli.dir / "r.pdf"})
            .exit_code == 3);
}

TEST_CASE("a printed 合格证's QR decodes to its page from PDF, PNG and TSPL", "[cli][hgz][labels]") {
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli, "100");
  json a = cli.Json({"hgz", "issue", "--lot", lot, "--weight-kg", "12.5", "--basis", "control",
                     "--contact", "13800138000"},
                    "hgz.schema.json");
  const std::string number = a["number"];
  const std::string url = std::string(kBase) + "/H/" + number;
  auto qr = agritrace::labeler::QrCode::Encode(url, agritrace::labeler::EccLevel::kM);
  REQUIRE(qr.ok());
  CHECK(qr->version() <= 3);

  // PDF, 100 × 70 mm: the QR, the title and the whole commitment on the page.
  auto pdf = cli.Run({"--json", "hgz", "print", number, "--format", "pdf", "--size", "100x70",
                      "--out", cli.dir / "hgz.pdf"});
  INFO(pdf.err);
  REQUIRE(pdf.exit_code == 0);
  CHECK(json::parse(pdf.out)["url"] == url);
  REQUIRE(RunProcess({"/usr/bin/pdftoppm", "-r", "300", "-png", "-singlefile",
                      cli.dir / "hgz.pdf", cli.dir / "hgz"})
              .exit_code == 0);
  CHECK(lt::DecodeOne(lt::LoadPng(cli.dir / "hgz.png")) == url);
  std::string text = RunProcess({"/usr/bin/pdftotext", cli.dir / "hgz.pdf", "-"}).out;
  std::string flat;
  for (char c : text)
    if (c != '\n' && c != ' ') flat += c;
  for (const char* s : {"承诺达标合格证", "产品名称：白沙绿茶", "重量：12.5公斤", "联系电话：13800138000",
                        "承诺依据：质量安全控制符合要求", "统一社会信用代码：91350100M000100Y43",
                        "未使用禁用农药、兽药及其他化合物；使用的常规农药、兽药残留不超标。"}) {
    INFO(s);
    CHECK(flat.find(s) != std::string::npos);
  }

  // PNG, 80 × 60 mm, at the printer's dots.
  REQUIRE(cli.Run({"hgz", "print", number, "--format", "png", "--size", "80x60", "--out",
                   cli.dir / "hgz80.png"})
              .exit_code == 0);
  CHECK(lt::DecodeOne(lt::LoadPng(cli.dir / "hgz80.png")) == url);

  // TSPL for a TSC/Gprinter roll: the QRCODE command carries exactly the URL.
  REQUIRE(cli.Run({"hgz", "print", number, "--format", "tspl", "--size", "100x70", "--out",
                   cli.dir / "hgz.tspl"})
              .exit_code == 0);
  const std::string tspl = lt::ReadFile(cli.dir / "hgz.tspl");
  CHECK(tspl.find("SIZE 100 mm,70 mm") == 0);
  CHECK(TsplQrData(tspl) == url);
  auto data_qr = agritrace::labeler::QrCode::EncodeSingleMode(TsplQrData(tspl),
                                                              agritrace::labeler::EccLevel::kM);
  REQUIRE(data_qr.ok());
  CHECK(data_qr->version() <= 3);

  // An A4 sheet of six: six QRs, all the certificate's.
  REQUIRE(cli.Run({"hgz", "print", number, "--format", "pdf", "--size", "a4:2x3", "--out",
                   cli.dir / "sheet.pdf"})
              .exit_code == 0);
  REQUIRE(RunProcess({"/usr/bin/pdftoppm", "-r", "150", "-png", "-singlefile",
                      cli.dir / "sheet.pdf", cli.dir / "sheet"})
              .exit_code == 0);
  auto sheet = agritrace::labeler::PlaceOnA4({2, 3}, {100, 95, 203});
  REQUIRE(sheet.ok());
  auto decoded = lt::DecodeSheet(lt::LoadPng(cli.dir / "sheet.png"), *sheet, 150, 6);
  CHECK(decoded == std::vector<std::string>(6, url));

  // ZPL, SVG and A5 too; 50 × 30 mm TSPL cannot hold the text in the printer's font.
  REQUIRE(cli.Run({"hgz", "print", number, "--format", "zpl", "--size", "50x30", "--out",
                   cli.dir / "hgz.zpl"})
              .exit_code == 0);
  CHECK(lt::ReadFile(cli.dir / "hgz.zpl").find(url) != std::string::npos);
  REQUIRE(cli.Run({"hgz", "print", number, "--format", "svg", "--size", "a5", "--out",
                   cli.dir / "hgz.svg"})
              .exit_code == 0);
  CHECK(lt::ReadFile(cli.dir / "hgz.svg").find("<svg") != std::string::npos);
  auto small = cli.Run({"hgz", "print", number, "--format", "tspl", "--size", "50x30", "--out",
                        cli.dir / "small.tspl"});
  CHECK(small.exit_code == 3);
  CHECK(small.err.find("错误：标签太小") == 0);
  CHECK(RunProcess({"/usr/bin/test", "-e", cli.dir / "small.tspl"}).exit_code != 0);
  auto size = cli.Run({"hgz", "print", number, "--format", "pdf", "--size", "60x40", "--out",
                       cli.dir / "x.pdf"});
  CHECK(size.exit_code == 3);
  CHECK(size.err.find("100x70") != std::string::npos);
}

TEST_CASE("a lot label carries its 合格证's QR with --hgz: one QR for both", "[cli][hgz][labels]") {
  Cli cli;
  cli.Seed();
  const std::string lot = IssueLot(cli, "100");
  const std::string other = IssueLot(cli, "100");
  json a = cli.Json({"hgz", "issue", "--lot", lot, "--weight-kg", "12.5", "--basis", "control",
                     "--contact", "13800138000"},
                    "hgz.schema.json");
  json b = cli.Json({"hgz", "issue", "--lot", other, "--weight-kg", "1", "--basis", "control",
                     "--contact", "13800138000"},
                    "hgz.schema.json");
  const std::string number = a["number"];
  const std::string url = std::string(kBase) + "/H/" + number;

  // PDF: the QR decodes to the certificate's page (which shows the lot after it), and the
  // label is titled 承诺达标合格证 above the lot's own lines.
  std::string typed = number;  // as a clerk may type it: lower case
  for (char& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  json printed = cli.Json({"label", "print", "--lot", lot, "--lot-only", "--hgz", typed,
                           "--format", "pdf", "--size", "60x40", "--out", cli.dir / "lot.pdf"},
                          "label-print.schema.json");
  CHECK(printed["labels"] == 1);
  REQUIRE(RunProcess({"/usr/bin/pdftoppm", "-r", "600", "-png", "-singlefile",
                      cli.dir / "lot.pdf", cli.dir / "lot"})
              .exit_code == 0);
  CHECK(lt::DecodeOne(lt::LoadPng(cli.dir / "lot.png")) == url);
  std::string text = RunProcess({"/usr/bin/pdftotext", cli.dir / "lot.pdf", "-"}).out;
  REQUIRE(text.find("承诺达标合格证") != std::string::npos);
  CHECK(text.find("承诺达标合格证") < text.find("白沙绿茶"));  // the title first, the product after
  CHECK(text.find(number) != std::string::npos);
  CHECK(text.find("批次 " + lot.substr(0, 5) + "-" + lot.substr(5)) != std::string::npos);
  // The print run records which certificate the label carried, as the certificate writes it.
  CHECK(RunProcess({"/usr/bin/sqlite3", cli.db, "SELECT options FROM print_runs"}).out.find(
            "\"hgz\":\"" + number + "\"") != std::string::npos);

  // TSPL for the roll printer: the QRCODE command carries exactly the certificate's URL.
  REQUIRE(cli.Run({"label", "print", "--lot", lot, "--lot-only", "--hgz", number, "--format",
                   "tspl", "--size", "60x40", "--out", cli.dir / "lot.tspl"})
              .exit_code == 0);
  CHECK(TsplQrData(lt::ReadFile(cli.dir / "lot.tspl")) == url);

  // Refused, with nothing written: another lot's certificate, a unit label, an unknown number.
  const std::string runs = Count(cli, "print_runs");
  const std::string other_number = b["number"];
  auto wrong = cli.Run({"label", "print", "--lot", lot, "--lot-only", "--hgz", other_number,
                        "--format", "pdf", "--out", cli.dir / "wrong.pdf"});
  CHECK(wrong.exit_code == 3);
  CHECK(wrong.err.find("错误：合格证 " + other_number + " 是批次") == 0);
  CHECK(wrong.err.find("hgz list --lot") != std::string::npos);
  cli.Json({"label", "mint", "--lot", lot, "--count", "2"}, "label-mint.schema.json");
  auto units = cli.Run({"label", "print", "--lot", lot, "--hgz", number, "--format", "pdf",
                        "--out", cli.dir / "units.pdf"});
  CHECK(units.exit_code == 3);
  CHECK(units.err.find("--lot-only") != std::string::npos);
  CHECK(cli.Run({"label", "print", "--lot", lot, "--lot-only", "--hgz", "H0000000000",
                 "--format", "pdf", "--out", cli.dir / "none.pdf"})
            .exit_code == 4);
  for (const char* f : {"wrong.pdf", "units.pdf", "none.pdf"})
    CHECK(RunProcess({"/usr/bin/test", "-e", cli.dir / f}).exit_code != 0);
  CHECK(Count(cli, "print_runs") == runs);
}
