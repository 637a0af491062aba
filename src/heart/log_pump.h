// LogPump: copies instance output into per-instance log files with size
// rotation (SPEC §5.5).
//
// An instance never writes its log file itself: its stdout and stderr go to a
// FIFO, `<logs>/<instance_id>.fifo`, and one pump thread copies whatever
// arrives into `<instance_id>.log`, renaming it to `.log.1` when it reaches
// max_bytes. Only the pump writes the file, so rotation cannot lose or split
// output. A FIFO (not an anonymous pipe) because instances outlive the heart
// process: a restarted heart reopens the same FIFO and keeps copying.
//
// Whoever launches an instance holds an extra read-write descriptor of the FIFO
// open across the launch (LaunchKeeper, passed in LaunchOptions::inherit_fds)
// so the instance inherits it: the FIFO
// then always has a reader, and while no heart runs, an instance's writes
// block once the FIFO's buffer is full instead of killing it with SIGPIPE.
//
// Thread safety: all methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/result.h"

namespace paasmaker::heart {

class LogPump {
 public:
  explicit LogPump(int64_t max_bytes);
  ~LogPump();
  LogPump(const LogPump&) = delete;
  LogPump& operator=(const LogPump&) = delete;

  void Start();
  void Stop();  // copies what is buffered, closes every FIFO

  // Creates `fifo_path` if missing and starts copying it into `log_path`.
  // Attaching an instance that is attached already is a no-op.
  Status Attach(const std::string& instance_id, const std::string& fifo_path, const std::string& log_path);
  // Copies what is buffered now into the log (before reading its tail).
  void Flush(const std::string& instance_id);
  // Flushes and stops copying; the FIFO file stays.
  void Detach(const std::string& instance_id);

 private:
  struct Stream {
    int fifo_fd = -1;
    int log_fd = -1;
    std::string log_path;
    int64_t size = 0;
  };
  void Loop();
  void CopyLocked(Stream& stream);
  void WriteLocked(Stream& stream, const char* data, size_t size);
  void CloseLocked(Stream& stream);

  const int64_t max_bytes_;
  std::mutex mutex_;
  std::map<std::string, Stream> streams_;
  int wake_[2] = {-1, -1};
  bool stopping_ = false;
  std::thread thread_;
};

// An O_RDWR descriptor of a FIFO without close-on-exec, open while it lives:
// the child launched meanwhile inherits it (see LogPump). Callers serialise
// launches so no other instance inherits it.
class LaunchKeeper {
 public:
  explicit LaunchKeeper(const std::string& fifo_path);
  ~LaunchKeeper();
  LaunchKeeper(const LaunchKeeper&) = delete;
  LaunchKeeper& operator=(const LaunchKeeper&) = delete;
  bool ok() const { return fd_ >= 0; }
  int fd() const { return fd_; }  // for LaunchOptions::inherit_fds

 private:
  int fd_ = -1;
};

// A piece of an instance log, as the log endpoint serves it.
struct InstanceLogChunk {
  std::string data;
  uint64_t offset = 0;
  uint64_t next_offset = 0;
  uint64_t size = 0;
};
Result<InstanceLogChunk> ReadLogFile(const std::string& path, uint64_t offset, uint64_t max_bytes);

// The last `lines` lines of a file ("" if it does not exist).
std::string TailLines(const std::string& path, int lines);

}  // namespace paasmaker::heart
