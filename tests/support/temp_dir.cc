#include "temp_dir.h"

#include "core/net.h"

#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace paasmaker::testing {

TempDir::TempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (::mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = buffer.data();
}

TempDir::~TempDir() {
  if (std::getenv("PAASMAKER_KEEP_TEST_DIRS") != nullptr) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
             std::chrono::milliseconds interval) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

namespace {

// Test ports come from below the kernel's ephemeral range (32768-60999 by
// default): a port that bind(0) reports free is also one the kernel hands to
// outgoing connections, and a parallel cluster test makes thousands of them,
// so a server started on it a moment later could find it taken. Paasmaker's
// own defaults (42500-42799) are above these pools and never picked.
//
// Single ports (bound by the test's servers right away) and ranges (a node's
// misc_ports / service_ports, bound only when an instance or service starts,
// maybe much later) come from separate pools: a single port picked inside
// another test's reserved range would be taken when that range is used.
struct Pool {
  int first;
  int size;
};
constexpr Pool kSinglePorts{20000, 6000};
constexpr Pool kPortRanges{26000, 6000};

std::mutex pool_mutex;
std::set<int> handed_out;  // never hand a port out twice in this process

// Spreads the starting points of concurrent test processes over a pool.
int NextCandidate(const Pool& pool) {
  static std::atomic<unsigned> sequence{static_cast<unsigned>(::getpid())};
  unsigned mix = sequence.fetch_add(7919) * 2654435761u;
  return pool.first + static_cast<int>(mix % static_cast<unsigned>(pool.size));
}

Result<int> Take(const Pool& pool, int count) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  for (int attempt = 0; attempt < 200; ++attempt) {
    int base = NextCandidate(pool);
    if (base + count > pool.first + pool.size) continue;
    bool free = true;
    for (int p = base; p < base + count && free; ++p) {
      free = handed_out.count(p) == 0 && net::PortIsFree("127.0.0.1", p);
    }
    if (!free) continue;
    for (int p = base; p < base + count; ++p) handed_out.insert(p);
    return base;
  }
  return Unavailable("no range of " + std::to_string(count) + " free ports in " + std::to_string(pool.first) +
                     "-" + std::to_string(pool.first + pool.size - 1));
}

}  // namespace

Result<int> FreeTestPort() { return Take(kSinglePorts, 1); }

Result<int> FreeTestPortRange(int count) { return Take(kPortRanges, count); }

}  // namespace paasmaker::testing
