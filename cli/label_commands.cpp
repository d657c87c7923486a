// agritrace label mint|organic-codes|export|print: unit codes (一物一码), code files for print
// shops and printer-ready labels, to files or straight to a printer.
#include <pwd.h>
#include <unistd.h>

#include <csignal>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "agritrace/labeler/code_export.h"
#include "agritrace/labeler/label_job.h"
#include "agritrace/labeler/qr_code.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/organic_codes.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {

// Who prints, for the print run record: the login running the command.
std::string CliActor() {
  const passwd* pw = getpwuid(geteuid());
  return std::string("cli:") + (pw && pw->pw_name ? pw->pw_name : std::to_string(geteuid()));
}

// "[#########-----------] 120 / 500 已发送 / sent" on one line of the terminal.
void ProgressBar(const char* what, uint64_t done, uint64_t total) {
  constexpr int kWidth = 30;
  const int filled = total ? static_cast<int>(done * kWidth / total) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '-');
  fprintf(stderr, "\r[%s] %llu / %llu %s", bar.c_str(), static_cast<unsigned long long>(done),
          static_cast<unsigned long long>(total), what);
  if (done == total) fputc('\n', stderr);
}

// SIGINT and SIGTERM set a flag instead of killing the command while it lives.
class StopOnSignals {
 public:
  StopOnSignals() {
    flag_ = 0;
    struct sigaction sa {};
    sa.sa_handler = [](int) { flag_ = 1; };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopOnSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
  static bool stopped() { return flag_ != 0; }

 private:
  static inline volatile sig_atomic_t flag_ = 0;
  struct sigaction old_int_ {}, old_term_ {};
};

}  // namespace

