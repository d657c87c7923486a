// agritrace audit certs|refusals|scans|poverty|reprints|reexports|hgz|monthly: the bureau's reports
// as text, JSON, CSV or an Excel workbook (--out FILE.xlsx).
#include <fstream>
#include <iostream>

#include "agritrace/registry/audit_reports.h"
#include "agritrace/registry/code_exports.h"
#include "agritrace/registry/copied_codes.h"
#include "agritrace/registry/dates.h"
#include "agritrace/registry/print_runs.h"
#include "agritrace/registry/report_xlsx.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {
struct ReportOptions {
  bool csv = false;
  std::string out;
};

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

void Emit(Context& ctx, const ReportOptions& opt, const std::vector<Report>& reports) {
  if (EndsWith(opt.out, ".xlsx")) {
    if (Status s = WriteReportsXlsx(reports, opt.out); !s.ok()) return ctx.Fail(s);
    std::cerr << "已写入 / written: " << opt.out << "\n";
    return;
  }
  if (opt.csv || !opt.out.empty()) {
    std::string csv;
    for (const auto& r : reports) csv += (csv.empty() ? "" : "\r\n") + ReportCsv(r);
    if (opt.out.empty()) {
      std::cout << csv;
    } else {
      std::ofstream f(opt.out, std::ios::binary | std::ios::trunc);
      if (!(f << csv).flush())
        return ctx.Fail(Status::Io("无法写入 " + opt.out, "cannot write " + opt.out));
      std::cerr << "已写入 / written: " << opt.out << "\n";
    }
    return;
  }
  Json all = Json::array();
  std::string text;
  for (const auto& r : reports) {
    all.push_back(ReportJson(r));
    text += ReportText(r) + "\n";
  }
  ctx.Print(all.size() == 1 ? all[0] : all, text);
}

void AddOutput(CLI::App* cmd, ReportOptions& opt) {
  cmd->add_flag("--csv", opt.csv, "输出 CSV（UTF-8 带 BOM，可直接用表格软件打开） / CSV for spreadsheets");
  cmd->add_option("--out", opt.out,
                  "写入文件：.xlsx 为 Excel 工作簿，.csv 为 CSV / write to a file: .xlsx an Excel "
                  "workbook, .csv CSV");
  // Checked once all options are read, before the report runs: a usage error (exit 2).
  cmd->parse_complete_callback([&opt] {
    if (EndsWith(opt.out, ".xlsx") && opt.csv)
      throw CLI::ValidationError("--csv", "--csv 与 .xlsx 文件名矛盾 / --csv contradicts a .xlsx file name");
    // --out without --csv used to be ignored (the report printed): now the name must say.
    if (!opt.out.empty() && !opt.csv && !EndsWith(opt.out, ".xlsx") && !EndsWith(opt.out, ".csv"))
      throw CLI::ValidationError("--out", "文件名以 .xlsx 结尾写 Excel，以 .csv 结尾或加 --csv 写 CSV / "
                                          "name the file .xlsx for Excel, .csv (or add --csv) for CSV");
  });
}
}  // namespace

void RegisterAuditCommands(CLI::App& app, Context& ctx) {
  auto* audit = app.add_subcommand("audit", "稽查报表（农业农村局） / the bureau's audit reports");
  audit->require_subcommand(1);
  static ReportOptions opt;
  static std::string year, lot, month;
  static int threshold = 5, networks = 3;

  auto* certs = audit->add_subcommand("certs", "证书产量核对、到期提醒 / certified output and expiry");
  certs->add_option("--year", year, "年份，默认今年 / year, default this year");
  AddOutput(certs, opt);
  certs->callback([&ctx] {
    ctx.Run([&] {
      std::string y = year.empty() ? TodayShanghai().substr(0, 4) : year;
      if (Status s = CheckReportYear(y); !s.ok()) return ctx.Fail(s);
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {CertificateReport(*store, y)});
    });
  });

  auto* refusals = audit->add_subcommand("refusals", "被拒绝的批次发放 / refused lot issues");
  AddOutput(refusals, opt);
  refusals->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {RefusalReport(*store)});
    });
  });

  auto* scans = audit->add_subcommand("scans", "疑似复制的码与伪造码查询 / copied codes and forgery attempts");
  scans->add_option("--lot", lot, "只看某个批次 / one lot only");
  scans->add_option("--threshold", threshold, "扫码次数超过多少算可疑（默认 5） / scans beyond which a code is suspicious");
  scans->add_option("--networks", networks, "来自超过多少个网络算可疑（默认 3） / distinct networks beyond which it is suspicious");
  AddOutput(scans, opt);
  scans->callback([&ctx] {
    ctx.Run([&] {
      if (Status s = CheckNetworkThreshold(networks, "--networks"); !s.ok()) return ctx.Fail(s);
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      std::vector<Report> reports = {CopiedCodeReport(*store, lot, threshold, networks)};
      if (lot.empty()) reports.push_back(UnknownScanReport(*store));
      Emit(ctx, opt, reports);
    });
  });

  auto* poverty = audit->add_subcommand("poverty", "脱贫户供货占比 / share from registered-poor households");
  AddOutput(poverty, opt);
  poverty->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {PovertyReport(*store)});
    });
  });

  auto* reprints = audit->add_subcommand(
      "reprints", "重复打印（补打）的标签：复制码的来源 / labels printed again, where copies come from");
  AddOutput(reprints, opt);
  reprints->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {ReprintReport(*store)});
    });
  });

  auto* reexports = audit->add_subcommand(
      "reexports", "码包重复导出记录 / code files exported again");
  AddOutput(reexports, opt);
  reexports->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {ReexportReport(*store)});
    });
  });

  auto* hgz = audit->add_subcommand(
      "hgz", "承诺达标合格证：按主体、月份统计，及尚未开具的批次 / compliance certificates by "
             "organisation and month, and lots without one");
  AddOutput(hgz, opt);
  hgz->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {HgzReport(*store), LotsWithoutHgzReport(*store)});
    });
  });

  auto* monthly = audit->add_subcommand("monthly", "服务站月度报表 / the stations' monthly report");
  monthly->add_option("--month", month, "月份 YYYY-MM / month")->required();
  AddOutput(monthly, opt);
  monthly->callback([&ctx] {
    ctx.Run([&] {
      if (Status s = CheckReportMonth(month); !s.ok()) return ctx.Fail(s);
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      Emit(ctx, opt, {MonthlyReport(*store, month)});
    });
  });
}

}  // namespace agritrace::cli
