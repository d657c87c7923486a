// The scan journal (DESIGN.md §8): an append-only file beside the registry (`<db>-scans`) that
// holds every scan from before its answer goes out until its batch is committed to the registry.
//
// "An answered scan is stored": the event loops hold a scan's answer until the journal holds the
// scan (http/scan_recorder.h). The journal, not the registry, is the point of no return because a
// registry write (a lot issued, two million spares minted) may hold SQLite's one write lock for
// seconds, and a consumer's answer must never wait for that. One write() per batch, without
// fsync: what write() returned survives the process being killed (SIGKILL, a crash, the OOM
// killer), the same promise the scans' own commits make (synchronous=NORMAL); a power cut may
// lose the last moments of scans, never registry state. The next start replays what the
// registry had not committed (scan_journal_through in registry_meta).
//
// Record: u32 payload length, payload (u64 sequence number, then code, kind, at, net, each a u32
// length and its bytes), u64 FNV-1a of the payload. A kill in the middle of a write leaves a torn
// last record, which reading ignores: its scans were never answered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "agritrace/registry/scan_store.h"
#include "agritrace/registry/status.h"

namespace agritrace::http {

class ScanJournal {
 public:
  struct Entry {
    uint64_t seq = 0;  // the scan's ticket: increasing, never reused for one registry
    ScanRow row;
  };

  // Opens (creates) the journal at `path` for this process alone: a second server on the same
  // registry would append to and compact the same file, so it is refused (Status::Conflict).
  static Result<std::unique_ptr<ScanJournal>> Open(const std::string& path);
  ~ScanJournal();
  ScanJournal(const ScanJournal&) = delete;
  ScanJournal& operator=(const ScanJournal&) = delete;

  // Every whole record, oldest first; reading stops at a torn or damaged record.
  Result<std::vector<Entry>> ReadAll();
  // Appends `entries` with one write. On failure the file is cut back to where it was, so that
  // later records stay readable.
  Status Append(const std::vector<Entry>& entries);
  // Replaces the contents with `entries`: written beside, then renamed over the journal, so a
  // kill leaves either the old journal or the new one whole.
  Status Rewrite(const std::vector<Entry>& entries);
  // Bytes in the journal.
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  ScanJournal(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

}  // namespace agritrace::http
