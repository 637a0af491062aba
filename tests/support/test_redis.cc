#include "test_redis.h"
#include "temp_dir.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "core/net.h"

namespace paasmaker::testing {

TestRedisServer::TestRedisServer() : dir_("pm-redis") {
  // A free port stays free only until someone binds it: under parallel tests
  // another process may take it first, so a failed start tries a fresh one.
  constexpr int kAttempts = 3;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    auto port = paasmaker::testing::FreeTestPort();
    if (!port.ok()) {
      ADD_FAILURE() << port.status().ToString();
      return;
    }
    port_ = *port;
    if (Start()) return;
  }
  ADD_FAILURE() << "redis-server did not start (last port tried " << port_ << "; see "
                << dir_ / "redis.log" << ")";
}

TestRedisServer::~TestRedisServer() {
  if (process_) process_->Stop(std::chrono::milliseconds(2000));
}

bool TestRedisServer::Start() {
  process::LaunchOptions options;
  options.argv = {"redis-server", "--port", std::to_string(port_), "--bind", "127.0.0.1",
                  "--dir", dir_.path(), "--save", "", "--appendonly", "no"};
  options.output_file = dir_ / "redis.log";
  options.die_with_parent = true;  // a crashed test must not leave it running
  auto launched = process::Launch(options);
  if (!launched.ok()) return false;
  process_ = *launched;
  redis::Client client(endpoint(), std::chrono::milliseconds(200));
  // A redis-server that could not bind exits at once: stop waiting then.
  bool up = WaitFor([&] { return client.Ping().ok() || !process_->running(); },
                    std::chrono::seconds(10)) &&
            process_->running();
  if (!up) {
    process_->Stop(std::chrono::milliseconds(500));
    process_.reset();
  }
  return up;
}

void TestRedisServer::Kill() {
  if (!process_) return;
  process_->Signal(SIGKILL);
  process_->Wait(std::chrono::seconds(5));
  process_.reset();
}

bool TestRedisServer::Restart() {
  Kill();
  // Its port is free again at once, but another test process may be binding
  // it for a moment (checking that it is free): try again for a few seconds
  // rather than fail the outage a test injected.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (true) {
    if (Start()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace paasmaker::testing
