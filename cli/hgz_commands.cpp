// agritrace hgz issue|show|list|print: 承诺达标合格证, the certificate each shipment carries.
#include "agritrace/labeler/hgz_print.h"
#include "agritrace/registry/crockford.h"
#include "agritrace/registry/hgz.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {

std::string Quantity(const HgzSummary& h) {
  if (h.pieces) return std::to_string(*h.pieces) + " 件 pieces";
  return FormatKilograms(h.weight_g.value_or(0)) + " 公斤 kg";
}

// The certificate as the paper reads, one field a line.
std::string Describe(const Json& record, const std::string& kid) {
  std::string out(kHgzTitle);
  for (const HgzField& f : HgzFields(record))
    out += "\n" + f.zh + " " + f.en + ": " + f.value_zh;
  return out + "\n签名密钥 kid: " + kid;
}

}  // namespace

void RegisterHgzCommands(CLI::App& app, Context& ctx) {
  auto* hgz = app.add_subcommand("hgz", "承诺达标合格证 / compliance certificates (承诺达标合格证)");
  hgz->require_subcommand(1);

  auto* issue = hgz->add_subcommand("issue", "为批次的一次发货开具合格证 / issue a certificate for a shipment of a lot");
  static HgzInput in;
  static std::string lot, weight_kg;
  issue->add_option("--lot", lot, "批次码 / lot code")->required();
  auto* weight = issue->add_option("--weight-kg", weight_kg, "重量（公斤，最多 3 位小数） / weight in kg");
  auto* pieces = issue->add_option("--pieces", in.pieces, "件数 / pieces");
  weight->excludes(pieces);
  issue->add_option("--basis", in.basis,
                    "承诺依据 control（质量安全控制符合要求）|self-test（自行检测合格）|"
                    "commissioned-test（委托检测合格） / basis")
      ->required();
  issue->add_option("--report", in.report, "检测报告编号（检测合格时必填） / test report number");
  issue->add_option("--contact", in.contact, "联系电话 / contact phone")->required();
  issue->add_option("--style", in.style, "producer（生产者，默认）|collector（收购者） / style");
  issue->add_option("--from-hgz", in.from, "收购者收取的合格证编号，可多个 / certificates received (collector)");
  issue->callback([&ctx] {
    ctx.Run([&] {
      in.lot = crockford::Normalize(lot);
      in.weight_g = 0;
      if (!weight_kg.empty()) {
        auto g = ParseHgzWeightKg(weight_kg);
        if (!g.ok()) return ctx.Fail(g.status());
        in.weight_g = *g;
      }
      auto store = ctx.Open();
      if (!store) return;
      auto r = IssueHgz(*store, in);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(*r, "已开具并签名 / issued and signed:\n" + Describe(r->record, r->kid));
    });
  });

  static std::string number;
  auto* show = hgz->add_subcommand("show", "查看合格证及签名核验 / show a certificate and check its signature");
  show->add_option("NUMBER", number, "合格证编号 / certificate number")->required();
  show->callback([&ctx] {
    ctx.Run([&] {
      auto n = NormalizeHgzNumber(number);
      if (!n.ok()) return ctx.Fail(n.status());
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      auto r = GetHgz(*store, *n);
      if (!r.ok()) return ctx.Fail(r.status());
      std::string human = Describe(r->record, r->kid) + "\n签名 signature: " +
                          (r->signature_valid ? "有效 valid" : "无效 INVALID") +
                          (r->lot_recalled ? "\n批次已召回 LOT RECALLED" : "");
      ctx.Print(*r, human);
    });
  });

  auto* list = hgz->add_subcommand("list", "列出合格证（新的在前） / list certificates, newest first");
  list->add_option("--lot", lot, "只列这个批次的 / only this lot's");
  list->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      auto r = ListHgz(*store, crockford::Normalize(lot));
      if (!r.ok()) return ctx.Fail(r.status());
      std::string human;
      for (const auto& h : *r)
        human += h.number + "  " + h.issued_on + "  " + crockford::Group(h.lot, 5) + "  " +
                 Quantity(h) + "  " + h.party + "\n";
      if (r->empty()) human = "没有合格证 / no certificates";
      ctx.Print(Json(*r), human);
    });
  });

  auto* print = hgz->add_subcommand("print", "打印合格证 / print a certificate");
  static labeler::HgzPrintRequest preq;
  static std::string format, size;
  static int dpi = 203, copies = 0;
  print->add_option("NUMBER", number, "合格证编号 / certificate number")->required();
  print->add_option("--format", format, "pdf|png|svg|zpl（斑马）|tspl（TSC/佳博/芯烨）")->required();
  print->add_option("--size", size, "100x70|80x60|50x30（热敏标签）|a5|a4:2x3（A4 一页六张）")
      ->required();
  print->add_option("--dpi", dpi, "打印机分辨率 203|300 / printer dpi");
  print->add_option("--copies", copies, "份数，默认 1（a4:2x3 默认 6，一整页） / copies");
  print->add_option("--out", preq.out, "输出文件 / output file")->required();
  print->callback([&ctx, print] {
    ctx.Run([&] {
      auto n = NormalizeHgzNumber(number);
      if (!n.ok()) return ctx.Fail(n.status());
      auto fmt = labeler::ParseLabelFormat(format);
      if (!fmt.ok()) return ctx.Fail(fmt.status());
      auto geometry = labeler::ParseLabelGeometry("10x10", dpi);  // checks the dpi
      if (!geometry.ok()) return ctx.Fail(geometry.status());
      preq.options.label.dpi = dpi;
      if (Status s = labeler::ApplyHgzPaper(size, &preq.options); !s.ok()) return ctx.Fail(s);
      preq.options.copies = print->count("--copies") ? copies : preq.options.sheet ? 6 : 1;
      preq.number = *n;
      preq.format = *fmt;
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      auto r = labeler::PrintHgz(*store, preq);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已写入 / written: " + preq.out + "（二维码 QR " + r->url + "）");
    });
  });
}

}  // namespace agritrace::cli
