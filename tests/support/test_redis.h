// TestRedisServer: a real redis-server on 127.0.0.1, a free port and a temp
// dir, for tests. Kill()/Restart() let tests inject outages; the same port is
// kept across restarts so clients reconnect to it.
#pragma once

#include <memory>
#include <string>

#include "core/process.h"
#include "core/redis_client.h"
#include "temp_dir.h"

namespace paasmaker::testing {

class TestRedisServer {
 public:
  TestRedisServer();  // starts it; ADD_FAILURE and started()==false if it cannot
  ~TestRedisServer();

  bool started() const { return process_ != nullptr; }
  int port() const { return port_; }
  redis::Endpoint endpoint() const { return {"127.0.0.1", port_, ""}; }

  void Kill();     // SIGKILL, waits for the exit
  bool Restart();  // starts again on the same port; true when it answers PING

 private:
  bool Start();
  TempDir dir_;
  int port_ = 0;
  std::shared_ptr<process::Process> process_;
};

}  // namespace paasmaker::testing
