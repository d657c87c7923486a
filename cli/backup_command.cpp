// agritrace backup --out PATH: the registry and its signing keys, copied while it runs.
#include "agritrace/registry/backup.h"
#include "agritrace/registry/key_ring.h"
#include "cli/context.h"

namespace agritrace::cli {

void RegisterBackupCommand(CLI::App& app, Context& ctx) {
  auto* backup = app.add_subcommand(
      "backup", "备份登记库和签名私钥（服务运行时也可备份） / back up the registry and its keys, also while serving");
  static std::string out;
  backup->add_option("--out", out, "备份文件路径，私钥写到同名 .keys 目录 / backup file; keys go to OUT.keys/")
      ->required();
  backup->callback([&ctx] {
    ctx.Run([&] {
      auto r = BackupRegistry(ctx.db_path, out);
      if (!r.ok()) return ctx.Fail(r.status());
      ctx.Print(Json(*r), "已备份到 / backed up to " + out + "（" + std::to_string(r->events) +
                              " 个事件 events，" + std::to_string(r->keys) + " 个私钥 keys in " +
                              out + ".keys/）\n恢复 / to restore: cp " + out + " " + ctx.db_path +
                              " && cp -r " + out + ".keys/. " + KeyDirFor(ctx.db_path) + "/");
    });
  });
}

}  // namespace agritrace::cli
