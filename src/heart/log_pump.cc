#include "heart/log_pump.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "core/log.h"

namespace paasmaker::heart {

namespace {

int OpenLog(const std::string& path, int64_t* size) {
  // 0600: instance output may carry secrets; only the heart reads it.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  struct stat st;
  *size = (fd >= 0 && ::fstat(fd, &st) == 0) ? st.st_size : 0;
  return fd;
}

}  // namespace

LogPump::LogPump(int64_t max_bytes) : max_bytes_(max_bytes > 0 ? max_bytes : (10LL << 20)) {}

LogPump::~LogPump() { Stop(); }

void LogPump::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  if (::pipe2(wake_, O_CLOEXEC | O_NONBLOCK) != 0) PM_LOG_ERROR("log pump: pipe failed: {}", errno);
  thread_ = std::thread([this] { Loop(); });
}

void LogPump::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
    char c = 0;
    ssize_t unused = ::write(wake_[1], &c, 1);
    (void)unused;
  }
  thread_.join();
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& [id, stream] : streams_) {
    CopyLocked(stream);
    CloseLocked(stream);
  }
  streams_.clear();
  ::close(wake_[0]);
  ::close(wake_[1]);
  wake_[0] = wake_[1] = -1;
}

Status LogPump::Attach(const std::string& instance_id, const std::string& fifo_path, const std::string& log_path) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (streams_.count(instance_id) != 0) return Status::Ok();
  struct stat st;
  if (::lstat(fifo_path.c_str(), &st) == 0 && !S_ISFIFO(st.st_mode)) ::unlink(fifo_path.c_str());
  if (::mkfifo(fifo_path.c_str(), 0600) != 0 && errno != EEXIST) return ErrnoStatus("mkfifo " + fifo_path, errno);
  // Read-write so the FIFO always has a writer: a read end with no writers
  // would report end-of-file (and wake poll) forever once the instance exits.
  Stream stream;
  stream.fifo_fd = ::open(fifo_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (stream.fifo_fd < 0) return ErrnoStatus("opening " + fifo_path, errno);
  stream.log_path = log_path;
  stream.log_fd = OpenLog(log_path, &stream.size);
  if (stream.log_fd < 0) {
    int err = errno;
    ::close(stream.fifo_fd);
    return ErrnoStatus("opening " + log_path, err);
  }
  streams_[instance_id] = stream;
  char c = 0;
  ssize_t unused = ::write(wake_[1], &c, 1);
  (void)unused;
  return Status::Ok();
}

void LogPump::Flush(const std::string& instance_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = streams_.find(instance_id);
  if (it != streams_.end()) CopyLocked(it->second);
}

void LogPump::Detach(const std::string& instance_id) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = streams_.find(instance_id);
  if (it == streams_.end()) return;
  CopyLocked(it->second);
  CloseLocked(it->second);
  streams_.erase(it);
  char c = 0;
  ssize_t unused = ::write(wake_[1], &c, 1);
  (void)unused;
}

void LogPump::Loop() {
  while (true) {
    std::vector<pollfd> fds;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      fds.push_back({wake_[0], POLLIN, 0});
      for (auto& [id, stream] : streams_) fds.push_back({stream.fifo_fd, POLLIN, 0});
    }
    int n = ::poll(fds.data(), fds.size(), 500);
    if (n <= 0) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (fds[0].revents != 0) {
      char buf[64];
      while (::read(wake_[0], buf, sizeof(buf)) > 0) {
      }
    }
    // Copy every stream with data; a descriptor closed meanwhile is simply
    // not found any more (Detach copied its data already).
    for (size_t i = 1; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      for (auto& [id, stream] : streams_) {
        if (stream.fifo_fd == fds[i].fd) CopyLocked(stream);
      }
    }
  }
}

void LogPump::CopyLocked(Stream& stream) {
  char buf[65536];
  while (stream.fifo_fd >= 0) {
    ssize_t n = ::read(stream.fifo_fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    WriteLocked(stream, buf, static_cast<size_t>(n));
  }
}

void LogPump::WriteLocked(Stream& stream, const char* data, size_t size) {
  if (stream.log_fd >= 0 && stream.size >= max_bytes_) {
    // Rotate: the current log becomes .1 (replacing an older .1).
    ::close(stream.log_fd);
    std::string old = stream.log_path + ".1";
    if (::rename(stream.log_path.c_str(), old.c_str()) != 0) {
      PM_LOG_WARN("rotating {} failed: errno {}", stream.log_path, errno);
    }
    stream.log_fd = OpenLog(stream.log_path, &stream.size);
  }
  if (stream.log_fd < 0) return;  // output is dropped rather than blocking the instance
  while (size > 0) {
    ssize_t w = ::write(stream.log_fd, data, size);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    data += w;
    size -= static_cast<size_t>(w);
    stream.size += w;
  }
}

void LogPump::CloseLocked(Stream& stream) {
  if (stream.fifo_fd >= 0) ::close(stream.fifo_fd);
  if (stream.log_fd >= 0) ::close(stream.log_fd);
  stream.fifo_fd = stream.log_fd = -1;
}

// Close-on-exec like every descriptor here: only the launch that names it
// in LaunchOptions::inherit_fds passes it on.
LaunchKeeper::LaunchKeeper(const std::string& fifo_path) {
  fd_ = ::open(fifo_path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC);
}

LaunchKeeper::~LaunchKeeper() {
  if (fd_ >= 0) ::close(fd_);
}

Result<InstanceLogChunk> ReadLogFile(const std::string& path, uint64_t offset, uint64_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no log for this instance on this node");
    return ErrnoStatus("opening " + path, errno);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("stat " + path, err);
  }
  InstanceLogChunk chunk;
  chunk.size = static_cast<uint64_t>(st.st_size);
  chunk.offset = std::min(offset, chunk.size);
  uint64_t want = std::min(max_bytes, chunk.size - chunk.offset);
  chunk.data.resize(want);
  ssize_t n = want > 0 ? ::pread(fd, chunk.data.data(), want, static_cast<off_t>(chunk.offset)) : 0;
  ::close(fd);
  chunk.data.resize(n > 0 ? static_cast<size_t>(n) : 0);
  chunk.next_offset = chunk.offset + chunk.data.size();
  return chunk;
}

std::string TailLines(const std::string& path, int lines) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st;
  std::string data;
  if (::fstat(fd, &st) == 0) {
    off_t start = st.st_size > 65536 ? st.st_size - 65536 : 0;
    data.resize(static_cast<size_t>(st.st_size - start));
    ssize_t n = ::pread(fd, data.data(), data.size(), start);
    data.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  ::close(fd);
  while (!data.empty() && data.back() == '\n') data.pop_back();
  size_t pos = data.size();
  for (int i = 0; i < lines && pos != std::string::npos && pos > 0; ++i) {
    pos = data.rfind('\n', pos - 1);
  }
  return pos == std::string::npos ? data : data.substr(pos == 0 && data[0] != '\n' ? 0 : pos + 1);
}

}  // namespace paasmaker::heart
