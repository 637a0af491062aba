// The cluster's Redis ACL users (SPEC §3) and what each may do in each store.
//
// A pacemaker creates one password per role user at its first start and
// keeps them in <data_dir>/redis_credentials.json (mode 0600), as
//   {"users": {"pacemaker": "…", "router": "…", "heart": "…"}}
// Every managed store locks the `default` user behind a throwaway password
// (see AclLines for why it is not simply off), so a client without
// credentials gets NOAUTH, and defines only the users it must serve:
//
//   store          pacemaker   router                        heart
//   table          everything  read + replicate (no writes)  -
//   stats          everything  the data commands             -
//   jobs           everything  the data commands             the data commands
//   table-replica  -           read (nginx, the node)        -
//
// "The data commands": everything but @admin and @dangerous (no CONFIG,
// FLUSHALL, KEYS, DEBUG, SHUTDOWN, MODULE …), so a stolen router or heart
// password cannot reconfigure a server or wipe it. A router's table replica
// lives on its own host and only its nginx and the node read it.
//
// Passwords are secrets: never log them or AclLines().
#pragma once

#include <string>

#include "core/result.h"

namespace paasmaker::node {

struct RedisUsers {
  std::string pacemaker;
  std::string router;
  std::string heart;

  // Reads the file in `data_dir`, creating it with fresh passwords when it
  // does not exist. A file that exists but is malformed is an error naming
  // it (never silently replaced: every node holds those passwords).
  static Result<RedisUsers> LoadOrCreate(const std::string& data_dir);
  static std::string FileIn(const std::string& data_dir) { return data_dir + "/redis_credentials.json"; }
};

// The redis.conf `user` lines of a managed store: "table", "stats", "jobs"
// (the pacemaker's) or "table-replica" (a router's; only `router` is set).
std::string AclLines(const std::string& store, const RedisUsers& users);

}  // namespace paasmaker::node
