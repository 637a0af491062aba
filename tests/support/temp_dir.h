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

// A free loopback port outside Paasmaker's default range (42500-42799), so a
// test never takes a port that a test of the default single-node setup needs.
Result<int> FreeTestPort();
// The first of `count` consecutive ports that are free now, below the
// kernel's ephemeral range and outside Paasmaker's defaults: a private
// misc_ports/service_ports pool for one test node, so parallel tests do not
// hand out the same ports.
Result<int> FreeTestPortRange(int count);

}  // namespace paasmaker::testing
