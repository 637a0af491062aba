// Export and import of a managed redis service's data (its RDB file).
//
// Export: `redis-cli --rdb` asks the live server for a fresh RDB snapshot
// (the same file a replica gets), so the dump is consistent without
// stopping the app. Import never hands the live server a file: a scratch
// redis-server on 127.0.0.1, with no persistence, loads the dump (a file
// that is not an RDB of a redis this version can read fails there, and the
// live data is untouched); every key of every database is then copied with
// DUMP/PTTL and applied to the live server in ONE MULTI/EXEC transaction
// (FLUSHALL first, then SELECT/RESTORE), so the app sees the old data or
// the new, never a mix. Meant for app-sized data (the whole set travels in
// one transaction).
//
// Passwords go to redis-cli in its environment (REDISCLI_AUTH), never on a
// command line. Thread safe (no shared state; the scratch server has a
// port and directory of its own).
#pragma once

#include <string>

#include "core/redis_client.h"
#include "core/result.h"

namespace paasmaker::pacemaker::services {

Status ExportRedis(const redis::Endpoint& live, const std::string& dump_path);
// `scratch_dir`: an empty directory for the scratch server (removed after).
Status ImportRedis(const redis::Endpoint& live, const std::string& dump_path, const std::string& scratch_dir);

}  // namespace paasmaker::pacemaker::services
