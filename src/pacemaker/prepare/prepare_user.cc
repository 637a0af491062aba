#include "pacemaker/prepare/prepare_user.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <thread>
#include <vector>

#include "core/clean_environment.h"
#include "core/process.h"

namespace paasmaker::pacemaker::prepare {

namespace {

namespace fs = std::filesystem;

constexpr std::chrono::milliseconds kLockPoll{200};

// `path` exists (made 0711 if not) as a directory that only root can change;
// then exactly 0711, so the prepare uid passes through but cannot list it.
Status PassableRootDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0711) != 0 && errno != EEXIST) return ErrnoStatus("creating " + path, errno);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return ErrnoStatus("inspecting " + path, errno);
  if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return FailedPrecondition(path + " must be a directory owned by root that only root can write (it was made "
                              "by someone else?); remove it and deploy again");
  }
  if ((st.st_mode & 07777) != 0711 && ::chmod(path.c_str(), 0711) != 0) return ErrnoStatus("chmod " + path, errno);
  return Status::Ok();
}

// lchown of `root` and everything below it; never follows a symlink.
Status ChownTree(const std::string& root, uid_t uid, gid_t gid) {
  if (::lchown(root.c_str(), uid, gid) != 0) return ErrnoStatus("chown " + root, errno);
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (::lchown(it->path().c_str(), uid, gid) != 0) return ErrnoStatus("chown " + it->path().string(), errno);
  }
  if (ec) return IoError("walking " + root + ": " + ec.message());
  return Status::Ok();
}

// Kills every process of `uid`: kill(-1) as that uid reaches exactly its
// processes (and, on Linux, not the caller itself).
Status KillEverythingOf(uid_t uid) {
  process::LaunchOptions options;
  options.argv = {"/bin/sh", "-c", "kill -KILL -1 2>/dev/null; exit 0"};
  options.env = process::CleanEnvironment("/");
  options.inherit_env = false;
  options.working_dir = "/";
  options.run_as_uid = uid;
  options.run_as_gid = static_cast<gid_t>(uid);
  auto launched = process::Launch(options);
  if (!launched.ok()) return launched.status().WithContext("stopping what uid " + std::to_string(uid) + " left");
  auto exit = (*launched)->Wait(std::chrono::seconds(10));
  if (!exit) {
    (*launched)->Stop(std::chrono::milliseconds(100));
    return Timeout("stopping what uid " + std::to_string(uid) + " left took too long");
  }
  return Status::Ok();
}

}  // namespace

bool PrepareAsOtherUser() { return ::geteuid() == 0; }

std::string WorkDirRoot(const config::NodeConfig& config, const std::string& node_uuid) {
  if (!PrepareAsOtherUser()) return config.DataDir() + "/prepare";
  return std::string(kPrepareTop) + "/" + node_uuid + "/prepare";
}

Status EnsureWorkDirParents(const std::string& work_dir) {
  if (!PrepareAsOtherUser()) return Status::Ok();
  fs::path top(kPrepareTop);
  fs::path parent = fs::path(work_dir).lexically_normal().parent_path();
  fs::path below = parent.lexically_relative(top);
  if (below.empty() || *below.begin() == "..") {
    return FailedPrecondition("work dir " + work_dir + " is not under " + kPrepareTop +
                              ", where the prepare uid can reach it");
  }
  fs::path dir = top;
  PM_RETURN_IF_ERROR(PassableRootDir(dir.string()));
  for (const auto& part : below) {
    if (part == ".") continue;
    dir /= part;
    PM_RETURN_IF_ERROR(PassableRootDir(dir.string()));
  }
  return Status::Ok();
}

Result<std::unique_ptr<PrepareUser>> PrepareUser::Acquire(uid_t uid, const std::string& work_dir, jobs::JobLog& log,
                                                          const std::function<bool()>& aborted) {
  if (uid == 0) return InvalidArgument("prepare commands never run as root (uid 0)");
  PM_RETURN_IF_ERROR(EnsureWorkDirParents(work_dir));
  std::string lock_path = std::string(kPrepareTop) + "/uid-" + std::to_string(uid) + ".lock";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus("opening " + lock_path, errno);
  // Each open() is its own lock holder, so this also keeps two jobs of this
  // very process apart.
  bool waited = false;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      ::close(fd);
      return ErrnoStatus("locking " + lock_path, err);
    }
    if (!waited) {
      log.Info("Waiting: another prepare on this host runs as uid " + std::to_string(uid) +
               " (prepare commands run one at a time as that user).");
      waited = true;
    }
    if (aborted && aborted()) {
      ::close(fd);
      return Aborted("aborted while waiting for uid " + std::to_string(uid));
    }
    std::this_thread::sleep_for(kLockPoll);
  }
  std::unique_ptr<PrepareUser> user(new PrepareUser(uid, work_dir, fd, log));
  // Whatever an earlier holder left behind (a pacemaker killed mid-prepare)
  // goes before this application's commands run as the same uid.
  Status handed = KillEverythingOf(uid);
  if (handed.ok()) handed = ChownTree(work_dir, uid, static_cast<gid_t>(uid));
  if (handed.ok() && ::chmod(work_dir.c_str(), 0700) != 0) handed = ErrnoStatus("chmod " + work_dir, errno);
  if (!handed.ok()) {
    Status released = user->Release();
    released.IgnoreError();  // the hand-over's error says more
    return handed.WithContext("handing " + work_dir + " to uid " + std::to_string(uid));
  }
  return user;
}

Status PrepareUser::Release() {
  if (lock_fd_ < 0) return Status::Ok();
  Status killed = KillEverythingOf(uid_);
  // Root's again before the lock goes (even if the kill failed: the next
  // holder's Acquire kills again), so the next holder of the uid cannot reach
  // this source before the pack job has read it.
  std::error_code ec;
  Status taken = fs::exists(fs::symlink_status(work_dir_, ec)) ? ChownTree(work_dir_, 0, 0) : Status::Ok();
  ::close(lock_fd_);
  lock_fd_ = -1;
  return killed.ok() ? taken : killed;
}

PrepareUser::~PrepareUser() {
  Status released = Release();
  if (!released.ok()) log_.Warning("Releasing the prepare uid: " + released.message());
}

}  // namespace paasmaker::pacemaker::prepare
