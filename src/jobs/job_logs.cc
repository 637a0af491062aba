#include "jobs/job_logs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include "core/files.h"

namespace paasmaker::jobs {

namespace {

std::string Timestamp() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t seconds = system_clock::to_time_t(now);
  auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  localtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &tm);
  char out[80];
  std::snprintf(out, sizeof(out), "%s.%03d", buffer, static_cast<int>(millis));
  return out;
}

Status WriteAll(int fd, std::string_view text, const std::string& path) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("writing " + path, errno);
    }
    text.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

}  // namespace

JobLog::~JobLog() { ::close(fd_); }

void JobLog::Line(std::string_view level, std::string_view message) {
  std::string line = Timestamp();
  line += ' ';
  line += level;
  line += ' ';
  line += message;
  if (line.empty() || line.back() != '\n') line += '\n';
  std::lock_guard<std::mutex> lock(mutex_);
  // A job must not fail because its log cannot be written.
  WriteAll(fd_, line, path_).IgnoreError();
}

Status JobLog::Append(std::string_view text) {
  std::lock_guard<std::mutex> lock(mutex_);
  return WriteAll(fd_, text, path_);
}

std::string JobLogDirOf(const std::string& data_dir) { return data_dir + "/jobs/logs"; }

JobLogs::JobLogs(std::string log_dir) : dir_(std::move(log_dir)) {}

Result<std::string> JobLogs::PathFor(const std::string& job_id) const {
  if (job_id.size() < 2 || job_id.find_first_of("./\\") != std::string::npos ||
      job_id.find('\0') != std::string::npos) {
    return InvalidArgument("'" + job_id + "' is not a valid log id");
  }
  return dir_ + "/" + job_id.substr(0, 2) + "/" + job_id + ".log";
}

Result<std::shared_ptr<JobLog>> JobLogs::Open(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(std::string path, PathFor(job_id));
  PM_RETURN_IF_ERROR(files::MakeDirectories(dir_ + "/" + job_id.substr(0, 2)));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("opening " + path, errno);
  return std::shared_ptr<JobLog>(new JobLog(path, fd));
}

bool JobLogs::Exists(const std::string& job_id) const {
  auto path = PathFor(job_id);
  return path.ok() && files::Exists(*path);
}

Result<uint64_t> JobLogs::Size(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(std::string path, PathFor(job_id));
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("no log for job " + job_id + " on this node");
    return ErrnoStatus("stat " + path, errno);
  }
  return static_cast<uint64_t>(st.st_size);
}

Result<LogChunk> JobLogs::Read(const std::string& job_id, uint64_t offset, uint64_t max_bytes) const {
  PM_ASSIGN_OR_RETURN(std::string path, PathFor(job_id));
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound("no log for job " + job_id + " on this node");
    return ErrnoStatus("opening " + path, errno);
  }
  LogChunk chunk;
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("stat " + path, err);
  }
  chunk.size = static_cast<uint64_t>(st.st_size);
  chunk.offset = std::min(offset, chunk.size);
  uint64_t want = std::min(max_bytes, chunk.size - chunk.offset);
  chunk.data.resize(want);
  uint64_t got = 0;
  while (got < want) {
    ssize_t n = ::pread(fd, chunk.data.data() + got, want - got, static_cast<off_t>(chunk.offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus("reading " + path, err);
    }
    if (n == 0) break;
    got += static_cast<uint64_t>(n);
  }
  ::close(fd);
  chunk.data.resize(got);
  chunk.next_offset = chunk.offset + got;
  return chunk;
}

Status JobLogs::Remove(const std::string& job_id) const {
  PM_ASSIGN_OR_RETURN(std::string path, PathFor(job_id));
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus("deleting " + path, errno);
  return Status::Ok();
}

Result<int> JobLogs::RemoveOlderThan(std::chrono::seconds age) const {
  const std::time_t cutoff = std::time(nullptr) - static_cast<std::time_t>(age.count());
  int removed = 0;
  // A directory that cannot be listed (none yet) holds nothing to delete.
  for (const auto& shard : files::ListDirectory(dir_).value_or({})) {
    std::string shard_dir = dir_ + "/" + shard;
    for (const auto& name : files::ListDirectory(shard_dir).value_or({})) {
      std::string path = shard_dir + "/" + name;
      struct stat st;
      bool old = name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0 && ::stat(path.c_str(), &st) == 0 &&
                 S_ISREG(st.st_mode) && st.st_mtime < cutoff;
      if (old && ::unlink(path.c_str()) == 0) ++removed;
    }
  }
  return removed;
}

}  // namespace paasmaker::jobs
