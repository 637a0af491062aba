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

#include "core/status.h"

namespace paasmaker::heart {

// Ok, or FailedPrecondition naming the first directory `uid` cannot enter,
// its mode and owner, and the fix.
Status CheckUidCanReach(const std::string& path, uid_t uid);

}  // namespace paasmaker::heart
