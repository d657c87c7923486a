#include "agritrace/registry/store_migration.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <vector>

#include "agritrace/registry/backup.h"
#include "agritrace/registry/encoding.h"
#include "agritrace/registry/key_ring.h"
#include "agritrace/registry/log_audit.h"
#include "agritrace/registry/log_store.h"
#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/store.h"
#include "registry/postgresql_connection.h"

namespace agritrace {

void to_json(Json& j, const MigratedLog& l) {
  j = {{"size", l.size}, {"root", Base64Encode(l.root)}, {"checkpoints", l.checkpoints}};
}

void to_json(Json& j, const MigratedTable& t) { j = {{"table", t.table}, {"rows", t.rows}}; }

void to_json(Json& j, const RegistryMigration& m) {
  j = {{"from", m.from},
       {"to", m.to},
       {"key_dir", m.key_dir},
       {"schema_version", m.schema_version},
       {"tables", m.tables},
       {"rows", m.rows},
       {"keys", m.keys},
       {"table_mismatches", m.table_mismatches},
       {"source", m.source},
       {"target", m.target}};
}

namespace {

constexpr char kSchemaTable[] = "agritrace_schema";  // the target's own version table
constexpr char kMetaTable[] = "registry_meta";       // its migrations write default rows there
// Parameters of one INSERT: PostgreSQL allows 65,535; rows a batch: enough to cut round trips.
constexpr size_t kMaxParameters = 30000;
constexpr size_t kMaxBatchRows = 500;

std::string Quoted(std::string_view name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Literal(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string Joined(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? sep : "") + parts[i];
  return out;
}

Status SchemaDiffers(const std::string& zh, const std::string& en) {
  return Status::Io("源登记库与目标数据库的表结构不一致：" + zh +
                        "；未写入任何数据。请用同一版本的 agritrace 迁移",
                    "the source registry and the target database disagree on their tables: " + en +
                        "; nothing was written. Migrate with one agritrace version")
      .with_reason("migrate-schema-differs");
}

// How a value is sent to the target column: the column's type decides, so the bytes SQLite
// holds reach PostgreSQL unchanged and a value the column cannot take is the server's error.
enum class Kind { kInteger, kReal, kBoolean, kBlob, kText };

Kind KindOf(const std::string& pg_type) {
  if (pg_type == "bigint" || pg_type == "integer" || pg_type == "smallint") return Kind::kInteger;
  if (pg_type == "double precision" || pg_type == "real" || pg_type == "numeric")
    return Kind::kReal;
  if (pg_type == "boolean") return Kind::kBoolean;
  if (pg_type == "bytea") return Kind::kBlob;
  return Kind::kText;
}

// A table as the copy sees it.
struct TablePlan {
  std::string name;
  std::vector<std::string> columns;  // the source's, in its order (the target's of the same name)
  std::vector<Kind> kinds;           // the target column's kind of each
  bool rowid_column = false;         // the target's extra `rowid` receives SQLite's rowid
  std::string order_by;              // rowid, or the primary key of a WITHOUT ROWID table
  std::vector<std::string> identities;  // target identity columns, moved past the copied ids
};

struct TargetColumn {
  std::string name, type;
  bool identity = false;
};

std::vector<std::string> TargetTables(sql::Connection& db) {
  sql::Statement q(db,
                   "SELECT table_name FROM information_schema.tables WHERE table_schema = "
                   "current_schema() AND table_type = 'BASE TABLE' ORDER BY 1");
  std::vector<std::string> out;
  while (q.Step()) out.push_back(q.Column(0).String());
  return out;
}

std::vector<TargetColumn> TargetColumns(sql::Connection& db, const std::string& table) {
  sql::Statement q(db,
                   "SELECT column_name, data_type, is_identity = 'YES' OR column_default LIKE "
                   "'nextval(%' FROM information_schema.columns WHERE table_schema = "
                   "current_schema() AND table_name = ? ORDER BY ordinal_position");
  q.Bind(1, table);
  std::vector<TargetColumn> out;
  while (q.Step())
    out.push_back({q.Column(0).String(), q.Column(1).String(), q.Column(2).Int() != 0});
  return out;
}

Status NotEmpty(const std::string& url, const std::string& why_zh, const std::string& why_en) {
  return Status::Conflict("目标数据库 " + sql::RedactedUrl(url) + " 不是空的（" + why_zh +
                              "），未做任何改动；请迁移到一个新建的空数据库（createdb）",
                          "the target database " + sql::RedactedUrl(url) + " is not empty (" + why_en +
                              "); nothing was changed. Migrate into a new, empty database "
                              "(createdb)")
      .with_reason("migrate-target-not-empty");
}

// A target is empty when it has no tables, or only the tables of a registry with no rows in them
// (what a migrate that failed leaves) beside the rows the schema migrations write themselves.
Status CheckTargetEmpty(sql::Connection& db, const std::string& url) {
  const std::vector<std::string> tables = TargetTables(db);
  if (tables.empty()) return Status::Ok();
  if (std::find(tables.begin(), tables.end(), kSchemaTable) == tables.end())
    return NotEmpty(url, "有别的程序的表，如 " + tables.front(),
                    "it holds another program's tables, such as " + tables.front());
  for (const std::string& t : tables) {
    if (t == kSchemaTable || t == kMetaTable) continue;
    if (db.QueryValue("SELECT EXISTS (SELECT 1 FROM " + Quoted(t) + ")").Int() != 0)
      return NotEmpty(url, "已有登记库，表 " + t + " 中有数据",
                      "it already holds a registry: table " + t + " has rows");
  }
  return Status::Ok();
}

// The SQLite tables, each matched column by column with the target's table of the same name.
Result<std::vector<TablePlan>> PlanTables(sql::Connection& src, sql::Connection& dst) {
  std::vector<std::string> names;
  {
    sql::Statement q(src,
                     "SELECT name FROM sqlite_master WHERE type = 'table' AND "
                     "name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name");
    while (q.Step()) names.push_back(q.Column(0).String());
  }
  std::set<std::string> target_only;
  for (const std::string& t : TargetTables(dst))
    if (t != kSchemaTable) target_only.insert(t);
  std::vector<TablePlan> plans;
  for (const std::string& name : names) {
    if (!target_only.erase(name))
      return SchemaDiffers("目标数据库没有表 " + name, "the target has no table " + name);
    TablePlan plan;
    plan.name = name;
    std::map<std::string, TargetColumn> target;
    for (auto& c : TargetColumns(dst, name)) target.emplace(c.name, c);
    for (const auto& [column, c] : target)
      if (c.identity) plan.identities.push_back(column);
    std::vector<std::pair<int, std::string>> key;  // primary-key position, column
    sql::Statement cols(src, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid");
    cols.Bind(1, name);
    while (cols.Step()) {
      const std::string column = cols.Column(0).String();
      auto it = target.find(column);
      if (it == target.end())
        return SchemaDiffers("目标表 " + name + " 没有列 " + column,
                             "the target's table " + name + " has no column " + column);
      plan.columns.push_back(column);
      plan.kinds.push_back(KindOf(it->second.type));
      if (cols.Column(1).Int() > 0) key.emplace_back(cols.Column(1).Int(), Quoted(column));
      target.erase(it);
    }
    bool has_rowid = true;
    try {
      sql::Statement probe(src, "SELECT rowid FROM " + Quoted(name) + " LIMIT 0");
    } catch (const sql::Error&) {
      has_rowid = false;  // a WITHOUT ROWID table
    }
    if (has_rowid && target.count("rowid")) {
      plan.rowid_column = true;
      target.erase("rowid");
    }
    if (!target.empty())
      return SchemaDiffers(
          "源表 " + name + " 没有列 " + target.begin()->first,
          "the source's table " + name + " has no column " + target.begin()->first);
    std::sort(key.begin(), key.end());
    std::vector<std::string> key_columns;
    for (auto& [pos, column] : key) key_columns.push_back(column);
    plan.order_by = has_rowid ? "rowid" : Joined(key_columns, ", ");
    if (plan.order_by.empty()) plan.order_by = "1";
    plans.push_back(std::move(plan));
  }
  if (!target_only.empty())
    return SchemaDiffers("源登记库没有表 " + *target_only.begin(),
                         "the source has no table " + *target_only.begin());
  return plans;
}

// `plans` reordered so that every table comes after the tables its foreign keys name (the
// target's constraints, which are what each INSERT must satisfy); ties by name.
Result<std::vector<TablePlan>> ParentsFirst(sql::Connection& dst, std::vector<TablePlan> plans) {
  std::map<std::string, std::set<std::string>> parents;
  for (const auto& p : plans) parents[p.name];
  sql::Statement q(
      dst,
      "SELECT cl.relname, pl.relname FROM pg_constraint c "
      "JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_class pl ON pl.oid = c.confrelid "
      "JOIN pg_namespace n ON n.oid = cl.relnamespace "
      "WHERE c.contype = 'f' AND n.nspname = current_schema()");
  while (q.Step()) {
    const std::string child = q.Column(0).String(), parent = q.Column(1).String();
    if (child != parent && parents.count(child) && parents.count(parent))
      parents[child].insert(parent);  // a table naming itself (regions.parent): rowid order
  }
  std::vector<TablePlan> out;
  std::set<std::string> placed;
  while (out.size() < plans.size()) {
    bool progressed = false;
    for (auto& p : plans) {
      if (placed.count(p.name)) continue;
      const auto& need = parents[p.name];
      if (!std::all_of(need.begin(), need.end(), [&](auto& n) { return placed.count(n) > 0; }))
        continue;
      placed.insert(p.name);
      out.push_back(p);
      progressed = true;
    }
    if (!progressed)
      return SchemaDiffers("外键成环，无法确定复制顺序", "the foreign keys form a cycle");
  }
  return out;
}

struct Cell {
  enum { kNull, kText, kBlob } what = kNull;
  std::string bytes;
};

Cell Read(const sql::Value& v, Kind kind) {
  if (v.IsNull()) return {};
  switch (kind) {
    case Kind::kBlob:
      return {Cell::kBlob, v.Blob()};
    case Kind::kInteger:
      return {Cell::kText, v.IsInteger() ? std::to_string(v.Int64()) : v.String()};
    case Kind::kBoolean:
      return {Cell::kText, v.IsInteger() ? (v.Int64() != 0 ? "true" : "false") : v.String()};
    case Kind::kReal: {
      if (v.IsInteger()) return {Cell::kText, std::to_string(v.Int64())};
      char buf[64];
      const auto r = std::to_chars(buf, buf + sizeof buf, v.Double());  // shortest exact form
      return {Cell::kText, std::string(buf, r.ptr)};
    }
    case Kind::kText:
      return {Cell::kText, v.String()};
  }
  return {};
}

// Copies one table in batches of multi-row INSERTs, every value sent as text but blobs, so the
// server reads it as its column's type and one prepared statement serves every batch.
int64_t CopyTable(sql::Connection& src, sql::Connection& dst, const TablePlan& t,
                  const MigrateOptions& options) {
  const int64_t total = src.QueryValue("SELECT COUNT(*) FROM " + Quoted(t.name)).Int64();
  std::vector<std::string> source_cols, target_cols;
  std::vector<Kind> kinds;
  if (t.rowid_column) {
    source_cols.push_back("rowid");
    target_cols.push_back("rowid");
    kinds.push_back(Kind::kInteger);
  }
  for (size_t c = 0; c < t.columns.size(); ++c) {
    source_cols.push_back(Quoted(t.columns[c]));
    target_cols.push_back(Quoted(t.columns[c]));
    kinds.push_back(t.kinds[c]);
  }
  const size_t width = kinds.size();
  const size_t batch_rows = std::clamp<size_t>(kMaxParameters / width, 1, kMaxBatchRows);
  auto insert_sql = [&](size_t rows) {
    std::string row = "(" + Joined(std::vector<std::string>(width, "?"), ", ") + ")";
    return "INSERT INTO " + Quoted(t.name) + " (" + Joined(target_cols, ", ") + ") VALUES " +
           Joined(std::vector<std::string>(rows, row), ", ");
  };
  std::unique_ptr<sql::Statement> full;
  std::vector<Cell> cells;
  cells.reserve(batch_rows * width);
  int64_t copied = 0;
  auto flush = [&] {
    const size_t rows = cells.size() / width;
    if (rows == 0) return;
    std::unique_ptr<sql::Statement> partial;
    sql::Statement* ins;
    if (rows == batch_rows) {
      if (!full) full = std::make_unique<sql::Statement>(dst, insert_sql(batch_rows));
      ins = full.get();
    } else {
      partial = std::make_unique<sql::Statement>(dst, insert_sql(rows));
      ins = partial.get();
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      const int p = static_cast<int>(i) + 1;
      switch (cells[i].what) {
        case Cell::kNull:
          ins->Bind(p);
          break;
        case Cell::kText:
          ins->Bind(p, cells[i].bytes);
          break;
        case Cell::kBlob:
          ins->BindBlob(p, cells[i].bytes);
          break;
      }
    }
    copied += ins->Exec();
    ins->Reset();
    cells.clear();
    if (options.progress) options.progress(t.name, copied, total);
  };
  sql::Statement rows(src, "SELECT " + Joined(source_cols, ", ") + " FROM " + Quoted(t.name) +
                               " ORDER BY " + t.order_by);
  while (rows.Step()) {
    for (size_t c = 0; c < width; ++c)
      cells.push_back(Read(rows.Column(static_cast<int>(c)), kinds[c]));
    if (cells.size() == batch_rows * width) flush();
  }
  flush();
  if (total == 0 && options.progress) options.progress(t.name, 0, 0);
  return copied;
}

// Moves every identity past the largest copied value, as SQLite's next rowid would be: the next
// lot, scan or key row then gets a fresh id.
void ResetIdentities(sql::Connection& dst, const TablePlan& t) {
  for (const std::string& column : t.identities)
    dst.Exec("SELECT setval(pg_get_serial_sequence(" + Literal(Quoted(t.name)) + ", " +
             Literal(column) + "), COALESCE(MAX(" + Quoted(column) + "), 0) + 1, false) FROM " +
             Quoted(t.name));
}

// The log as `log verify` sees it: replayed and checked against its checkpoints and keys.
Result<MigratedLog> VerifiedLogHead(Store& store) {
  if (Status s = VerifyLog(store.db(), NoteVerifiers(store)); !s.ok()) return s;
  MigratedLog head;
  head.size = Size(store.db());
  auto root = Root(store.db(), head.size);
  if (!root.ok()) return root.status();
  head.root = *root;
  head.checkpoints = CountCheckpoints(store.db());
  return head;
}

// --- Signing keys ------------------------------------------------------------------------------

Result<std::vector<std::string>> KeyFiles(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return Status::NotFound("", "");
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".pem") == 0) names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The source's key files that the target folder still lacks. Refused when the source has no key
// folder or lacks its current key's file, and when the target folder holds a key file that is not
// one of the source's, byte for byte: two registries' keys never share a folder.
Result<std::vector<std::string>> KeysToCopy(Store& src, const std::string& from_dir,
                                            const std::string& to_dir) {
  auto names = KeyFiles(from_dir);
  std::string current;
  {
    sql::Statement q(src.db(), "SELECT kid FROM signing_keys WHERE retired_at IS NULL");
    if (q.Step()) current = q.Column(0).String() + ".pem";
  }
  if (!names.ok() || (!current.empty() && !std::count(names->begin(), names->end(), current)))
    return Status::NotFound(
               "找不到源登记库的签名私钥（" + from_dir + "/" + current +
                   "）；没有私钥的副本无法签发新记录。请把密钥目录放回登记库旁边再迁移",
               "the source registry's private signing key (" + from_dir + "/" + current +
                   ") is missing; a copy without it cannot sign. Put the "
                   "key folder back beside the registry, then migrate")
        .with_reason("keys-missing");
  auto present = KeyFiles(to_dir);
  std::vector<std::string> out;
  for (const std::string& n : *names) {
    const bool there = present.ok() && std::count(present->begin(), present->end(), n);
    if (!there) out.push_back(n);
  }
  if (present.ok()) {
    for (const std::string& n : *present) {
      const bool ours = std::count(names->begin(), names->end(), n) &&
                        FileBytes(from_dir + "/" + n) == FileBytes(to_dir + "/" + n);
      if (!ours)
        return Status::Conflict(
                   "密钥目录 " + to_dir + " 中已有别的私钥（" + n +
                       "），未做任何改动；请为这个登记库另设 AGRITRACE_KEY_DIR 为一个新目录",
                   "the key folder " + to_dir + " already holds another key (" + n +
                       "); nothing was changed. Point AGRITRACE_KEY_DIR at a new "
                       "folder for this registry")
            .with_reason("key-dir-holds-other-keys");
    }
  }
  return out;
}

void RemoveFiles(const std::vector<std::string>& paths) {
  for (const auto& p : paths) unlink(p.c_str());
}

// Copies `names` from `from_dir` into `to_dir` (made 0700 when missing); returns the files made.
// On failure removes what it made.
Result<std::vector<std::string>> CopyKeys(const std::vector<std::string>& names,
                                          const std::string& from_dir, const std::string& to_dir) {
  if (mkdir(to_dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::Io("无法创建密钥目录 " + to_dir, "cannot create key folder " + to_dir);
  std::vector<std::string> made;
  for (const std::string& n : names) {
    if (Status s = CopyKeyFile(from_dir + "/" + n, to_dir + "/" + n); !s.ok()) {
      RemoveFiles(made);
      return s;
    }
    made.push_back(to_dir + "/" + n);
  }
  return made;
}

// Everything that happens inside the two transactions: the source's snapshot, the target's one
// write. Throws sql::Error on a database failure (the caller's transactions roll back). Fills
// what it copied: the tables, rows, keys, target and table_mismatches.
Result<RegistryMigration> Copy(Store& src, Store& dst, const std::string& to_url,
                               const std::string& key_dir, const std::vector<std::string>& keys,
                               const MigratedLog& source_head, const MigrateOptions& options) {
  auto planned = PlanTables(src.db(), dst.db());
  if (!planned.ok()) return planned.status();
  auto plans = ParentsFirst(dst.db(), std::move(planned).value());
  if (!plans.ok()) return plans.status();

  sql::Transaction write(dst.db(), sql::TxKind::kLogged);
  if (Status s = CheckTargetEmpty(dst.db(), to_url); !s.ok()) return s;  // again, under the lock
  // The default rows the target's migrations wrote give way to the source's.
  for (auto it = plans->rbegin(); it != plans->rend(); ++it)
    if (dst.db().QueryValue("SELECT EXISTS (SELECT 1 FROM " + Quoted(it->name) + ")").Int() != 0)
      dst.db().Exec("DELETE FROM " + Quoted(it->name));
  RegistryMigration out;
  for (const TablePlan& t : *plans) {
    const int64_t n = CopyTable(src.db(), dst.db(), t, options);
    ResetIdentities(dst.db(), t);
    out.tables.push_back({t.name, n});
    out.rows += n;
  }

  auto target_head = VerifiedLogHead(dst);
  const auto differs = [&](const std::string& zh, const std::string& en) {
    return Status::Corruption(
               "副本的透明日志与源登记库不一致（" + zh + "），目标数据库已回滚，未写入任何数据",
               "the copy's transparency log differs from the source's (" + en +
                   "); the target was rolled back, nothing was written")
        .with_reason("migrate-log-differs");
  };
  if (!target_head.ok()) return differs(target_head.status().zh(), target_head.status().en());
  if (target_head->size != source_head.size || target_head->root != source_head.root)
    return differs(
        "树大小 " + std::to_string(target_head->size) + " 对 " + std::to_string(source_head.size),
        "tree size " + std::to_string(target_head->size) + " against " +
            std::to_string(source_head.size) + ", or another root");
  // `log verify` also holds every table row against its event: the copy must agree as well as the
  // source does (a source's own mismatches are carried over, and `log verify` names them).
  auto audit = AuditTables(dst.db(), 10);
  if (!audit.ok()) return audit.status();
  if (audit->mismatch_count > 0) {
    auto source_audit = AuditTables(src.db(), 10);
    if (!source_audit.ok()) return source_audit.status();
    if (source_audit->mismatch_count != audit->mismatch_count)
      return differs(std::to_string(audit->mismatch_count) + " 行与日志不符",
                     std::to_string(audit->mismatch_count) + " rows disagree with the log");
  }

  auto made = CopyKeys(keys, KeyDirFor(src.path()), key_dir);
  if (!made.ok()) return made.status();
  try {
    write.Commit();
  } catch (...) {
    RemoveFiles(*made);
    throw;
  }
  out.keys = static_cast<int64_t>(keys.size());
  out.target = *target_head;
  out.table_mismatches = audit->mismatch_count;
  return out;
}

}  // namespace

Result<RegistryMigration> MigrateRegistry(const std::string& from_path, const std::string& to_url,
                             const MigrateOptions& options) {
  if (sql::IsPostgresqlUrl(from_path))
    return Status::Invalid("--from 须是 SQLite 登记库文件的路径",
                           "--from must be the path of an SQLite registry file")
        .with_reason("migrate-source-not-sqlite");
  if (!sql::IsPostgresqlUrl(to_url))
    return Status::Invalid("--to 须是 PostgreSQL 数据库的地址（postgresql://…）",
                           "--to must be a PostgreSQL database URL (postgresql://…)")
        .with_reason("migrate-target-not-postgresql");
  const std::string key_dir = KeyDirFor(to_url);
  if (key_dir.empty())
    return Status::Invalid(
               "PostgreSQL 登记库的签名私钥存放在本机目录：请用环境变量 AGRITRACE_KEY_DIR 指定，"
               "迁移会把私钥复制到那里；未做任何改动",
               "a PostgreSQL registry keeps its private signing keys in a local folder: set "
               "AGRITRACE_KEY_DIR to it, and migrate copies the keys there; nothing was changed")
        .with_reason("key-dir-unset");
  auto source = Store::Open(from_path, OpenMode::kExisting);
  if (!source.ok()) return source.status();
  Store& src = **source;
  try {
    sql::PostgresqlConnection probe(to_url);
    if (Status s = CheckTargetEmpty(probe, to_url); !s.ok()) return s;
  } catch (const sql::Error& e) {
    return Status::Io("无法连接目标数据库 " + sql::RedactedUrl(to_url) + "：" + e.what(),
                      "cannot connect to the target database " + sql::RedactedUrl(to_url) + ": " + e.what());
  }

  try {
    // One snapshot of the source for everything read from it.
    sql::Transaction snapshot(src.db(), sql::TxKind::kRead);
    const int64_t through = ScanJournalThrough(src.db());
    if (options.scan_journal_last > static_cast<uint64_t>(std::max<int64_t>(through, 0)))
      return Status::Conflict(
                 "扫码日志中还有 agritrace serve "
                 "已答复、尚未写入登记库的扫码，未做任何改动；请再启动一次 "
                 "agritrace serve（它先写入这些扫码），正常停止后再迁移",
                 "the scan journal holds scans agritrace serve answered but did not store in the "
                 "registry; nothing was changed. Start agritrace serve once more (it stores them "
                 "first), stop it, then migrate")
          .with_reason("scans-not-committed");
    auto source_head = VerifiedLogHead(src);
    if (!source_head.ok())
      return Status::Corruption("源登记库的透明日志核对不通过：" + source_head.status().zh() +
                                    "；未做任何改动。请先运行 agritrace log verify 查明原因",
                                "the source registry's transparency log does not verify: " +
                                    source_head.status().en() +
                                    "; nothing was changed. Run agritrace log verify first")
          .with_reason("log-corrupt");
    auto keys = KeysToCopy(src, KeyDirFor(from_path), key_dir);
    if (!keys.ok()) return keys.status();

    auto target = Store::Open(to_url, OpenMode::kCreate);
    if (!target.ok()) return target.status();
    Store& dst = **target;
    const int source_version = src.db().QueryValue("PRAGMA user_version").Int();
    const int target_version =
        dst.db().QueryValue(std::string("SELECT version FROM ") + kSchemaTable).Int();
    if (source_version != target_version)
      return SchemaDiffers(
          "版本 " + std::to_string(source_version) + " 对 " + std::to_string(target_version),
          "schema version " + std::to_string(source_version) + " against " +
              std::to_string(target_version));
    auto copied = Copy(src, dst, to_url, key_dir, *keys, *source_head, options);
    if (!copied.ok()) return copied.status();
    RegistryMigration out = std::move(copied).value();
    out.from = from_path;
    out.to = sql::RedactedUrl(to_url);
    out.key_dir = key_dir;
    out.schema_version = source_version;
    out.source = *source_head;
    return out;
  } catch (const sql::Error& e) {
    return Status::Io(std::string("迁移失败，目标数据库已回滚，未写入任何数据：") + e.what() +
                          "；查明原因后可再次运行 agritrace migrate",
                      std::string("migration failed and the target was rolled back, no rows were "
                                  "written: ") +
                          e.what() + "; fix the cause and run agritrace migrate again")
        .with_reason("migrate-failed");
  }
}

}  // namespace agritrace