void RegisterLabelCommands(CLI::App& app, Context& ctx) {
  auto* label = app.add_subcommand("label", "追溯码与标签打印 / unit codes and labels");
  label->require_subcommand(1);

  auto* mint = label->add_subcommand("mint", "为批次生成一物一码 / mint unit codes for a lot");
  static labeler::MintRequest mreq;
  static std::string lot;
  mint->add_option("--lot", lot, "批次码 / lot code")->required();
  mint->add_option("--count", mreq.count,
                   "生成数量（不超过批次件数） / how many codes, up to the lot's units")
      ->required();
  mint->add_option("--spare", mreq.spare, "另外生成的备用码（补打损坏标签用） / extra spare codes");
  mint->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      mreq.lot_code = crockford::Normalize(lot);
      auto r = labeler::MintUnitCodes(*store, mreq);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已生成追溯码 / minted codes " + std::to_string(r->first_serial) + "–" +
                              std::to_string(r->last_serial) + "（备用 spares " +
                              std::to_string(r->spares) + "）");
    });
  });

  auto* organic = label->add_subcommand(
      "organic-codes", "导入认证机构分配的有机码 / load the 有机码 a certifier allocated to a lot");
  static std::string organic_file;
  organic->add_option("--lot", lot, "批次码 / lot code")->required();
  organic
      ->add_option("file", organic_file,
                   "有机码清单（文本、CSV 或 .xlsx），每行一个，- 为标准输入 / the list (text, CSV "
                   "or .xlsx), one code a line, - for stdin")
      ->required();
  organic->callback([&ctx] {
    ctx.Run([&] {
      std::string text;
      if (organic_file == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
      } else {
        auto file = ReadInputFile(organic_file);
        if (!file.ok()) return ctx.Fail(file.status());
        text = std::move(file).value();
      }
      auto codes = ParseOrganicCodes(text);
      if (!codes.ok()) return ctx.Fail(codes.status());
      auto store = ctx.Open();
      if (!store) return;
      auto r = LoadOrganicCodes(*store, crockford::Normalize(lot), *codes);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已导入有机码 / loaded 有机码: " + std::to_string(r->loaded) +
                              " 个，序号 serials " + std::to_string(r->first_serial) + "–" +
                              std::to_string(r->last_serial) + "（还有 " +
                              std::to_string(r->waiting) +
                              " 个追溯码等待有机码 / unit codes still waiting）");
    });
  });

  auto* exp = label->add_subcommand(
      "export", "导出码包给印刷厂（CSV/TXT，或加密 ZIP） / code files for print shops");
  static labeler::ExportRequest ereq;
  static bool password_stdin = false;
  exp->add_option("--lot", lot, "批次码 / lot code")->required();
  exp->add_option("--from", ereq.from, "起始序号 / first serial");
  exp->add_option("--to", ereq.to, "结束序号 / last serial");
  exp->add_option("--out", ereq.out,
                  "FILE.csv（UTF-8 带 BOM）、FILE.txt（每行一个网址）或 FILE.zip（AES-256 加密） / "
                  "FILE.csv, FILE.txt (one URL a line) or FILE.zip (AES-256 encrypted)")
      ->required();
  exp->add_flag("--password-stdin", password_stdin,
                "从标准输入读 ZIP 密码（第一行） / read the zip's password from stdin (first line)");
  exp->add_flag("--again", ereq.again,
                "再次导出以前导出过的序号（须给 --reason） / export serials exported before");
  exp->add_option("--reason", ereq.reason, "再次导出的原因 / why they are exported again");
  exp->callback([&ctx] {
    ctx.Run([&] {
      if (password_stdin) {
        std::getline(std::cin, ereq.password);
        if (!ereq.password.empty() && ereq.password.back() == '\r') ereq.password.pop_back();
        if (ereq.password.empty())
          return ctx.Fail(Status::Invalid("标准输入里没有密码", "no password on stdin")
                              .with_reason("export-password-missing"));
      }
      ereq.lot_code = crockford::Normalize(lot);
      ereq.actor = CliActor();
      auto store = ctx.Open();
      if (!store) return;
      auto r = labeler::ExportCodes(*store, ereq);
      if (!r.ok()) return ctx.Fail(r.status());
      const CodeExport& e = r->recorded.code_export;
      ctx.Print(Json(*r), "已导出 / exported: " + ereq.out + "（序号 serials " +
                              std::to_string(e.first_serial) + "–" +
                              std::to_string(e.last_serial) + "，" + std::to_string(r->rows) +
                              " 行 rows，导出记录 export " + std::to_string(e.id) +
                              "，SHA-256 " + e.sha256 + "）");
    });
  });

  auto* print = label->add_subcommand("print", "打印标签 / print labels");
  static labeler::PrintRequest preq;
  static std::string format, size = "50x30", sheet, ecc = "M";
  static int dpi = 203;
  print->add_option("--lot", lot, "批次码 / lot code");
  print->add_option("--from", preq.from, "起始序号 / first serial");
  print->add_option("--to", preq.to, "结束序号 / last serial");
  print->add_flag("--lot-only", preq.lot_only,
                  "只打印一个批次码（承诺达标合格证式） / one lot-code label");
  print->add_option("--hgz", preq.hgz,
                    "与 --lot-only 同用：标签的二维码是本批次这张承诺达标合格证的（一码两用） / with "
                    "--lot-only: the label's QR is this certificate's, one QR for both");
  print->add_flag("--offline-signed", preq.offline_signed,
                  "二维码带登记库签名，无网络也能用公钥验证（二维码更大） / QRs carry the registry's "
                  "signature, checkable offline (bigger QRs)");
  print->add_option("--format", format, "svg|png|pdf|zpl（斑马）|tspl（TSC/佳博/芯烨）");
  print->add_option("--size", size, "标签尺寸 宽x高 毫米，默认 50x30 / label size in mm");
  print->add_option("--dpi", dpi, "打印机分辨率 203|300 / printer dpi");
  print->add_option("--sheet", sheet, "A4 不干胶纸排版，如 a4:3x8 / A4 sticker sheet grid");
  print->add_option("--ecc", ecc, "二维码纠错等级 L|M|Q|H，默认 M / QR error correction");
  print->add_option("--copies", preq.options.copies, "每张标签份数 / copies of each label");
  print->add_option("--out", preq.out,
                    "输出文件（pdf/zpl/tspl）或目录（svg/png） / output file or folder");
  print->add_option("--printer", preq.printer,
                    "直接发送到打印机：tcp://IP[:9100] 或 /dev/usb/lp0 / send straight to a "
                    "printer: tcp://ADDRESS[:9100] or a device such as /dev/usb/lp0");
  print->add_option("--printer-timeout", preq.printer_timeout_seconds,
                    "打印机多少秒不接收数据就停止（默认 30） / seconds without progress before "
                    "stopping (30)");
  print->add_option("--resume", preq.resume,
                    "续打中断的打印任务（任务号见中断提示） / continue an interrupted print run");
  print->callback([&ctx, print] {
    ctx.Run([&] {
      if (preq.resume) {
        for (const char* o : {"--lot", "--from", "--to", "--lot-only", "--hgz", "--offline-signed",
                              "--format", "--size", "--dpi", "--sheet", "--ecc", "--copies",
                              "--out"})
          if (print->count(o))
            return ctx.Fail(Status::Invalid(
                std::string("--resume 沿用原任务的批次、范围、格式和选项，不能再给 ") + o +
                    "；只可另给 --printer（换一台打印机）",
                std::string("--resume repeats the run's lot, range, format and options: drop ") +
                    o + "; only --printer (another printer) may be given"));
      } else {
        if (lot.empty() || format.empty())
          return ctx.Fail(Status::Invalid("请给出 --lot 和 --format（或用 --resume 续打）",
                                          "give --lot and --format (or --resume a run)"));
        if (preq.out.empty() == preq.printer.empty())
          return ctx.Fail(Status::Invalid(
              "请给出 --out（写文件）或 --printer（直接打印）中的一个",
              "give one of --out (a file) or --printer (straight to a printer)"));
      }
      if (preq.printer_timeout_seconds < 1 || preq.printer_timeout_seconds > 3600)
        return ctx.Fail(Status::Invalid("--printer-timeout 应为 1 到 3600 秒",
                                        "--printer-timeout must be 1 to 3600 seconds"));
      if (preq.lot_only && (preq.from || preq.to))
        return ctx.Fail(Status::Invalid("--lot-only 不能与 --from/--to 同用",
                                        "--lot-only goes without --from/--to"));
      if (!preq.resume) {
        auto fmt = labeler::ParseLabelFormat(format);
        if (!fmt.ok()) return ctx.Fail(fmt.status());
        auto geometry = labeler::ParseLabelGeometry(size, dpi);
        if (!geometry.ok()) return ctx.Fail(geometry.status());
        auto level = labeler::ParseEccLevel(ecc);
        if (!level.ok()) return ctx.Fail(level.status());
        preq.format = *fmt;
        preq.options.label = *geometry;
        preq.options.ecc = *level;
        if (!sheet.empty()) {
          auto grid = labeler::ParseSheetGrid(sheet);
          if (!grid.ok()) return ctx.Fail(grid.status());
          preq.options.sheet = *grid;
        }
        preq.lot_code = crockford::Normalize(lot);
      }
      preq.actor = CliActor();
      const bool to_printer = !preq.printer.empty() || preq.resume;
      if (isatty(STDERR_FILENO))
        preq.progress = [to_printer](uint64_t done, uint64_t total) {
          if (to_printer) return ProgressBar("已发送 / sent", done, total);
          fprintf(stderr, "\r已生成 / rendered %llu / %llu", static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total));
          if (done == total) fputc('\n', stderr);
        };
      auto store = ctx.Open();
      if (!store) return;
      // Ctrl-C stops a printer run between chunks, so that it is recorded with what was sent.
      StopOnSignals stop_on_signals;
      preq.stop = [] { return StopOnSignals::stopped(); };
      auto r = labeler::PrintLabels(*store, preq);
      if (!r.ok()) {
        if (isatty(STDERR_FILENO)) fputc('\n', stderr);
        return ctx.Fail(r.status());
      }
      std::string human =
          (r->sent_through ? "已发送到打印机 / sent to the printer: " : "已写入 / written: ") +
          r->out + "（" + std::to_string(r->labels) + " 张标签 labels，打印任务 print run " +
          std::to_string(r->run) + "）";
      for (const std::string& t : r->omitted)
        human += "\n注意：放不下而省略 / left off for lack of room: " + t;
      ctx.Print(Json(*r), human);
    });
  });
}

}  // namespace agritrace::cli
