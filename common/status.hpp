#pragma once
// winnow::status — the one way recoverable errors travel through the project
// (style.md §6.6). A status is a code plus a human-readable message that names
// what was wrong (file, key, document id, byte offset). It is [[nodiscard]]:
// dropping one unread is a bug; an intentional ignore is spelled `.ignore()`.

#include <string>
#include <string_view>
#include <utility>

namespace winnow {

enum class status_code {
  ok = 0,
  invalid_argument,   // the caller's input is malformed (bad UTF-8, bad JSON line, ...)
  not_found,          // a key, document or file does not exist
  already_exists,
  corruption,         // stored bytes do not decode (truncated file, bad checksum, ...)
  io_error,           // the OS or the storage engine failed
  unsupported,        // a valid request this build or device cannot serve
  device_error,       // an accelerator call failed; the pool marks the device down
  resource_exhausted, // a queue or limit is full; retry later
  deadline_exceeded,  // the work could not finish in its time budget
  failed_precondition,// the system is not in a state to do this (format version, ...)
  unavailable,        // a peer or device is temporarily gone
  cancelled,
  internal,           // a bug we detected; never caused by input
};

// Returns a stable lowercase name such as "invalid_argument".
const char* to_string(status_code code);

class [[nodiscard]] status {
 public:
  status() = default;  // ok
  status(status_code code, std::string message)
      : code_(code), message_(std::move(message)) {}

  static status ok_status() { return {}; }
  static status invalid_argument(std::string m) { return {status_code::invalid_argument, std::move(m)}; }
  static status not_found(std::string m) { return {status_code::not_found, std::move(m)}; }
  static status already_exists(std::string m) { return {status_code::already_exists, std::move(m)}; }
  static status corruption(std::string m) { return {status_code::corruption, std::move(m)}; }
  static status io_error(std::string m) { return {status_code::io_error, std::move(m)}; }
  static status unsupported(std::string m) { return {status_code::unsupported, std::move(m)}; }
  static status device_error(std::string m) { return {status_code::device_error, std::move(m)}; }
  static status resource_exhausted(std::string m) { return {status_code::resource_exhausted, std::move(m)}; }
  static status deadline_exceeded(std::string m) { return {status_code::deadline_exceeded, std::move(m)}; }
  static status failed_precondition(std::string m) { return {status_code::failed_precondition, std::move(m)}; }
  static status unavailable(std::string m) { return {status_code::unavailable, std::move(m)}; }
  static status cancelled(std::string m) { return {status_code::cancelled, std::move(m)}; }
  static status internal(std::string m) { return {status_code::internal, std::move(m)}; }

  bool ok() const { return code_ == status_code::ok; }
  status_code code() const { return code_; }
  const std::string& message() const { return message_; }

  bool is_not_found() const { return code_ == status_code::not_found; }
  bool is_invalid_argument() const { return code_ == status_code::invalid_argument; }

  // "invalid_argument: line 7: expected '_id'" (or "ok").
  std::string to_string() const;

  // Returns a copy whose message is prefixed with `context: `, keeping the code.
  status with_context(std::string_view context) const;

  // Marks a deliberate decision to drop this status.
  void ignore() const {}

 private:
  status_code code_ = status_code::ok;
  std::string message_;
};

inline bool operator==(const status& a, const status& b) {
  return a.code() == b.code() && a.message() == b.message();
}

}  // namespace winnow

#define WINNOW_CONCAT_INNER_(a, b) a##b
#define WINNOW_CONCAT_(a, b) WINNOW_CONCAT_INNER_(a, b)

// Evaluates `expr` (a status); returns it from the enclosing function if not ok.
#define WINNOW_RETURN_IF_ERROR(expr)                       \
  do {                                                     \
    ::winnow::status winnow_status_tmp_ = (expr);          \
    if (!winnow_status_tmp_.ok()) return winnow_status_tmp_; \
  } while (0)
