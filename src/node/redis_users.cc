#include "node/redis_users.h"

#include <nlohmann/json.hpp>

#include "core/files.h"
#include "core/ids.h"

namespace paasmaker::node {

namespace {

using nlohmann::json;

// Redis 7 gives new users no pub/sub channels (acl-pubsub-default
// resetchannels); the job system's notifications need them, hence &*.
constexpr const char* kEverything = "~* &* +@all";
constexpr const char* kDataCommands = "~* &* +@all -@admin -@dangerous";
// A replica syncs with PSYNC/REPLCONF (admin commands) and must write nothing.
constexpr const char* kReadAndReplicate = "~* &* -@all +@read +@connection +psync +replconf +sync";
constexpr const char* kRead = "~* &* -@all +@read +@connection +info";

std::string User(const std::string& name, const std::string& password, const char* rules) {
  return "user " + name + " on >" + password + " " + rules + "\n";
}

}  // namespace

Result<RedisUsers> RedisUsers::LoadOrCreate(const std::string& data_dir) {
  std::string path = FileIn(data_dir);
  if (!files::Exists(path)) {
    RedisUsers users{ids::RandomToken(24), ids::RandomToken(24), ids::RandomToken(24)};
    json j = {{"users", {{"pacemaker", users.pacemaker}, {"router", users.router}, {"heart", users.heart}}}};
    PM_RETURN_IF_ERROR(files::WriteFileAtomically(path, j.dump(2) + "\n", 0600));
    return users;
  }
  PM_ASSIGN_OR_RETURN(std::string text, files::ReadFile(path));
  json j = json::parse(text, nullptr, false);
  RedisUsers users;
  for (auto [name, out] : {std::pair{"pacemaker", &users.pacemaker}, std::pair{"router", &users.router},
                           std::pair{"heart", &users.heart}}) {
    if (j.is_discarded() || !j.contains("users") || !j["users"].is_object() || !j["users"].contains(name) ||
        !j["users"][name].is_string() || j["users"][name].get<std::string>().empty()) {
      return InvalidArgument(path + ": users." + name + " is missing or not a string; restore the file from a backup " +
                             "(every node of the cluster uses these passwords)");
    }
    *out = j["users"][name].get<std::string>();
  }
  return users;
}

std::string AclLines(const std::string& store, const RedisUsers& users) {
  // The `default` user keeps every permission but gets a password that is
  // made here and never stored or handed out, so no client can log in as
  // it (a client without credentials gets NOAUTH). It cannot simply be
  // turned off: Redis 7.0 replays the append-only file as `default` and
  // re-checks its permissions at each EXEC, so with `default off` every
  // MULTI/EXEC (the job store's, the routing table's) would be dropped when
  // a store restarts (redis/redis#14541).
  std::string lines = User("default", ids::RandomToken(32), kEverything);
  if (store == "table-replica") return lines + User("router", users.router, kRead);
  lines += User("pacemaker", users.pacemaker, kEverything);
  if (store == "table") return lines + User("router", users.router, kReadAndReplicate);
  lines += User("router", users.router, kDataCommands);
  if (store == "jobs") lines += User("heart", users.heart, kDataCommands);
  return lines;
}

}  // namespace paasmaker::node
