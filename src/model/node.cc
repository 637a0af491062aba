#include "model/node.h"

#include <algorithm>

namespace paasmaker::model {

bool Node::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

nlohmann::json Node::ToJson() const {
  return {{"uuid", uuid},   {"name", name},         {"route", route},   {"api_port", api_port},
          {"roles", roles}, {"tags", tags},         {"runtimes", runtimes}, {"stats", stats},
          {"score", score}, {"state", state},       {"last_heard", last_heard}, {"created", created}};
}

}  // namespace paasmaker::model
