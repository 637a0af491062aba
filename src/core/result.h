// Result<T>: a value or the Status that explains why there is none.
//
// The surface follows std::expected (absent from g++ 12 in C++20 mode):
// ok(), value(), operator*, operator->, status(). Reading value() of a failed
// Result is a broken invariant and aborts.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

#include "core/status.h"

namespace paasmaker {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Internal("Result built from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { Check(); return *value_; }
  const T& value() const& { Check(); return *value_; }
  T&& value() && { Check(); return std::move(*value_); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T value_or(T fallback) const& { return ok() ? *value_ : std::move(fallback); }

 private:
  void Check() const {
    if (value_.has_value()) return;
    // Say which error was ignored: the crash report's backtrace says where.
    std::fprintf(stderr, "Result read without a value: %s\n", status_.ToString().c_str());
    std::abort();
  }
  std::optional<T> value_;
  Status status_;
};

}  // namespace paasmaker

#define PM_CONCAT_INNER_(a, b) a##b
#define PM_CONCAT_(a, b) PM_CONCAT_INNER_(a, b)

// PM_ASSIGN_OR_RETURN(auto x, Compute()); returns the Status if Compute failed.
#define PM_ASSIGN_OR_RETURN(lhs, expr) \
  PM_ASSIGN_OR_RETURN_IMPL_(PM_CONCAT_(pm_result_, __LINE__), lhs, expr)
#define PM_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
