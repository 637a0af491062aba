// TempDir: a fresh directory under $TMPDIR (or /tmp), removed with its
// contents when the object is destroyed (unless PAASMAKER_KEEP_TEST_DIRS is set,
// for post-mortems).
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "core/result.h"

namespace paasmaker::testing {

class TempDir {
 public:
  explicit TempDir(const std::string& prefix = "pm-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Polls `condition` every `interval` until it is true or `timeout` passes.
// Returns whether it became true. Never a fixed sleep: the wait ends as soon
// as the condition holds.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds interval = std::chrono::milliseconds(20));

// Test ports: free on the loopback now, below the kernel's ephemeral range
// (so no outgoing connection takes them before the server binds) and outside
// Paasmaker's default range (42500-42799, which the default single-node
// tests need). None is handed out twice in one process.
Result<int> FreeTestPort();
// The first of `count` consecutive such ports: a private misc_ports /
// service_ports pool for one test node.
Result<int> FreeTestPortRange(int count);

}  // namespace paasmaker::testing
