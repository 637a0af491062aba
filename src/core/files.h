// Small filesystem helpers with Status results.
//
// WriteFileAtomically writes to a temp file beside `path`, fsyncs it and
// renames it over `path`: a crash leaves the old or the new content, never
// half of one. Thread safe (no shared state).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "core/result.h"

namespace paasmaker::files {

Result<std::string> ReadFile(const std::string& path);
Status WriteFileAtomically(const std::string& path, const std::string& content, mode_t mode = 0644);
Status MakeDirectories(const std::string& path, mode_t mode = 0755);
bool Exists(const std::string& path);
// The names in `dir`, sorted, without "." and "..".
Result<std::vector<std::string>> ListDirectory(const std::string& dir);

// An exclusive lock on `path` (flock) held while the object lives; refuses
// when another live process holds it. Used so two daemons never share a data dir.
class LockFile {
 public:
  LockFile() = default;
  ~LockFile();
  LockFile(LockFile&& other) noexcept;
  LockFile& operator=(LockFile&& other) noexcept;
  LockFile(const LockFile&) = delete;
  LockFile& operator=(const LockFile&) = delete;

  static Result<LockFile> Acquire(const std::string& path);

 private:
  int fd_ = -1;
};

}  // namespace paasmaker::files
