// agritrace label mint|print: unit codes (一物一码) and printer-ready labels.
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>

#include "cli/context.h"
#include "labeler/label_job.h"
#include "labeler/qr_code.h"
#include "registry/crockford.h"
#include "registry/organic_codes.h"

namespace agritrace::cli {

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
      ctx.Print(*r, "已生成追溯码 / minted codes " +
                        std::to_string((*r)["first_serial"].get<int64_t>()) + "–" +
                        std::to_string((*r)["last_serial"].get<int64_t>()) + "（备用 spares " +
                        std::to_string(mreq.spare) + "）");
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
      ctx.Print(
          *r, "已导入有机码 / loaded 有机码: " + std::to_string((*r)["loaded"].get<int64_t>()) +
                  " 个，序号 serials " + std::to_string((*r)["first_serial"].get<int64_t>()) + "–" +
                  std::to_string((*r)["last_serial"].get<int64_t>()) + "（还有 " +
                  std::to_string((*r)["waiting"].get<int64_t>()) +
                  " 个追溯码等待有机码 / unit codes still waiting）");
    });
  });

  auto* print = label->add_subcommand("print", "打印标签 / print labels");
  static labeler::PrintRequest preq;
  static std::string format = "pdf", size = "50x30", sheet, ecc = "M";
  static int dpi = 203;
  print->add_option("--lot", lot, "批次码 / lot code")->required();
  print->add_option("--from", preq.from, "起始序号 / first serial");
  print->add_option("--to", preq.to, "结束序号 / last serial");
  print->add_flag("--lot-only", preq.lot_only,
                  "只打印一个批次码（承诺达标合格证式） / one lot-code label");
  print->add_flag("--offline-signed", preq.offline_signed,
                  "二维码带登记库签名，无网络也能用公钥验证（二维码更大） / QRs carry the registry's "
                  "signature, checkable offline (bigger QRs)");
  print->add_option("--format", format, "svg|png|pdf|zpl（斑马）|tspl（TSC/佳博/芯烨）")
      ->required();
  print->add_option("--size", size, "标签尺寸 宽x高 毫米，默认 50x30 / label size in mm");
  print->add_option("--dpi", dpi, "打印机分辨率 203|300 / printer dpi");
  print->add_option("--sheet", sheet, "A4 不干胶纸排版，如 a4:3x8 / A4 sticker sheet grid");
  print->add_option("--ecc", ecc, "二维码纠错等级 L|M|Q|H，默认 M / QR error correction");
  print->add_option("--copies", preq.options.copies, "每张标签份数 / copies of each label");
  print
      ->add_option("--out", preq.out,
                   "输出文件（pdf/zpl/tspl）或目录（svg/png） / output file or folder")
      ->required();
  print->callback([&ctx] {
    ctx.Run([&] {
      if (preq.lot_only && (preq.from || preq.to))
        return ctx.Fail(Status::Invalid("--lot-only 不能与 --from/--to 同用",
                                        "--lot-only goes without --from/--to"));
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
      if (isatty(STDERR_FILENO))
        preq.progress = [](uint64_t done, uint64_t total) {
          fprintf(stderr, "\r已生成 / rendered %llu / %llu", static_cast<unsigned long long>(done),
                  static_cast<unsigned long long>(total));
          if (done == total) fputc('\n', stderr);
        };
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      auto r = labeler::PrintLabels(*store, preq);
      if (!r.ok()) return ctx.Fail(r.status());
      std::string human = "已写入 / written: " + preq.out + "（" +
                          std::to_string((*r)["labels"].get<uint64_t>()) + " 张标签 labels）";
      for (const auto& t : (*r)["omitted"])
        human += "\n注意：放不下而省略 / left off for lack of room: " + t.get<std::string>();
      ctx.Print(*r, human);
    });
  });
}

}  // namespace agritrace::cli
