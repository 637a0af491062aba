// NotifySystemd against a real AF_UNIX datagram socket standing in for
// systemd's: a path in a temp dir, and an abstract '@' name.
#include "node/systemd_notify.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "core/ids.h"
#include "temp_dir.h"

namespace paasmaker::node {
namespace {

// Binds a datagram socket at `name` ('@' = abstract) and reads what arrives.
class FakeNotifySocket {
 public:
  explicit FakeNotifySocket(const std::string& name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    if (name[0] == '@') address.sun_path[0] = '\0';
    bound_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~FakeNotifySocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool bound() const { return bound_; }

  // The next datagram, or nothing within a second.
  std::optional<std::string> Receive() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) return std::nullopt;
    char buffer[4096];
    ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(n));
  }

 private:
  int fd_ = -1;
  bool bound_ = false;
};

// Each test sets NOTIFY_SOCKET its own way; the process's value comes back.
class SystemdNotifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv("NOTIFY_SOCKET");
    if (old != nullptr) saved_ = old;
  }
  void TearDown() override {
    if (saved_) {
      ::setenv("NOTIFY_SOCKET", saved_->c_str(), 1);
    } else {
      ::unsetenv("NOTIFY_SOCKET");
    }
  }

 private:
  std::optional<std::string> saved_;
};

TEST_F(SystemdNotifyTest, UnsetIsANoOp) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_TRUE(NotifySystemd("READY=1").ok());
}

TEST_F(SystemdNotifyTest, SendsTheStateToAPathSocket) {
  testing::TempDir dir("pm-notify");
  std::string path = dir / "notify";
  FakeNotifySocket socket(path);
  ASSERT_TRUE(socket.bound()) << path;
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);

  Status sent = NotifySystemd("READY=1");
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  EXPECT_EQ(socket.Receive(), std::optional<std::string>("READY=1"));

  ASSERT_TRUE(NotifySystemd("STOPPING=1").ok());
  EXPECT_EQ(socket.Receive(), std::optional<std::string>("STOPPING=1"));
}

TEST_F(SystemdNotifyTest, SendsTheStateToAnAbstractSocket) {
  ASSERT_TRUE(ids::Initialize().ok());
  std::string name = "@pm-notify-test-" + ids::NewUuid();
  FakeNotifySocket socket(name);
  ASSERT_TRUE(socket.bound()) << name;
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);

  Status sent = NotifySystemd("READY=1");
  ASSERT_TRUE(sent.ok()) << sent.ToString();
  EXPECT_EQ(socket.Receive(), std::optional<std::string>("READY=1"));
}

TEST_F(SystemdNotifyTest, NoListenerIsAnError) {
  testing::TempDir dir("pm-notify");
  ::setenv("NOTIFY_SOCKET", (dir / "nobody-listens").c_str(), 1);
  Status sent = NotifySystemd("READY=1");
  EXPECT_FALSE(sent.ok());
  EXPECT_NE(sent.message().find("nobody-listens"), std::string::npos) << sent.ToString();
}

TEST_F(SystemdNotifyTest, ARelativeOrOverlongAddressIsInvalid) {
  ::setenv("NOTIFY_SOCKET", "relative/notify", 1);
  EXPECT_EQ(NotifySystemd("READY=1").code(), StatusCode::kInvalidArgument);
  std::string overlong = "/" + std::string(200, 'x');
  ::setenv("NOTIFY_SOCKET", overlong.c_str(), 1);
  EXPECT_EQ(NotifySystemd("READY=1").code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace paasmaker::node
