// Tables of applications' versions and instances, shared by `app show`,
// `version list|show|instances`.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

namespace paasmaker::cli {

// NUMBER, VERSION ID, STATE, CURRENT, CREATED — newest last, as the server sends them.
void PrintVersions(std::ostream& out, const nlohmann::json& versions);

// INSTANCE ID, STATE, NODE, PORT, CHANGED (plus TYPE when given the type names by id).
void PrintInstances(std::ostream& out, const nlohmann::json& instances,
                    const nlohmann::json& type_names = nlohmann::json::object());

}  // namespace paasmaker::cli
