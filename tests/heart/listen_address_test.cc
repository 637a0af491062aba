// Where instances listen: the heart's route address (PM_LISTEN_ADDRESS) or all
// interfaces; readiness is probed where the routers connect; a port taken on
// any address is in use. The route address here is 127.0.0.2, so anything
// that still assumed 127.0.0.1 shows.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/files.h"
#include "core/http.h"
#include "core/net.h"
#include "heart_fixture.h"

namespace paasmaker::heart {
namespace {

constexpr const char* kRoute = "127.0.0.2";

// A listening socket on address:port (closed by the caller); -1 on failure.
int Listen(const std::string& address, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, address.c_str(), &addr.sin_addr);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(fd, 4) != 0) {
    if (fd >= 0) ::close(fd);
    return -1;
  }
  return fd;
}

class ListenAddressTest : public HeartFixture {
 protected:
  void SetUp() override {
    HeartFixture::SetUp();
    heart_.reset();  // a heart over the changed config
    config_.route_address = kRoute;
    heart_ = NewHeart();
  }

  std::string Get(const std::string& address, int port, const std::string& path) {
    auto page = http::Client("http://" + address + ":" + std::to_string(port)).Get(path);
    return page.ok() && page->status == 200 ? page->body : "";
  }
};

TEST_F(ListenAddressTest, AppsBindTheRouteAddressOrAllInterfaces) {
  std::string on_route = "exec /usr/bin/python3 -m http.server %(port)d --bind \"$PM_LISTEN_ADDRESS\"";
  int port = MustRegister(Spec("i-route", "v1", Shell(on_route), false, {"env > env.txt"}));
  ASSERT_TRUE(heart_->RunStartup("i-route", Log("startup"), nullptr).ok());
  Status started = heart_->StartInstance("i-route", Log("route"));
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_NE(Get(kRoute, port, "/env.txt").find("PM_LISTEN_ADDRESS=127.0.0.2\n"), std::string::npos);
  // It took the address it was handed, not the loopback's usual one.
  EXPECT_FALSE(net::PortAcceptsConnections("127.0.0.1", port));

  int all = MustRegister(Spec("i-all", "v1", Shell("exec /usr/bin/python3 -m http.server %(port)d --bind 0.0.0.0")));
  started = heart_->StartInstance("i-all", Log("all"));
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_NE(Get(kRoute, all, "/hello.txt").find("hello"), std::string::npos);
}

TEST_F(ListenAddressTest, AnAppOnTheLoopbackOnlyIsNeverReady) {
  // It listens, but where no router on another host could reach it.
  MustRegister(Spec("i-lo", "v1",
                    Shell("exec /usr/bin/python3 -m http.server %(port)d --bind 127.0.0.1", /*start_timeout=*/1.5)));
  Status failed = heart_->StartInstance("i-lo", Log("lo"));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("not ready within the start timeout"), std::string::npos) << failed.message();
  EXPECT_EQ(heart_->Find("i-lo")->state, "ERROR");
}

TEST_F(ListenAddressTest, StaticRuntimeServesOnTheRouteAddress) {
  AddPackage("v-static", {{"index.html", "<h1>static on the route</h1>"}});
  nlohmann::json runtime = {{"plugin", "paasmaker.runtime.static"}, {"version", "1"},
                            {"parameters", nlohmann::json::object()}};
  int port = MustRegister(Spec("i-static", "v-static", runtime));
  Status started = heart_->StartInstance("i-static", Log("static"));
  ASSERT_TRUE(started.ok()) << started.ToString();
  EXPECT_NE(Get(kRoute, port, "/").find("static on the route"), std::string::npos);
  EXPECT_FALSE(net::PortAcceptsConnections("127.0.0.1", port));
}

TEST_F(ListenAddressTest, APortTakenOnAnyAddressIsInUse) {
  int port = MustRegister(Spec("i-busy", "v1", Shell("exec /usr/bin/python3 -m http.server %(port)d --bind 0.0.0.0")));
  // Neither the route address nor the loopback: an app binding 0.0.0.0 would
  // still collide with it.
  int attempt = 0;
  for (const char* other : {"127.0.0.5", "0.0.0.0"}) {
    int fd = Listen(other, port);
    ASSERT_GE(fd, 0) << other;
    Status refused = heart_->StartInstance("i-busy", Log("busy-" + std::to_string(++attempt)));
    ::close(fd);
    ASSERT_FALSE(refused.ok()) << other;
    EXPECT_NE(refused.message().find("already in use"), std::string::npos) << refused.message();
  }
  Status started = heart_->StartInstance("i-busy", Log("free"));
  EXPECT_TRUE(started.ok()) << started.ToString();
}

}  // namespace
}  // namespace paasmaker::heart
