#include "node/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace paasmaker::node {

Status NotifySystemd(const std::string& state) {
  const char* socket_env = std::getenv("NOTIFY_SOCKET");
  if (socket_env == nullptr || socket_env[0] == '\0') return Status::Ok();
  std::string path = socket_env;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  // An abstract name has no terminating NUL: its length is the address's.
  // A path's NUL fits too; both must leave sun_path room for it.
  if (path.size() >= sizeof(address.sun_path)) {
    return InvalidArgument("NOTIFY_SOCKET is longer than a unix socket address: " + path);
  }
  if (path[0] != '/' && path[0] != '@') {
    return InvalidArgument("NOTIFY_SOCKET is neither an absolute path nor an abstract '@' name: " + path);
  }
  std::memcpy(address.sun_path, path.data(), path.size());
  socklen_t length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size());
  if (path[0] == '@') {
    address.sun_path[0] = '\0';
  } else {
    length += 1;
  }

  int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return ErrnoStatus("notify systemd: socket", errno);
  ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&address), length);
  int err = errno;
  ::close(fd);
  if (sent < 0) return ErrnoStatus("notify systemd: sending '" + state + "' to " + path, err);
  if (static_cast<size_t>(sent) != state.size()) {
    return IoError("notify systemd: '" + state + "' to " + path + " was cut short");
  }
  return Status::Ok();
}

}  // namespace paasmaker::node
