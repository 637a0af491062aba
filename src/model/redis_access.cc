#include "model/redis_access.h"

#include <algorithm>

namespace paasmaker::model {

using nlohmann::json;

namespace {

json EndpointJson(const redis::Endpoint& e) {
  return {{"host", e.host}, {"port", e.port}, {"user", e.user}, {"password", e.password}};
}

Result<std::optional<redis::Endpoint>> ReadEndpoint(const json& j, const char* store) {
  if (!j.contains(store) || j[store].is_null()) return std::optional<redis::Endpoint>();
  const json& e = j[store];
  std::string where = std::string("redis.") + store;
  if (!e.is_object()) return InvalidArgument(where + ": expected an object");
  for (const char* key : {"host", "user", "password"}) {
    if (!e.contains(key) || !e[key].is_string()) return InvalidArgument(where + "." + key + ": expected a string");
  }
  if (!e.contains("port") || !e["port"].is_number_integer() || e["port"].get<int>() < 1 ||
      e["port"].get<int>() > 65535) {
    return InvalidArgument(where + ".port: expected a port number");
  }
  if (e["host"].get<std::string>().empty()) return InvalidArgument(where + ".host: must not be empty");
  redis::Endpoint endpoint;
  endpoint.host = e["host"];
  endpoint.port = e["port"];
  endpoint.user = e["user"];
  endpoint.password = e["password"];
  return std::optional<redis::Endpoint>(endpoint);
}

}  // namespace

json RedisAccess::ToJson() const {
  json j = json::object();
  if (table) j["table"] = EndpointJson(*table);
  if (stats) j["stats"] = EndpointJson(*stats);
  if (jobs) j["jobs"] = EndpointJson(*jobs);
  return j;
}

Result<RedisAccess> RedisAccess::FromJson(const json& j) {
  if (!j.is_object()) return InvalidArgument("redis: expected an object");
  RedisAccess access;
  PM_ASSIGN_OR_RETURN(access.table, ReadEndpoint(j, "table"));
  PM_ASSIGN_OR_RETURN(access.stats, ReadEndpoint(j, "stats"));
  PM_ASSIGN_OR_RETURN(access.jobs, ReadEndpoint(j, "jobs"));
  return access;
}

RedisAccess RedisHandout::For(const std::vector<std::string>& roles) const {
  auto has = [&](const char* role) { return std::find(roles.begin(), roles.end(), role) != roles.end(); };
  if (has("router")) return router;
  if (has("heart")) return heart;
  return {};
}

}  // namespace paasmaker::model
