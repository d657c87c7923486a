#include "agritrace/registry/backup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "agritrace/registry/key_ring.h"
#include "registry/postgresql_connection.h"
#include "registry/sqlite_connection.h"

namespace agritrace {
namespace {

bool Exists(const std::string& path) {
  struct stat st;
  return lstat(path.c_str(), &st) == 0;
}

void RemoveTree(const std::string& dir) {
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") unlink((dir + "/" + name).c_str());
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

Result<int> CopyKeys(const std::string& from_dir, const std::string& to_dir) {
  DIR* d = opendir(from_dir.c_str());
  if (!d)
    return Status::NotFound("找不到密钥目录 " + from_dir +
                                "，没有私钥的备份无法签发新批次；请确认 --db 指向正在使用的登记库",
                            "key folder " + from_dir +
                                " not found; a backup without the private keys cannot sign; check "
                                "that --db names the registry in use");
  std::vector<std::string> names;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".pem") == 0) names.push_back(name);
  }
  closedir(d);
  if (mkdir(to_dir.c_str(), 0700) != 0)
    return Status::Io("无法创建密钥目录 " + to_dir, "cannot create key folder " + to_dir);
  for (const auto& n : names) {
    Status s = CopyKeyFile(from_dir + "/" + n, to_dir + "/" + n);
    if (!s.ok()) return s;
  }
  return static_cast<int>(names.size());
}

}  // namespace

void to_json(Json& j, const RegistryBackup& b) {
  j = {{"out", b.out}, {"keys", b.keys}, {"bytes", b.bytes}, {"pages", b.pages},
       {"events", b.events}};
}

Status CopyKeyFile(const std::string& from, const std::string& to) {
  int in = open(from.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) return Status::Io("无法读取密钥文件 " + from, "cannot read key file " + from);
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    close(in);
    return Status::Io("无法写入密钥文件 " + to, "cannot write key file " + to);
  }
  char buf[4096];
  bool ok = true;
  for (ssize_t n; ok && (n = read(in, buf, sizeof buf)) != 0;) {
    ok = n > 0 && write(out, buf, static_cast<size_t>(n)) == n;
  }
  ok = ok && fsync(out) == 0;
  close(in);
  ok = close(out) == 0 && ok;
  if (!ok) return Status::Io("写入密钥文件失败 " + to, "writing key file failed: " + to);
  return Status::Ok();
}

Result<RegistryBackup> BackupRegistry(const std::string& db_path, const std::string& out_path) {
  const std::string keys_out = KeyDirFor(out_path);
  if (Exists(out_path) || Exists(keys_out))
    return Status::Conflict("备份目标 " + out_path + "（或其 .keys 目录）已存在；请换一个文件名，不会覆盖旧备份",
                            "backup target " + out_path +
                                " (or its .keys folder) exists; choose another name, old backups "
                                "are never overwritten")
        .with_reason("backup-exists");
  if (sql::IsPostgresqlUrl(db_path))
    return Status::Invalid("PostgreSQL 登记库请用 pg_dump 备份，并另行备份 AGRITRACE_KEY_DIR 中的密钥",
                           "back up a PostgreSQL registry with pg_dump, and the keys in "
                           "AGRITRACE_KEY_DIR separately")
        .with_reason("backup-postgresql");
  if (!Exists(db_path))
    return Status::NotFound("找不到登记库 " + db_path + "；请用 --db 指定路径",
                            "registry database " + db_path + " not found; pass --db");
  const std::string partial = out_path + ".partial";
  const std::string keys_partial = keys_out + ".partial";
  auto cleanup = [&] {
    unlink(partial.c_str());
    unlink((partial + "-journal").c_str());
    RemoveTree(keys_partial);
  };
  cleanup();  // leftovers of a backup killed before, never a finished one

  RegistryBackup out;
  try {
    auto src = sql::SqliteConnection::Open(db_path, {.read_only = true});
    int pages = 0;
    {
      sql::SqliteConnection dst(partial, {.create = true});
      pages = sql::CopySqliteDatabase(*src, dst);
      std::string check = dst.QueryValue("PRAGMA integrity_check").String();
      if (check != "ok") {
        cleanup();
        return Status::Corruption("备份副本完整性检查失败：" + check,
                                  "the backup copy failed its integrity check: " + check);
      }
      out.events = dst.QueryValue("SELECT COUNT(*) FROM events").Int64();
    }
    struct stat st;
    out.bytes = stat(partial.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
    out.pages = pages;
  } catch (const sql::Error& e) {
    cleanup();
    return Status::Io(std::string("备份失败：") + e.what() + "；请检查目标目录可写、空间足够",
                      std::string("backup failed: ") + e.what() +
                          "; check the target folder is writable and has space");
  }

  auto keys = CopyKeys(KeyDirFor(db_path), keys_partial);
  if (!keys.ok()) {
    cleanup();
    return keys.status();
  }
  // The keys first, the database last: a file at out_path always has its keys beside it.
  if (rename(keys_partial.c_str(), keys_out.c_str()) != 0 ||
      rename(partial.c_str(), out_path.c_str()) != 0) {
    cleanup();
    RemoveTree(keys_out);
    return Status::Io("无法把备份改名为 " + out_path, "cannot rename the backup to " + out_path);
  }
  out.out = out_path;
  out.keys = *keys;
  return out;
}

}  // namespace agritrace
