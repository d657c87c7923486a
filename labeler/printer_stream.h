// The labels of a print run on their way to a printer: an std::streambuf the ZPL and TSPL
// renderers write into, that holds bytes until the run is recorded (Arm), then sends them in
// chunks through a PrinterConnection, and knows where each label's bytes end, so that it can say
// which labels were written and which surely delivered (printer_connection.h).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <streambuf>
#include <string>

#include "labeler/printer_connection.h"

namespace agritrace::labeler {

class PrinterStream final : public std::streambuf {
 public:
  // `connection` must outlive the stream.
  explicit PrinterStream(PrinterConnection* connection) : connection_(connection) {}

  // Nothing is sent before Arm: a refusal before the run is recorded sends nothing.
  void Arm() { armed_ = true; }
  // The renderer finished a label: its bytes end here.
  void LabelEnd() { label_ends_.push_back(produced_); }
  // Sends everything held; then waits for the printer to confirm it (Drain).
  Status Finish();
  // The first failure of the connection, Ok when none.
  const Status& status() const { return status_; }

  // Labels whose every byte the kernel accepted, and those surely delivered.
  uint64_t labels_written() const;
  uint64_t labels_confirmed();
  // Called after each chunk sent with labels_written().
  std::function<void(uint64_t)> on_progress;

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int_type overflow(int_type c) override;
  int sync() override;

 private:
  bool Flush(bool all);
  uint64_t LabelsWithin(uint64_t bytes) const;

  PrinterConnection* connection_;
  std::string buffer_;
  uint64_t produced_ = 0;            // bytes the renderer wrote so far
  std::deque<uint64_t> label_ends_;  // of labels not yet confirmed
  uint64_t labels_dropped_ = 0;      // confirmed labels, no longer in label_ends_
  bool armed_ = false;
  Status status_;
};

}  // namespace agritrace::labeler
