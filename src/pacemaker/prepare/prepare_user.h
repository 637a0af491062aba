// PrepareUser: the unprivileged user that prepare commands run as when the
// pacemaker is root. Prepare commands are the application's own shell
// commands; they must never run as root.
//
// They run as pacemaker.prepare_uid (gid the same, no supplementary groups),
// an id with no passwd entry kept for this alone. Every application shares
// that one uid, so a PrepareUser holds it exclusively, host-wide:
//
//   Acquire ── flock <kTop>/uid-<uid>.lock (waits; the job's abort is honoured)
//      │      work_dir handed to the uid: chown -R uid:uid, 0700
//      ▼
//   the prepare commands run as uid:uid in work_dir
//      │
//   Release ── every process the uid still has is killed (kill -KILL -1 as it)
//             work_dir taken back: chown -R 0:0
//             unlock
//
// so nothing one application's commands started lives on into another's
// prepare, and no later prepare (same uid) can reach an earlier version's
// source before the pack job (root) has read it.
//
// Where work dirs live (WorkDirRoot): <data_dir>/prepare when the pacemaker is
// not root. As root, the uid must pass through every directory above its work
// dir, but the data dir is 0700 on a pacemaker without a heart (node/daemon.cc)
// and may itself sit under a 0700 parent (/root, a mktemp -d). So a root
// pacemaker keeps work dirs in kTop/<node uuid>/prepare/<id> instead: /var/tmp
// is on disk (sources can be large) and every directory from kTop down is
// root-owned 0711 (passable, not listable). kTop is in a world-writable dir,
// so EnsureWorkDirParents refuses one that is not a real directory owned by
// root and writable by root only (someone else may have made it first).
//
// Thread safety: free functions and a PrepareUser may be used from any job
// worker thread; one PrepareUser belongs to one job.
#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>

#include "config/node_config.h"
#include "core/result.h"
#include "jobs/job_logs.h"

namespace paasmaker::pacemaker::prepare {

// The directory below which a root pacemaker keeps its prepare work dirs.
inline constexpr const char* kPrepareTop = "/var/tmp/paasmaker-prepare";

// True when prepare commands must run as another user (this process is root).
bool PrepareAsOtherUser();

// The directory work dirs are made in: <data_dir>/prepare, or (root)
// kPrepareTop/<node_uuid>/prepare.
std::string WorkDirRoot(const config::NodeConfig& config, const std::string& node_uuid);

// Root only, for a work dir under kPrepareTop: makes every directory from
// kPrepareTop down to work_dir's parent a root-owned 0711 directory.
// FailedPrecondition when one exists but is not a directory (a symlink
// included), is not root's, or is writable by others. Not root: Ok.
Status EnsureWorkDirParents(const std::string& work_dir);

class PrepareUser {
 public:
  // Waits (logging why) until no other prepare holds `uid` on this host, then
  // hands `work_dir` (under kPrepareTop) to it. Aborted when `aborted` turns
  // true while waiting; FailedPrecondition for a work dir outside kPrepareTop.
  static Result<std::unique_ptr<PrepareUser>> Acquire(uid_t uid, const std::string& work_dir, jobs::JobLog& log,
                                                      const std::function<bool()>& aborted);
  ~PrepareUser();  // Release(), its problems logged
  PrepareUser(const PrepareUser&) = delete;
  PrepareUser& operator=(const PrepareUser&) = delete;

  uid_t uid() const { return uid_; }
  // Kills what the uid left running, takes work_dir back, unlocks. Once;
  // later calls return Ok.
  Status Release();

 private:
  PrepareUser(uid_t uid, std::string work_dir, int lock_fd, jobs::JobLog& log)
      : uid_(uid), work_dir_(std::move(work_dir)), lock_fd_(lock_fd), log_(log) {}

  uid_t uid_;
  std::string work_dir_;
  int lock_fd_;
  jobs::JobLog& log_;
};

}  // namespace paasmaker::pacemaker::prepare
