#include "pacemaker/lifecycle/routing_table.h"

#include <algorithm>
#include <cctype>

namespace paasmaker::pacemaker::lifecycle {

namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// KEYS: hostnames; ARGV[1] entry, ARGV[2] instance id.
constexpr const char* kAddScript = R"lua(
for _, host in ipairs(KEYS) do
  redis.call('SADD', 'instances:' .. host, ARGV[1])
  redis.call('SADD', 'instance_ids:' .. host, ARGV[2])
end
return redis.call('INCR', 'serial')
)lua";

// KEYS: hostnames; ARGV[1] instance id. Entries end with "#<instance id>".
constexpr const char* kRemoveScript = R"lua(
local suffix = '#' .. ARGV[1]
for _, host in ipairs(KEYS) do
  local key = 'instances:' .. host
  for _, entry in ipairs(redis.call('SMEMBERS', key)) do
    if string.sub(entry, -string.len(suffix)) == suffix then redis.call('SREM', key, entry) end
  end
  redis.call('SREM', 'instance_ids:' .. host, ARGV[1])
end
return redis.call('INCR', 'serial')
)lua";

// KEYS[1] hostname; ARGV[1] entry, ARGV[2] instance id. Makes the entry the
// hostname's only one; an unchanged hostname keeps its serial.
constexpr const char* kPublishScript = R"lua(
local key = 'instances:' .. KEYS[1]
local members = redis.call('SMEMBERS', key)
if #members == 1 and members[1] == ARGV[1] then return tonumber(redis.call('GET', 'serial') or '0') end
redis.call('DEL', key, 'instance_ids:' .. KEYS[1])
redis.call('SADD', key, ARGV[1])
redis.call('SADD', 'instance_ids:' .. KEYS[1], ARGV[2])
return redis.call('INCR', 'serial')
)lua";

Result<int64_t> RunScript(redis::Client* client, const char* script, const std::vector<std::string>& hostnames,
                          const std::vector<std::string>& args) {
  std::vector<std::string> command = {"EVAL", script, std::to_string(hostnames.size())};
  for (const auto& h : hostnames) command.push_back(Lower(h));
  command.insert(command.end(), args.begin(), args.end());
  PM_ASSIGN_OR_RETURN(auto reply, client->Command(command));
  return reply.integer;
}

}  // namespace

std::string RouteEntry(const std::string& address, int64_t port, const std::string& version_type_id,
                       const std::string& node_uuid, const std::string& instance_id) {
  return address + ":" + std::to_string(port) + "#" + version_type_id + "#" + node_uuid + "#" + instance_id;
}

std::string VersionHostname(const HostnameParts& p) {
  return Lower(std::to_string(p.version_number) + "." + TypeHostname(p));
}

std::string TypeHostname(const HostnameParts& p) {
  return Lower(p.type_name + "." + p.application_name + "." + p.workspace_stub + "." + p.cluster_hostname);
}

Result<int64_t> RoutingTable::Add(const std::vector<std::string>& hostnames, const std::string& entry,
                                  const std::string& instance_id) {
  return RunScript(client_, kAddScript, hostnames, {entry, instance_id});
}

Result<int64_t> RoutingTable::Remove(const std::vector<std::string>& hostnames, const std::string& instance_id) {
  return RunScript(client_, kRemoveScript, hostnames, {instance_id});
}

Result<int64_t> RoutingTable::Publish(const std::string& hostname, const std::string& entry,
                                      const std::string& instance_id) {
  return RunScript(client_, kPublishScript, {hostname}, {entry, instance_id});
}

Result<nlohmann::json> RoutingTable::Dump() {
  nlohmann::json routes = nlohmann::json::object();
  std::string cursor = "0";
  do {
    PM_ASSIGN_OR_RETURN(auto page, client_->Command({"SCAN", cursor, "MATCH", "instances:*", "COUNT", "500"}));
    if (page.elements.size() != 2) return Internal("unexpected SCAN reply");
    cursor = page.elements[0].str;
    for (const auto& key : page.elements[1].elements) {
      PM_ASSIGN_OR_RETURN(auto members, client_->Command({"SMEMBERS", key.str}));
      std::vector<std::string> entries;
      for (const auto& m : members.elements) entries.push_back(m.str);
      std::sort(entries.begin(), entries.end());
      if (!entries.empty()) routes[key.str.substr(std::string("instances:").size())] = entries;
    }
  } while (cursor != "0");
  PM_ASSIGN_OR_RETURN(auto serial, client_->Command({"GET", "serial"}));
  int64_t serial_value = serial.type == redis::Reply::Type::kString ? std::stoll(serial.str) : 0;
  return nlohmann::json{{"serial", serial_value}, {"routes", routes}};
}

}  // namespace paasmaker::pacemaker::lifecycle
