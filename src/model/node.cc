#include "model/node.h"

#include <algorithm>

namespace paasmaker::model {

bool Node::HasRole(const std::string& role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Node::Reaches(const std::string& directory) const {
  for (std::string shared : shared_directories) {
    while (shared.size() > 1 && shared.back() == '/') shared.pop_back();
    if (directory == shared || (directory.rfind(shared + "/", 0) == 0)) return true;
  }
  return false;
}

nlohmann::json Node::ToJson() const {
  return {{"uuid", uuid},   {"name", name},         {"route", route},   {"api_port", api_port},
          {"roles", roles}, {"tags", tags},         {"runtimes", runtimes}, {"stats", stats},
          {"shared_directories", shared_directories},
          {"score", score}, {"state", state},       {"last_heard", last_heard}, {"created", created}};
}

}  // namespace paasmaker::model
