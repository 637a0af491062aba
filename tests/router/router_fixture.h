// RouterFixture: a real router for tests — a TestRedisServer as the routing
// table, a Router (real Debian nginx + our Lua) on free ports with a fresh
// data dir, and in-process backends that answer with their name and the
// request headers the router sent them.
//
// Thread safety: test thread only (backends answer on their own threads).
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/node_config.h"
#include "core/http.h"
#include "router/router.h"
#include "temp_dir.h"
#include "test_redis.h"

namespace paasmaker::testing {

// An HTTP app on 127.0.0.1:<port 0>: every request gets 200 and a JSON body
// {"name", "host", "x_forwarded_for", "x_forwarded_proto", "x_forwarded_port",
//  "upgrade", "connection", "body"} echoing what it received (GET and POST).
class Backend {
 public:
  explicit Backend(std::string name);
  const std::string& name() const { return name_; }
  int port() const { return server_.port(); }

 private:
  std::string name_;
  // Threads to spare: httplib holds one per connection, and nginx keeps
  // idle keep-alive connections open.
  http::Server server_{64};
};

struct RawResponse {
  int status = 0;  // 0: no HTTP answer
  std::string headers;
  std::string body;
};

// Sends `request` verbatim to 127.0.0.1:port and reads until the server closes.
RawResponse SendRaw(int port, const std::string& request);

// pids of live nginx processes that belong to `prefix` (their command line
// names it, or their working directory is it).
std::vector<pid_t> NginxProcessesOf(const std::string& prefix);

class RouterFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  // Backends live until TearDown, after the router stopped: nginx keeps
  // idle keep-alive connections to them, which would make an earlier
  // backend shutdown wait for its keep-alive timeout.
  Backend& MakeBackend(const std::string& name);
  void TearDown() override;

  // SADD instances:<host> "127.0.0.1:<port>#<vt>#<node>#<instance>" and INCR serial.
  void AddRoute(const std::string& host, const Backend& backend, const std::string& version_type = "vt1",
                const std::string& node = "node1", const std::string& instance = "inst1");
  void AddMember(const std::string& host, const std::string& member);
  void RemoveRoute(const std::string& host, const Backend& backend, const std::string& version_type = "vt1",
                   const std::string& node = "node1", const std::string& instance = "inst1");
  void IncrSerial();

  // GET / with the given Host header on a router port (default: direct).
  // status 0 when the router did not answer.
  http::ClientResponse Get(const std::string& host, int port = 0,
                           const std::map<std::string, std::string>& headers = {});
  // Waits (up to 3 s) until `host` is served by the backend named `name`,
  // or answers `status`: a route change reaches every worker within ~50 ms
  // (the serial timer), not at once.
  bool ServedBy(const std::string& host, const std::string& name);
  bool Answers(const std::string& host, int status);
  // The backend's JSON answer for a GET that must succeed.
  nlohmann::json GetJson(const std::string& host, int port = 0);

  std::string Prefix() const { return config_.DataDir() + "/nginx"; }

  std::unique_ptr<TestRedisServer> redis_;
  std::unique_ptr<TempDir> dir_;
  config::NodeConfig config_;
  std::unique_ptr<router::Router> router_;
  std::unique_ptr<redis::Client> table_;
  std::vector<std::unique_ptr<Backend>> backends_;
};

}  // namespace paasmaker::testing
