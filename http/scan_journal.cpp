#include "agritrace/http/scan_journal.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace agritrace::http {
namespace {

uint64_t Fnv1a(const char* p, size_t n) {
  uint64_t h = 14695981039346656037ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

template <typename T>
void Put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

void PutString(std::string& out, const std::string& s) {
  Put<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out += s;
}

void Encode(const ScanJournal::Entry& e, std::string& out) {
  std::string payload;
  Put<uint64_t>(payload, e.seq);
  for (const std::string* s : {&e.row.code, &e.row.kind, &e.row.at, &e.row.net})
    PutString(payload, *s);
  Put<uint32_t>(out, static_cast<uint32_t>(payload.size()));
  out += payload;
  Put<uint64_t>(out, Fnv1a(payload.data(), payload.size()));
}

// Reads a T at `pos` of `data` if `end` leaves room; every length is checked before use.
template <typename T>
bool Get(const std::string& data, size_t& pos, size_t end, T& v) {
  if (end - pos < sizeof v) return false;
  std::memcpy(&v, data.data() + pos, sizeof v);
  pos += sizeof v;
  return true;
}

bool GetString(const std::string& data, size_t& pos, size_t end, std::string& s) {
  uint32_t n = 0;
  if (!Get(data, pos, end, n) || end - pos < n) return false;
  s.assign(data, pos, n);
  pos += n;
  return true;
}

Status WriteAll(int fd, const std::string& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      return Status::Io(std::string("写入扫码日志失败：") + std::strerror(errno),
                        std::string("writing the scan journal failed: ") + std::strerror(errno))
          .with_reason("scan-store-failed");
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status Errno(const std::string& what_zh, const std::string& what_en, const std::string& path) {
  return Status::Io(what_zh + " " + path + "：" + std::strerror(errno),
                    what_en + " " + path + ": " + std::strerror(errno));
}

}  // namespace

Result<std::unique_ptr<ScanJournal>> ScanJournal::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("无法打开扫码日志", "cannot open the scan journal", path);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return Status::Conflict("登记库 " + path + " 已被另一个 agritrace serve 使用，请先停止它",
                            "another agritrace serve is using this registry (" + path +
                                " is locked); stop it first")
        .with_reason("registry-in-use");
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    Status s = Errno("无法读取扫码日志", "cannot read the scan journal", path);
    ::close(fd);
    return s;
  }
  ::lseek(fd, 0, SEEK_END);
  return std::unique_ptr<ScanJournal>(new ScanJournal(path, fd, static_cast<uint64_t>(st.st_size)));
}

ScanJournal::~ScanJournal() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<ScanJournal::Entry>> ScanJournal::ReadAll() {
  std::string data(size_, '\0');
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::pread(fd_, data.data() + got, data.size() - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("无法读取扫码日志", "cannot read the scan journal", path_);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  data.resize(got);
  std::vector<Entry> out;
  size_t pos = 0;
  for (;;) {
    uint32_t len = 0;
    size_t p = pos;
    if (!Get(data, p, data.size(), len) || data.size() - p < len + sizeof(uint64_t)) break;
    uint64_t sum = 0;
    size_t q = p + len;
    Get(data, q, data.size(), sum);
    if (sum != Fnv1a(data.data() + p, len)) break;
    const size_t end = p + len;
    Entry e;
    if (!Get(data, p, end, e.seq) || !GetString(data, p, end, e.row.code) ||
        !GetString(data, p, end, e.row.kind) || !GetString(data, p, end, e.row.at) ||
        !GetString(data, p, end, e.row.net) || p != end)
      break;
    out.push_back(std::move(e));
    pos = q;
  }
  return out;
}

Status ScanJournal::Append(const std::vector<Entry>& entries) {
  std::string bytes;
  for (const auto& e : entries) Encode(e, bytes);
  Status s = WriteAll(fd_, bytes);
  if (!s.ok()) {
    // A torn record in the middle would hide every later one from ReadAll.
    if (::ftruncate(fd_, static_cast<off_t>(size_)) == 0)
      ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
    return s;
  }
  size_ += bytes.size();
  return s;
}

Status ScanJournal::Rewrite(const std::vector<Entry>& entries) {
  const std::string tmp = path_ + ".new";
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("无法写入扫码日志", "cannot write the scan journal", tmp);
  ::flock(fd, LOCK_EX | LOCK_NB);  // the lock moves with the journal to the new file
  std::string bytes;
  for (const auto& e : entries) Encode(e, bytes);
  Status s = WriteAll(fd, bytes);
  if (s.ok() && ::rename(tmp.c_str(), path_.c_str()) != 0)
    s = Errno("无法替换扫码日志", "cannot replace the scan journal", path_);
  if (!s.ok()) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return s;
  }
  ::close(fd_);
  fd_ = fd;
  size_ = bytes.size();
  ::lseek(fd_, static_cast<off_t>(size_), SEEK_SET);
  return Status::Ok();
}

}  // namespace agritrace::http
