#include "heart/instance_catalog.h"

#include <set>

#include "core/files.h"

namespace paasmaker::heart {

nlohmann::json InstanceEntry::ToJson() const {
  return {{"spec", model::ToJson(spec)}, {"state", state},         {"port", port},
          {"pid", pid},                   {"restarts", restarts},   {"last_exit", last_exit},
          {"changed", changed},           {"uid", uid}};
}

Result<InstanceEntry> InstanceEntry::FromJson(const nlohmann::json& j) {
  if (!j.is_object()) return InvalidArgument("a catalog entry must be an object");
  InstanceEntry e;
  auto spec = model::ParseInstanceSpec(j.value("spec", nlohmann::json::object()));
  if (!spec.ok()) return spec.status().WithContext("spec");
  e.spec = std::move(*spec);
  try {
    e.state = j.value("state", std::string(kRegistered));
    e.port = j.value("port", 0);
    e.pid = j.value("pid", 0);
    e.restarts = j.value("restarts", 0);
    e.last_exit = j.value("last_exit", std::string());
    e.changed = j.value("changed", 0.0);
    e.uid = j.value("uid", -1);
  } catch (const nlohmann::json::exception& ex) {
    return InvalidArgument(std::string("bad catalog entry: ") + ex.what());
  }
  return e;
}

Status InstanceCatalog::Load() {
  entries_.clear();
  if (!files::Exists(path_)) return Status::Ok();
  PM_ASSIGN_OR_RETURN(std::string text, files::ReadFile(path_));
  nlohmann::json doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("instances") || !doc["instances"].is_object()) {
    return InvalidArgument("catalog " + path_ + " is not a valid catalog file");
  }
  for (const auto& [id, value] : doc["instances"].items()) {
    auto entry = InstanceEntry::FromJson(value);
    if (!entry.ok()) return entry.status().WithContext("catalog " + path_ + ", instance " + id);
    entries_[id] = std::move(*entry);
  }
  return Status::Ok();
}

Status InstanceCatalog::Save() const {
  nlohmann::json instances = nlohmann::json::object();
  for (const auto& [id, entry] : entries_) instances[id] = entry.ToJson();
  nlohmann::json doc = {{"version", 1}, {"instances", instances}};
  // 0600: the specs hold service credentials (docs/lifecycle.md).
  return files::WriteFileAtomically(
      path_, doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace), 0600);
}

InstanceEntry* InstanceCatalog::Find(const std::string& instance_id) {
  auto it = entries_.find(instance_id);
  return it == entries_.end() ? nullptr : &it->second;
}

const InstanceEntry* InstanceCatalog::Find(const std::string& instance_id) const {
  auto it = entries_.find(instance_id);
  return it == entries_.end() ? nullptr : &it->second;
}

void InstanceCatalog::Put(const std::string& instance_id, InstanceEntry entry) {
  entries_[instance_id] = std::move(entry);
}

void InstanceCatalog::Remove(const std::string& instance_id) { entries_.erase(instance_id); }

Result<int> InstanceCatalog::AllocatePort(int minimum, int maximum,
                                          const std::function<bool(int)>& is_free) const {
  std::set<int> held;
  for (const auto& [id, entry] : entries_) {
    if (entry.port > 0) held.insert(entry.port);
  }
  for (int port = minimum; port <= maximum; ++port) {
    if (held.count(port) == 0 && is_free(port)) return port;
  }
  return FailedPrecondition("no free port left in misc_ports " + std::to_string(minimum) + "-" +
                            std::to_string(maximum));
}

Result<int> InstanceCatalog::AllocateUid(int minimum, int maximum) const {
  std::set<int> held;
  for (const auto& [id, entry] : entries_) {
    if (entry.uid >= 0) held.insert(entry.uid);
  }
  for (int uid = minimum; uid <= maximum; ++uid) {
    if (held.count(uid) == 0) return uid;
  }
  return FailedPrecondition("no free instance uid left in " + std::to_string(minimum) + "-" +
                            std::to_string(maximum));
}

}  // namespace paasmaker::heart
