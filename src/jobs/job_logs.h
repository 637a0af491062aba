// JobLogs: the log file of each job, on the node that runs it.
//
// A job's log lives at `<log_dir>/<first 2 chars of id>/<id>.log`. Lines are
// "<YYYY-MM-DD HH:MM:SS.mmm> <LEVEL> <message>"; commands a job runs append
// their raw output to the same file (see JobLog::path()). Reading from a byte
// offset lets an HTTP handler serve or follow a log as it grows.
//
// Thread safety: JobLogs and JobLog are safe to use from any thread. Several
// writers (and child processes opening the file with O_APPEND) may append to
// one log; each line is written with one write() call.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"

namespace paasmaker::jobs {

// An open job log, appended to.
class JobLog {
 public:
  ~JobLog();
  JobLog(const JobLog&) = delete;
  JobLog& operator=(const JobLog&) = delete;

  const std::string& path() const { return path_; }

  void Debug(std::string_view message) { Line("DEBUG", message); }
  void Info(std::string_view message) { Line("INFO", message); }
  void Warning(std::string_view message) { Line("WARNING", message); }
  void Error(std::string_view message) { Line("ERROR", message); }
  // Appends raw text (e.g. a command's output) as it is.
  Status Append(std::string_view text);

 private:
  friend class JobLogs;
  JobLog(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  void Line(std::string_view level, std::string_view message);

  const std::string path_;
  const int fd_;
  std::mutex mutex_;
};

// A piece of a log read from an offset.
struct LogChunk {
  std::string data;
  uint64_t offset = 0;       // where `data` starts
  uint64_t next_offset = 0;  // offset to read from next time
  uint64_t size = 0;         // size of the file when read
};

// Where a node keeps its job logs: `<data_dir>/jobs/logs`.
std::string JobLogDirOf(const std::string& data_dir);

// Retention: logs go with their trees (JobArchive::Purge and Delete remove
// those on the pacemaker) and, on every node, once older than the job max
// age by their last write (RemoveOlderThan), which also covers jobs run on
// hearts, whose logs the pacemaker never deletes itself.
class JobLogs {
 public:
  explicit JobLogs(std::string log_dir);

  const std::string& dir() const { return dir_; }

  // The path of a job's log. InvalidArgument for ids that could escape the
  // directory (empty, "." or "/" in them, shorter than 2 characters).
  Result<std::string> PathFor(const std::string& job_id) const;
  // Opens (creating it and its directory) the log for appending.
  Result<std::shared_ptr<JobLog>> Open(const std::string& job_id) const;
  bool Exists(const std::string& job_id) const;
  // NotFound when there is no log (yet) on this node.
  Result<uint64_t> Size(const std::string& job_id) const;
  // Up to `max_bytes` from `offset`. An offset past the end gives empty data
  // (next_offset == size), so a follower can keep polling.
  Result<LogChunk> Read(const std::string& job_id, uint64_t offset,
                        uint64_t max_bytes = 64 * 1024) const;
  // Deletes a job's log; Ok when there is none.
  Status Remove(const std::string& job_id) const;
  // Deletes every log last written more than `age` ago; how many. The
  // two-character directories stay (at most 256 for hex ids): removing one
  // could race a job opening its log there.
  Result<int> RemoveOlderThan(std::chrono::seconds age) const;

 private:
  std::string dir_;
};

}  // namespace paasmaker::jobs
