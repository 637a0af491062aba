// A node as the pacemaker knows it (SPEC §1).
//
//   register/report        shutdown notice
//   ───────────────► ACTIVE ─────────────► STOPPED
//                      │  ▲
//   silent for node_   │  │ reports again
//   down_timeout       ▼  │
//                      DOWN
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace paasmaker::model {

inline constexpr const char* kNodeActive = "ACTIVE";
inline constexpr const char* kNodeStopped = "STOPPED";
inline constexpr const char* kNodeDown = "DOWN";

struct Node {
  std::string uuid;
  std::string name;
  std::string route;  // address other nodes use
  int api_port = 0;
  std::vector<std::string> roles;
  nlohmann::json tags = nlohmann::json::object();      // static + generated
  nlohmann::json runtimes = nlohmann::json::object();  // plugin -> [versions]
  nlohmann::json stats = nlohmann::json::object();     // load, memory, disk
  std::vector<std::string> shared_directories;         // heart.shared_directories it has mounted
  double score = 0;                                    // lower is better
  std::string state = kNodeActive;
  double last_heard = 0;  // unix seconds
  double created = 0;

  bool HasRole(const std::string& role) const;
  // `directory` is one of shared_directories or below one.
  bool Reaches(const std::string& directory) const;
  nlohmann::json ToJson() const;
};

}  // namespace paasmaker::model
