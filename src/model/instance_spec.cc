#include "model/instance_spec.h"

#include <cctype>

namespace paasmaker::model {

namespace {

using nlohmann::json;

// Readers of one key of the object `j`, which the caller has checked is an
// object; `where` is the path of `j` with its trailing dot ("instance.").
// The messages are the ones the heart gave before the spec was typed.

Status RequiredString(const json& j, const char* key, const std::string& where, std::string& out) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return InvalidArgument(where + key + ": a non-empty string is required");
  }
  out = it->get<std::string>();
  return Status::Ok();
}

Status OptionalString(const json& j, const char* key, const std::string& where, std::string& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_string()) return InvalidArgument(where + key + ": must be a string");
  out = it->get<std::string>();
  return Status::Ok();
}

Status OptionalBool(const json& j, const char* key, const std::string& where, bool& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_boolean()) return InvalidArgument(where + key + ": must be a boolean");
  out = it->get<bool>();
  return Status::Ok();
}

Status OptionalInteger(const json& j, const char* key, const std::string& where, int64_t& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number_integer()) return InvalidArgument(where + key + ": must be an integer");
  out = it->get<int64_t>();
  return Status::Ok();
}

Status OptionalObject(const json& j, const char* key, const std::string& where, json& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_object()) return InvalidArgument(where + key + ": must be an object");
  out = *it;
  return Status::Ok();
}

// Free-form values are taken as they are, whatever their type.
void FreeForm(const json& j, const char* key, json& out) {
  auto it = j.find(key);
  if (it != j.end()) out = *it;
}

Status SafeId(const json& j, const char* key, std::string& out) {
  PM_RETURN_IF_ERROR(RequiredString(j, key, "instance.", out));
  if (!IsSafeId(out)) return InvalidArgument(std::string("instance.") + key + ": only letters, digits and '-' are allowed");
  return Status::Ok();
}

Status ParseRuntime(const json& j, InstanceRuntime& out) {
  auto it = j.find("runtime");
  if (it == j.end() || !it->is_object()) return InvalidArgument("instance.runtime: an object is required");
  PM_RETURN_IF_ERROR(RequiredString(*it, "plugin", "instance.runtime.", out.plugin));
  PM_RETURN_IF_ERROR(OptionalObject(*it, "parameters", "instance.runtime.", out.parameters));
  return OptionalString(*it, "version", "instance.runtime.", out.version);
}

Status ParseStartup(const json& j, std::vector<InstanceStartupStep>& out) {
  auto it = j.find("startup");
  if (it == j.end()) return Status::Ok();
  if (!it->is_array()) return InvalidArgument("instance.startup: must be a list");
  for (const auto& item : *it) {
    if (!item.is_object()) return InvalidArgument("instance.startup: every step must be an object");
    InstanceStartupStep step;
    PM_RETURN_IF_ERROR(RequiredString(item, "plugin", "instance.startup.", step.plugin));
    PM_RETURN_IF_ERROR(OptionalObject(item, "parameters", "instance.startup.", step.parameters));
    out.push_back(std::move(step));
  }
  return Status::Ok();
}

Status ParsePackage(const json& j, InstancePackage& out) {
  auto it = j.find("package");
  if (it == j.end() || !it->is_object()) return InvalidArgument("instance.package: an object is required");
  PM_RETURN_IF_ERROR(RequiredString(*it, "url", "instance.package.", out.url));
  PM_RETURN_IF_ERROR(RequiredString(*it, "checksum", "instance.package.", out.checksum));
  return OptionalInteger(*it, "size", "instance.package.", out.size);
}

Status ParseApplication(const json& j, InstanceApplication& out) {
  auto it = j.find("application");
  if (it == j.end()) return Status::Ok();
  if (!it->is_object()) return InvalidArgument("instance.application: must be an object");
  const std::string where = "instance.application.";
  PM_RETURN_IF_ERROR(OptionalString(*it, "application_id", where, out.application_id));
  PM_RETURN_IF_ERROR(OptionalString(*it, "name", where, out.name));
  PM_RETURN_IF_ERROR(OptionalInteger(*it, "version", where, out.version));
  PM_RETURN_IF_ERROR(OptionalString(*it, "version_id", where, out.version_id));
  PM_RETURN_IF_ERROR(OptionalString(*it, "workspace", where, out.workspace));
  return OptionalString(*it, "workspace_stub", where, out.workspace_stub);
}

}  // namespace

bool IsSafeId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') return false;
  }
  return true;
}

Result<InstanceSpec> ParseInstanceSpec(const json& j) {
  if (!j.is_object()) return InvalidArgument("instance: must be an object");
  InstanceSpec spec;
  // The checks the heart always made come first, in its order, so a spec
  // with one fault is refused with the message it always got.
  PM_RETURN_IF_ERROR(SafeId(j, "instance_id", spec.instance_id));
  PM_RETURN_IF_ERROR(SafeId(j, "version_id", spec.version_id));
  PM_RETURN_IF_ERROR(OptionalBool(j, "standalone", "instance.", spec.standalone));
  PM_RETURN_IF_ERROR(ParseRuntime(j, spec.runtime));
  PM_RETURN_IF_ERROR(ParseStartup(j, spec.startup));
  PM_RETURN_IF_ERROR(ParsePackage(j, spec.package));
  PM_RETURN_IF_ERROR(OptionalString(j, "instance_type_id", "instance.", spec.instance_type_id));
  PM_RETURN_IF_ERROR(OptionalString(j, "instance_type", "instance.", spec.instance_type));
  PM_RETURN_IF_ERROR(OptionalBool(j, "exclusive", "instance.", spec.exclusive));
  PM_RETURN_IF_ERROR(ParseApplication(j, spec.application));
  FreeForm(j, "workspace_tags", spec.workspace_tags);
  FreeForm(j, "node_tags", spec.node_tags);
  FreeForm(j, "services", spec.services);
  auto cron = j.find("cron");
  if (cron != j.end()) {
    if (!cron->is_object()) return InvalidArgument("instance.cron: must be an object");
    PM_RETURN_IF_ERROR(OptionalString(*cron, "secret", "instance.cron.", spec.cron_secret));
  }
  return spec;
}

json ToJson(const InstanceApplication& a) {
  return json{{"application_id", a.application_id}, {"name", a.name},
              {"version", a.version},               {"version_id", a.version_id},
              {"workspace", a.workspace},           {"workspace_stub", a.workspace_stub}};
}

json ToJson(const InstanceSpec& spec) {
  json startup = json::array();
  for (const auto& step : spec.startup) startup.push_back({{"plugin", step.plugin}, {"parameters", step.parameters}});
  return json{{"instance_id", spec.instance_id},
              {"instance_type_id", spec.instance_type_id},
              {"version_id", spec.version_id},
              {"application", ToJson(spec.application)},
              {"workspace_tags", spec.workspace_tags},
              {"node_tags", spec.node_tags},
              {"instance_type", spec.instance_type},
              {"runtime", {{"plugin", spec.runtime.plugin},
                           {"version", spec.runtime.version},
                           {"parameters", spec.runtime.parameters}}},
              {"startup", startup},
              {"standalone", spec.standalone},
              {"exclusive", spec.exclusive},
              {"package", {{"url", spec.package.url},
                           {"checksum", spec.package.checksum},
                           {"size", spec.package.size}}},
              {"services", spec.services},
              {"cron", {{"secret", spec.cron_secret}}}};
}

void to_json(json& j, const InstanceSpec& spec) { j = ToJson(spec); }

}  // namespace paasmaker::model
