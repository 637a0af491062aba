// CheckUidCanReach: whether the uids a root heart runs instances under can
// pass through every directory down to the instances directory. Without
// that, every instance fails at start with "Permission denied" on its own
// files, long after the heart said it was ready: a data dir below /root
// (0700), or a `mktemp -d` directory, is enough.
//
// It asks the kernel rather than reading mode bits (ACLs, groups, mounts
// all count): a forked child takes the uid (gid = uid, no supplementary
// groups: how instances run) and tries to enter each directory from "/"
// down. Call as root; any thread.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/result.h"
#include "core/status.h"

namespace paasmaker::heart {

// Ok, or FailedPrecondition naming the first directory `uid` cannot enter,
// its mode and owner, and the fix.
Status CheckUidCanReach(const std::string& path, uid_t uid);

// The first directory from "/" down to `path` (included) that `uid` cannot
// enter, or "" when it reaches `path`. Errors: fork failed, or the child
// could not take the uid. `paasmaker doctor` words its own fix from it.
Result<std::string> FirstDirUidCannotEnter(const std::string& path, uid_t uid);

// " (mode 0700, owner uid 0)" for `path`, or "" when it cannot be read.
std::string ModeAndOwner(const std::string& path);

}  // namespace paasmaker::heart
