// TestNetwork: N "hosts" for one test, each a Linux network namespace with
// its own address, all joined to one bridge in the test's own namespace.
//
//   test process (root namespace)      bridge pmb<S><pid>  198.18.S.1/24
//     ├─ veth pmv<S><pid><i> ──────── namespace pm-<S>-<pid>-h<i>: eth0 198.18.S.(10+i)/24, lo up
//     └─ ...
//
// Every host has its own loopback and port space, so nothing can work by
// accident through 127.0.0.1; the hosts reach each other and the test
// process (198.18.S.1) over the bridge. Only 198.18.0.0/15 is ever used (the
// range set aside for network tests), no namespace has a default route, and
// the root namespace gets nothing but the bridge's own /24.
//
// Concurrency: the subnet S (1..250) is held with an flock on
// /run/paasmaker-testnet-S.lock for the object's life, so suites running at
// the same time (ctest -j, --repeat) never share a subnet; names carry S and
// the owner's pid. At creation, leftovers of earlier runs (namespaces and
// links whose owner pid is dead, or that carry the subnet just locked) are
// removed, with any process still inside them.
//
// Failure modes: Create() returns the first `ip` command that failed, after
// removing what it had made. The destructor kills every process left in the
// hosts, deletes the namespaces (their veth ends go with them) and the
// bridge; errors there are ignored (nothing useful to do in a destructor).
//
// Requires root and iproute2's `ip`; Available() says whether both hold.
// Thread safety: one test thread; const methods may be called from others.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::testing {

class TestNetwork {
 public:
  // At most 10 hosts (one decimal digit in the link names, IFNAMSIZ is 16).
  static constexpr int kMaxHosts = 10;

  // False, with the reason in *why, when not root or `ip netns` cannot add
  // a namespace here (tests then GTEST_SKIP() << why).
  static bool Available(std::string* why);

  // Creates the bridge and `hosts` namespaces.
  static Result<std::unique_ptr<TestNetwork>> Create(int hosts);

  ~TestNetwork();
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  int size() const { return static_cast<int>(hosts_.size()); }
  int subnet() const { return subnet_; }
  // 198.18.S.1: the test process's own address on the bridge.
  std::string BridgeAddress() const;
  // 198.18.S.(10+host).
  const std::string& Address(int host) const { return hosts_.at(static_cast<size_t>(host)).address; }
  // The namespace name, for `ip netns exec` / `ip netns pids`.
  const std::string& Namespace(int host) const { return hosts_.at(static_cast<size_t>(host)).ns; }
  // {"ip", "netns", "exec", NAME}: argv prefix that runs a command on the host
  // (ip execs in place, so the pid is the command's).
  std::vector<std::string> ExecPrefix(int host) const;

  // The host's veth (bridge side) down / up: it drops off the network, its
  // processes keep running.
  Status CutLink(int host);
  Status RestoreLink(int host);

  // Every process inside the host's namespace (`ip netns pids`).
  std::vector<pid_t> Pids(int host) const;

 private:
  struct Host {
    std::string ns;
    std::string veth;  // the bridge side, in the root namespace
    std::string address;
  };
  TestNetwork() = default;
  Status Build(int hosts);
  void TearDown();

  int subnet_ = 0;
  int lock_fd_ = -1;
  std::string bridge_;
  std::vector<Host> hosts_;
};

}  // namespace paasmaker::testing
