// agritrace lot issue|show|export|recall|event add
#include <sys/stat.h>

#include <fstream>

#include "agritrace/registry/crockford.h"
#include "agritrace/registry/ed25519.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/household_table.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/lots.h"
#include "agritrace/registry/print_runs.h"
#include "agritrace/registry/table_import.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {
// Accepts the lot code as printed (XXXXX-XXXXX, any case).
std::string LotCodeArg(const std::string& text) { return crockford::Normalize(text); }

// One line on a lot: its code, what its signed record `r` says and the key that signed it.
std::string Summary(const std::string& code, const Json& r, const std::string& kid) {
  return "批次 / lot " + crockford::Group(code, 5) + "  " +
         r["product"]["name"].get<std::string>() + "  " + r["origin"]["full_name"].get<std::string>() +
         "  " + std::to_string(r["units"].get<int64_t>()) + " 件 units  包装 packed " +
         r["packed"].get<std::string>() + "  签名密钥 kid " + kid;
}

Status WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  if (!out.flush()) return Status::Io("无法写入 " + path, "cannot write " + path);
  return Status::Ok();
}
}  // namespace

void RegisterLotCommands(CLI::App& app, Context& ctx) {
  auto* lot = app.add_subcommand("lot", "批次 / lots");
  lot->require_subcommand(1);

  auto* issue = lot->add_subcommand("issue", "发放批次并签名 / issue and sign a lot");
  static LotInput in;
  static std::vector<std::string> households, inspections;
  static std::string households_file;
  issue->add_option("--product", in.product_id, "产品编号 / product id")->required();
  issue->add_option("--origin", in.origin, "产地（村级代码） / origin village code")->required();
  issue->add_option("--harvested", in.harvested, "采收日期 YYYY-MM-DD / harvest date")->required();
  issue->add_option("--packed", in.packed, "包装日期 YYYY-MM-DD / packing date")->required();
  issue->add_option("--units", in.units, "件数 / number of units")->required();
  issue->add_option("--cert", in.certs, "适用的证书编号，可多个 / certificate numbers");
  issue->add_option("--brand", in.brand_id, "品牌编号 / brand id");
  issue->add_option("--household", households, "农户 编号:公斤[:poor]，可多个 / household ID:KG[:poor]");
  issue->add_option("--households-file", households_file,
                    "农户表 CSV（UTF-8 或 GBK）或 .xlsx：农户编号,公斤[,脱贫户] / households from a "
                    "CSV or .xlsx table: id,kg[,registered_poor]");
  issue->add_option("--inspection", inspections, "检测 机构:报告编号:pass|fail / inspection AGENCY:REPORT:pass|fail");
  issue->callback([&ctx] {
    ctx.Run([&] {
      in.households.clear();
      in.inspections.clear();
      for (const auto& h : households) {
        auto p = ParseHousehold(h);
        if (!p.ok()) return ctx.Fail(p.status());
        in.households.push_back(*p);
      }
      if (!households_file.empty()) {
        auto file = ReadImportFile(households_file);
        if (!file.ok()) return ctx.Fail(file.status());
        auto table = ParseHouseholdTable(*file);
        if (!table.ok()) return ctx.Fail(table.status());
        in.households.insert(in.households.end(), table->begin(), table->end());
      }
      for (const auto& i : inspections) {
        auto p = ParseInspection(i);
        if (!p.ok()) return ctx.Fail(p.status());
        in.inspections.push_back(*p);
      }
      auto store = ctx.Open();
      if (!store) return;
      auto r = IssueLot(*store, in);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已发放并签名 / issued and signed: " + Summary(r->code, r->record, r->kid));
    });
  });

  static std::string code;
  auto* show = lot->add_subcommand("show", "查看批次、签名和追溯环节 / show a lot, its signature and trace");
  show->add_option("CODE", code, "批次码 / lot code")->required();
  show->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      auto r = GetLot(*store, LotCodeArg(code));
      if (!r.ok()) return ctx.Fail(r.status());
      // Printing, reprints above all: they are where copied labels come from.
      const PrintSummary p = LotPrintSummary(*store, LotCodeArg(code));
      Json out = *r;
      out["printing"] = p;
      std::string human = Summary(r->code, r->record, r->kid) +
                          (r->recalled ? "\n已召回 RECALLED" : "") + "\n" + r->record.dump(2) +
                          "\nsignature: " + r->signature;
      human += "\n打印 / printing: " + std::to_string(p.runs) +
               " 次 runs，已打印序号 serials printed " + std::to_string(p.serials_printed) +
               "，重复打印序号 reprinted serials " + std::to_string(p.reprinted_serials) + "（" +
               std::to_string(p.reprint_runs) + " 次 runs），未结束 unfinished " +
               std::to_string(p.unfinished_runs);
      if (p.reprinted_serials > 0)
        human += "\n注意：有标签被重复打印，详见 agritrace audit reprints / note: labels were "
                 "printed again, see agritrace audit reprints";
      ctx.Print(out, human);
    });
  });

  auto* exp = lot->add_subcommand("export", "导出签名记录供离线验签（record.json、record.sig、key.pem） / export for offline verification");
  static std::string dir;
  exp->add_option("CODE", code, "批次码 / lot code")->required();
  exp->add_option("--out", dir, "输出目录 / output folder")->required();
  exp->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open(OpenMode::kReadOnly);
      if (!store) return;
      auto r = GetLot(*store, LotCodeArg(code));
      if (!r.ok()) return ctx.Fail(r.status());
      auto pub = PublicKeyOf(*store, r->kid);
      if (!pub.ok()) return ctx.Fail(pub.status());
      auto sig = Base64UrlDecode(r->signature);
      mkdir(dir.c_str(), 0755);
      for (auto [name, bytes] : {std::pair<std::string, std::string>{"record.json", r->record_canonical},
                                 {"record.sig", sig.value_or("")},
                                 {"signature.txt", r->signature + "\n"},
                                 {"key.pem", Ed25519PublicKeyToPem(*pub)}})
        if (Status s = WriteFile(dir + "/" + name, bytes); !s.ok()) return ctx.Fail(s);
      ctx.Print({{"dir", dir}, {"files", {"record.json", "record.sig", "signature.txt", "key.pem"}}},
                "已导出到 / exported to " + dir + "\n验签 / verify: openssl pkeyutl -verify -pubin -inkey " + dir +
                    "/key.pem -rawin -in " + dir + "/record.json -sigfile " + dir + "/record.sig");
    });
  });

  auto* recall = lot->add_subcommand("recall", "召回批次（扫码时醒目提示） / recall a lot");
  static std::string reason;
  recall->add_option("CODE", code, "批次码 / lot code")->required();
  recall->add_option("--reason", reason, "召回原因 / reason")->required();
  recall->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto r = RecallLot(*store, LotCodeArg(code), reason);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已召回批次 / recalled lot " + crockford::Group(LotCodeArg(code), 5));
    });
  });

  auto* event = lot->add_subcommand("event", "追溯环节 / trace events");
  event->require_subcommand(1);
  auto* add = event->add_subcommand("add", "记录一个追溯环节 / record a trace step");
  static std::string step, at, place, actor, note;
  add->add_option("CODE", code, "批次码 / lot code")->required();
  add->add_option("--step", step, "planting|input-use|harvesting|inspecting|processing|packing|storing|shipping|receiving|retail|amendment")->required();
  add->add_option("--at", at, "时间 RFC 3339，如 2026-04-10T08:30:00+08:00 / time")->required();
  add->add_option("--place", place, "地点（行政区划代码） / place, region code")->required();
  add->add_option("--actor", actor, "经办方 / actor");
  add->add_option("--note", note, "说明 / note");
  add->callback([&ctx] {
    ctx.Run([&] {
      if (step == "recall")
        return ctx.Fail(Status::Invalid("召回请用 agritrace lot recall", "use agritrace lot recall to recall a lot"));
      auto store = ctx.Open();
      if (!store) return;
      auto r = AddTraceEvent(*store, LotCodeArg(code), step, at, place, actor, note);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已记录环节 / recorded " + step + " " + r->event.at);
    });
  });
}

}  // namespace agritrace::cli
