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

Result<int> FreeTestPort() {
  // A port is free only until someone binds it: never hand the same one out
  // twice in this process (bind(0) may well return it again while the node
  // it was given to has not bound it yet).
  static std::mutex mutex;
  static std::set<int> handed_out;
  std::lock_guard<std::mutex> lock(mutex);
  for (int attempt = 0; attempt < 200; ++attempt) {
    auto port = net::FreePort();
    if (!port.ok()) return port;
    if (*port >= 42500 && *port <= 42799) continue;
    if (!handed_out.insert(*port).second) continue;
    return port;
  }
  return Unavailable("no free port outside 42500-42799");
}

Result<int> FreeTestPortRange(int count) {
  static std::atomic<unsigned> sequence{static_cast<unsigned>(::getpid())};
  for (int attempt = 0; attempt < 200; ++attempt) {
    unsigned mix = sequence.fetch_add(7919) * 2654435761u;
    int base = 20000 + static_cast<int>(mix % 12000);  // 20000..31999, below the ephemeral range
    bool free = true;
    for (int p = base; p < base + count && free; ++p) free = net::PortIsFree("127.0.0.1", p);
    if (free) return base;
  }
  return Unavailable("no range of " + std::to_string(count) + " free ports");
}

}  // namespace paasmaker::testing
