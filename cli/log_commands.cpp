// agritrace log checkpoint|prove|consistency|verify: the transparency log (DESIGN.md §6).
#include "agritrace/registry/checkpoint_signer.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/log_audit.h"
#include "agritrace/registry/log_store.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {
Json Hashes(const std::vector<std::string>& proof) {
  Json out = Json::array();
  for (const auto& h : proof) out.push_back(Base64Encode(h));
  return out;
}
}  // namespace

void RegisterLogCommands(CLI::App& app, Context& ctx) {
  auto* log = app.add_subcommand("log", "透明日志 / transparency log");
  log->require_subcommand(1);

  log->add_subcommand("checkpoint", "签发当前日志检查点（C2SP signed note） / sign the current checkpoint")
      ->callback([&ctx] {
        ctx.Run([&] {
          auto store = ctx.Open();
          if (!store) return;
          auto cp = SignRegistryCheckpoint(*store);
          if (!cp.ok()) return ctx.Fail(cp.status());
          ctx.Print({{"origin", cp->origin},
                     {"size", cp->size},
                     {"root", Base64Encode(cp->root)},
                     {"note", cp->note}},
                    cp->note);
        });
      });

  auto* prove = log->add_subcommand("prove", "事件的包含证明 / inclusion proof of an event");
  static uint64_t index = 0, size = 0, from = 0, to = 0;
  prove->add_option("--event", index, "事件序号（从 0 开始） / event index, 0-based")->required();
  prove->add_option("--size", size, "树的大小，默认当前 / tree size, default current");
  prove->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      uint64_t n = size ? size : Size(store->db());
      auto proof = InclusionProof(store->db(), index, n);
      if (!proof.ok()) return ctx.Fail(proof.status());
      auto root = Root(store->db(), n);
      auto leaf = EventLeaf(store->db(), index);
      if (!leaf.ok()) return ctx.Fail(leaf.status());
      const std::string& text = *leaf;
      Json out = {{"index", index}, {"size", n}, {"leaf", text},
                  {"leaf_hash", Base64Encode(merkle::LeafHash(text))}, {"root", Base64Encode(*root)},
                  {"proof", Hashes(*proof)}};
      std::string human = "事件 / event " + std::to_string(index) + " of " + std::to_string(n) +
                          "\nroot " + Base64Encode(*root) + "\n";
      for (const auto& h : out["proof"]) human += h.get<std::string>() + "\n";
      ctx.Print(out, human);
    });
  });

  auto* consistency = log->add_subcommand("consistency", "两个检查点之间的一致性证明 / consistency proof");
  consistency->add_option("--from", from, "旧的树大小 / older size")->required();
  consistency->add_option("--to", to, "新的树大小 / newer size")->required();
  consistency->callback([&ctx] {
    ctx.Run([&] {
      auto store = ctx.Open();
      if (!store) return;
      auto proof = ConsistencyProof(store->db(), from, to);
      if (!proof.ok()) return ctx.Fail(proof.status());
      auto r1 = Root(store->db(), from), r2 = Root(store->db(), to);
      if (!r1.ok()) return ctx.Fail(r1.status());
      if (!r2.ok()) return ctx.Fail(r2.status());
      Json out = {{"from", from}, {"to", to}, {"root_from", Base64Encode(*r1)},
                  {"root_to", Base64Encode(*r2)}, {"proof", Hashes(*proof)}};
      std::string human;
      for (const auto& h : out["proof"]) human += h.get<std::string>() + "\n";
      ctx.Print(out, human.empty() ? "（空证明 / empty proof）" : human);
    });
  });

  log->add_subcommand("verify",
                      "从事件重算整棵树、核对所有检查点，并逐行核对登记表与日志事件 / recompute the "
                      "log, check every checkpoint, and check every table row against its event")
      ->callback([&ctx] {
        ctx.Run([&] {
          auto store = ctx.Open(OpenMode::kReadOnly);
          if (!store) return;
          Status log_status = VerifyLog(store->db(), NoteVerifiers(*store));
          auto audit = AuditTables(store->db());
          if (!audit.ok()) return ctx.Fail(audit.status());
          uint64_t n = Size(store->db());
          // The root of the whole tree: two registries that print the same size and root hold the
          // same log (a copy made by `migrate`, a restored backup).
          auto root = Root(store->db(), n);
          int64_t checkpoints = CountCheckpoints(store->db());
          const bool ok = log_status.ok() && audit->mismatch_count == 0;
          Json mismatches = Json::array();
          std::string human;
          if (!log_status.ok())
            human += "日志：" + log_status.zh() + "\n  log: " + log_status.en() + "\n";
          for (const TableMismatch& m : audit->mismatches) {
            Json j = {{"table", m.table}, {"key", m.key}, {"reason", m.reason},
                      {"message_zh", m.zh}, {"message_en", m.en}};
            if (m.event >= 0) j["event"] = m.event;
            mismatches.push_back(std::move(j));
            human += m.zh + "\n  " + m.en + "\n";  // each names its table and row
          }
          if (audit->mismatch_count > audit->mismatches.size())
            human += "……另有 " + std::to_string(audit->mismatch_count - audit->mismatches.size()) +
                     " 处不符未列出 / … and " +
                     std::to_string(audit->mismatch_count - audit->mismatches.size()) +
                     " more mismatches not listed\n";
          Json out = {{"ok", ok},
                      {"size", n},
                      {"checkpoints", checkpoints},
                      {"rows_checked", audit->rows_checked},
                      {"mismatch_count", audit->mismatch_count},
                      {"mismatches", mismatches}};
          if (root.ok()) out["root"] = Base64Encode(*root);
          if (!log_status.ok())
            out["log_error"] = {{"reason", log_status.reason()},
                                {"message_zh", log_status.zh()},
                                {"message_en", log_status.en()}};
          if (ok) {
            ctx.Print(out, "日志完整：" + std::to_string(n) + " 个事件，" + std::to_string(checkpoints) +
                               " 个检查点均一致，" + std::to_string(audit->rows_checked) +
                               " 行登记数据与日志相符 / log intact: " + std::to_string(n) +
                               " events, " + std::to_string(checkpoints) +
                               " checkpoints consistent, " + std::to_string(audit->rows_checked) +
                               " rows agree with the log\n树大小 / tree size " + std::to_string(n) +
                               "，根 / root " + (root.ok() ? Base64Encode(*root) : "?"));
            return;
          }
          // The report on stdout, the verdict on stderr; exit 1 as for a tampered event.
          ctx.Print(out, human);
          if (!log_status.ok()) return ctx.Fail(log_status);
          ctx.Fail(Status::Corruption(
                       "登记表有 " + std::to_string(audit->mismatch_count) +
                           " 处与日志不符（见上），登记库可能被篡改；请从备份恢复并查明原因",
                       std::to_string(audit->mismatch_count) +
                           " table rows disagree with the log (listed above): the registry may "
                           "have been tampered with; restore from a backup and investigate")
                       .with_reason("log-table-mismatch"));
        });
      });
}

}  // namespace agritrace::cli
