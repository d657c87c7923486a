// Errors are values: every fallible registry call returns a Status (or Result<T>) that carries
// a user-facing reason in Chinese and English. The CLI maps codes to exit codes, the HTTP layer
// to problem+json statuses.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace agritrace {

enum class StatusCode {
  kOk = 0,
  kInvalid,    // input breaks a rule (bad checksum, date order, issue rule): exit 3 / HTTP 422
  kNotFound,   // the named record does not exist: exit 4 / HTTP 404
  kConflict,   // already exists / state forbids it: exit 3 / HTTP 409
  kForbidden,  // role or organisation may not do this: HTTP 403
  kIo,         // file system, database, crypto failure: exit 1 / HTTP 500
  kCorruption, // stored data does not match its hashes or signatures: exit 1
};

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string zh, std::string en) {
    return Status(StatusCode::kInvalid, std::move(zh), std::move(en));
  }
  static Status NotFound(std::string zh, std::string en) {
    return Status(StatusCode::kNotFound, std::move(zh), std::move(en));
  }
  static Status Conflict(std::string zh, std::string en) {
    return Status(StatusCode::kConflict, std::move(zh), std::move(en));
  }
  static Status Forbidden(std::string zh, std::string en) {
    return Status(StatusCode::kForbidden, std::move(zh), std::move(en));
  }
  static Status Io(std::string zh, std::string en) {
    return Status(StatusCode::kIo, std::move(zh), std::move(en));
  }
  static Status Corruption(std::string zh, std::string en) {
    return Status(StatusCode::kCorruption, std::move(zh), std::move(en));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& zh() const { return zh_; }
  const std::string& en() const { return en_; }
  // "中文说明 / English explanation", the form the CLI prints.
  std::string message() const { return zh_ + " / " + en_; }
  // A stable machine-readable reason ("cert-revoked"), used by refusals and problem+json types.
  const std::string& reason() const { return reason_; }
  Status& with_reason(std::string r) {
    reason_ = std::move(r);
    return *this;
  }

 private:
  Status(StatusCode c, std::string zh, std::string en)
      : code_(c), zh_(std::move(zh)), en_(std::move(en)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string zh_, en_, reason_;
};

// A value or the Status that explains why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Status status) : status_(std::move(status)) {}  // NOLINT
  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() { return *value_; }
  const T& operator*() const { return *value_; }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace agritrace
