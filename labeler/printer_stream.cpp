#include "labeler/printer_stream.h"

#include <algorithm>

namespace agritrace::labeler {

std::streamsize PrinterStream::xsputn(const char* s, std::streamsize n) {
  if (!status_.ok()) return 0;
  buffer_.append(s, static_cast<size_t>(n));
  produced_ += static_cast<uint64_t>(n);
  if (buffer_.size() >= PrinterConnection::kChunkBytes && !Flush(false)) return 0;
  return n;
}

PrinterStream::int_type PrinterStream::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  const char ch = traits_type::to_char_type(c);
  return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
}

// Holds bytes until armed; then sends whole chunks (all of the buffer with `all`).
int PrinterStream::sync() { return status_.ok() ? 0 : -1; }

bool PrinterStream::Flush(bool all) {
  if (!armed_ || !status_.ok()) return status_.ok();
  size_t n = all ? buffer_.size()
                 : buffer_.size() / PrinterConnection::kChunkBytes * PrinterConnection::kChunkBytes;
  if (n == 0) return true;
  status_ = connection_->Send(std::string_view(buffer_).substr(0, n));
  // What was not sent stays out of the buffer either way: the run ends here on failure.
  buffer_.erase(0, n);
  labels_confirmed();
  if (on_progress) on_progress(labels_written());
  return status_.ok();
}

Status PrinterStream::Finish() {
  if (!Flush(true)) return status_;
  status_ = connection_->Drain();
  return status_;
}

uint64_t PrinterStream::LabelsWithin(uint64_t bytes) const {
  return static_cast<uint64_t>(std::upper_bound(label_ends_.begin(), label_ends_.end(), bytes) -
                               label_ends_.begin());
}

uint64_t PrinterStream::labels_written() const {
  return labels_dropped_ + LabelsWithin(connection_->written());
}

// Confirmed labels are forgotten as they go, so that a million labels take no memory.
uint64_t PrinterStream::labels_confirmed() {
  const uint64_t confirmed = connection_->Confirmed();
  while (!label_ends_.empty() && label_ends_.front() <= confirmed) {
    label_ends_.pop_front();
    ++labels_dropped_;
  }
  return labels_dropped_;
}

}  // namespace agritrace::labeler
