// Straight to the printer (issue 11): `label print --printer tcp://HOST[:PORT]` opens the raw port
// of a networked label printer (9100, "JetDirect"), `--printer /dev/usb/lp0` a USB printer's
// device (any character device, FIFO or existing file). Bytes go in bounded chunks, each write
// waiting until the printer takes it (backpressure: the sender never runs ahead by more than the
// socket's send buffer), with a timeout when it takes nothing for a while.
//
// What reached the printer, conservatively ("surely sent", docs/guide.md):
// - TCP: the bytes the printer's TCP stack acknowledged: written minus the socket's unacknowledged
//   bytes (SIOCOUTQ), asked after every write and again when the connection fails. Were the
//   question unanswerable, written minus the socket's send buffer size, which bounds them.
// - A device or file: every byte but those of the last successful write, which the driver may
//   still hold (usblp keeps one transfer in flight and reports its failure only on the next
//   write); at the normal end of a run all of them, when fsync (where the device has it) and
//   close report no error.
// An acknowledgement is not a print: a printer can still lose what it buffered (paper out, power
// off). It is the best the host can know.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "agritrace/registry/status.h"

namespace agritrace::labeler {

struct PrinterAddress {
  enum class Kind { kTcp, kDevice };
  Kind kind = Kind::kTcp;
  std::string host;  // TCP: a name, an IPv4 address or an IPv6 one (written [::1] in the URL)
  int port = 9100;
  std::string path;  // device
  // "tcp://HOST:PORT" or "device:PATH", as print runs record the destination.
  std::string Text() const;
};

// Default raw printing port (HP JetDirect, also TSC, Zebra, Gprinter, Xprinter).
inline constexpr int kRawPrinterPort = 9100;

// "tcp://HOST[:PORT]" or a path ("/dev/usb/lp0", "./out.prn"). Status::Invalid (reason
// "printer-address") for anything else: another scheme, no host, a bad or out-of-range port,
// spaces or control characters.
Result<PrinterAddress> ParsePrinterAddress(const std::string& text);

class PrinterConnection {
 public:
  // Connects (TCP, within `timeout_seconds`) or opens the device (it must exist and be a
  // character device, a FIFO with a reader, or a regular file, which is appended to).
  // Status::Io (reason "printer-unreachable") when it cannot, Invalid ("printer-address") for a
  // path that is no device. `stop`, when set, is asked while waiting and ends the wait.
  static Result<std::unique_ptr<PrinterConnection>> Open(const PrinterAddress& address,
                                                         int timeout_seconds,
                                                         std::function<bool()> stop = {});
  ~PrinterConnection();
  PrinterConnection(const PrinterConnection&) = delete;
  PrinterConnection& operator=(const PrinterConnection&) = delete;

  // Writes all of `bytes` in chunks of at most kChunkBytes, waiting (poll) while the printer
  // takes nothing, for at most the timeout without progress. Partial writes, EAGAIN and EINTR are
  // retried; SIGPIPE is not raised (MSG_NOSIGNAL). Status::Io (reason "printer-failed" or
  // "printer-timeout", "printer-stopped" when `stop` said so) when it cannot.
  Status Send(std::string_view bytes);
  // Waits until what was written is confirmed (TCP: acknowledged), at most the timeout without
  // progress; then a device is synced. Status::Io as Send.
  Status Drain();
  // Bytes accepted by the kernel so far.
  uint64_t written() const { return written_; }
  // Bytes surely delivered, by the rule above. Never more than written(); never decreases.
  uint64_t Confirmed();
  // Closes at once; TCP with a reset, so that nothing still queued goes out after a failure.
  void Abort();

  static constexpr size_t kChunkBytes = 16 * 1024;

 private:
  PrinterConnection(int fd, PrinterAddress address, int timeout_seconds,
                    std::function<bool()> stop);
  Status WaitWritable();
  Status Failure(const std::string& zh, const std::string& en, const char* reason) const;

  int fd_ = -1;
  PrinterAddress address_;
  int timeout_ms_;
  std::function<bool()> stop_;
  uint64_t written_ = 0;
  uint64_t before_last_write_ = 0;  // device rule: bytes written before the last write
  uint64_t confirmed_ = 0;
  bool drained_ = false;
};

}  // namespace agritrace::labeler
