// agritrace migrate --from PATH.db --to postgresql://…: a county's registry moved to PostgreSQL
// (registry/store_migration.h), with progress on stderr and both logs' size and root at the end.
#include <sys/stat.h>

#include <chrono>
#include <iostream>

#include "agritrace/http/scan_journal.h"
#include "agritrace/http/scan_recorder.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/store_migration.h"
#include "cli/context.h"

namespace agritrace::cli {
namespace {

// Tables of more rows than this report their progress while they copy, not only when done.
constexpr int64_t kReportRowsFrom = 100000;

// Prints "table: copied / total" when a table is done, and for a big table every second or so.
class ProgressPrinter {
 public:
  void operator()(const std::string& table, int64_t copied, int64_t total) {
    if (total == 0) return;  // an empty table: nothing to tell
    const auto now = std::chrono::steady_clock::now();
    const bool done = copied >= total;
    if (!done && (total < kReportRowsFrom || now - last_ < std::chrono::seconds(1))) return;
    last_ = now;
    std::cerr << "  " << table << ": " << copied << " / " << total
              << (done ? " 行已复制 / rows copied" : " …") << "\n";
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

void RegisterMigrateCommand(CLI::App& app, Context& ctx) {
  auto* migrate = app.add_subcommand(
      "migrate",
      "把 SQLite 登记库整体复制到空的 PostgreSQL 数据库，私钥复制到 $AGRITRACE_KEY_DIR（先停止 "
      "serve） / copy an SQLite registry whole into an empty PostgreSQL database, keys into "
      "$AGRITRACE_KEY_DIR (stop serve first)");
  static std::string from, to;
  migrate->add_option("--from", from, "SQLite 登记库文件 / the SQLite registry file")->required();
  migrate
      ->add_option("--to", to,
                   "空的 PostgreSQL 数据库（postgresql://…） / an empty PostgreSQL database")
      ->required();
  migrate->callback([&ctx] {
    ctx.Run([&] {
      MigrateOptions options;
      // A running serve holds the scan journal: keep it locked so none starts while we copy, and
      // learn how far it goes (scans it holds past scan_journal_through were never stored).
      std::unique_ptr<http::ScanJournal> journal;
      struct stat st;
      const std::string journal_path = http::ScanJournalPath(from);
      if (stat(journal_path.c_str(), &st) == 0) {
        auto opened = http::ScanJournal::Open(journal_path);
        if (!opened.ok()) return ctx.Fail(opened.status());
        journal = std::move(opened).value();
        auto entries = journal->ReadAll();
        if (!entries.ok()) return ctx.Fail(entries.status());
        for (const auto& e : *entries)
          options.scan_journal_last = std::max(options.scan_journal_last, e.seq);
      }
      ProgressPrinter printer;
      if (!ctx.json) options.progress = std::ref(printer);
      auto r = MigrateRegistry(from, to, options);
      if (!r.ok()) return ctx.Fail(r.status());
      auto head = [](const MigratedLog& h) {
        return "size " + std::to_string(h.size) + ", root " + Base64Encode(h.root) + ", " +
               std::to_string(h.checkpoints) + " checkpoints";
      };
      ctx.Print(Json(*r), "已迁移 / migrated " + std::to_string(r->rows) + " 行 rows in " +
                              std::to_string(r->tables.size()) + " 张表 tables, " +
                              std::to_string(r->keys) + " 个私钥 keys → " + r->key_dir +
                              "\n透明日志 / transparency log:\n  源库 source: " + head(r->source) +
                              "\n  新库 copy:   " + head(r->target) +
                              "\n两者一致 / they agree. 今后请用 / from now on use: AGRITRACE_KEY_DIR=" +
                              r->key_dir + " agritrace --db '" + r->to + "' …");
    });
  });
}

}  // namespace agritrace::cli
