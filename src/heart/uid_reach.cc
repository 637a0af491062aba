#include "heart/uid_reach.h"

#include <fmt/format.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <vector>

namespace paasmaker::heart {

namespace {

// "/", "/a", "/a/b", ... down to `path` itself.
std::vector<std::string> PathsFromRoot(const std::string& path) {
  std::vector<std::string> out;
  std::filesystem::path walked;
  for (const auto& part : std::filesystem::path(path).lexically_normal()) {
    walked /= part;
    if (!part.empty()) out.push_back(walked.string());
  }
  return out;
}

}  // namespace

Result<std::string> FirstDirUidCannotEnter(const std::string& path, uid_t uid) {
  std::vector<std::string> dirs = PathsFromRoot(std::filesystem::absolute(path).string());
  if (dirs.empty()) return std::string();
  // Built before fork: the child only makes async-signal-safe calls.
  std::vector<const char*> c_dirs;
  for (const auto& d : dirs) c_dirs.push_back(d.c_str());
  const size_t count = std::min<size_t>(c_dirs.size(), 250);
  pid_t pid = ::fork();
  if (pid < 0) return ErrnoStatus("fork (checking what uid " + std::to_string(uid) + " can reach)", errno);
  if (pid == 0) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(uid) != 0 || ::setuid(uid) != 0) ::_exit(255);
    for (size_t i = 0; i < count; ++i) {
      if (::access(c_dirs[i], X_OK) != 0) ::_exit(static_cast<int>(i + 1));
    }
    ::_exit(0);
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(wstatus)) return Internal("the uid check's child ended abnormally");
  int code = WEXITSTATUS(wstatus);
  if (code == 0) return std::string();
  if (code == 255) return Internal("the uid check could not take uid " + std::to_string(uid));
  return dirs[static_cast<size_t>(code - 1)];
}

std::string ModeAndOwner(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return fmt::format(" (mode {:04o}, owner uid {})", st.st_mode & 07777, st.st_uid);
}

Status CheckUidCanReach(const std::string& path, uid_t uid) {
  PM_ASSIGN_OR_RETURN(std::string blocked, FirstDirUidCannotEnter(path, uid));
  if (blocked.empty()) return Status::Ok();
  return FailedPrecondition(fmt::format(
      "instances run as uid {} and up, which cannot enter {}{}; they could not open their own files in {}. "
      "Let other users pass through it (chmod o+x {}), or set data_dir (or heart.working_dir) to a directory "
      "they can reach, e.g. /var/lib/paasmaker",
      uid, blocked, ModeAndOwner(blocked), path, blocked));
}

}  // namespace paasmaker::heart
