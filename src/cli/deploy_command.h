// `paasmaker deploy`: the pieces of it that tests check without a server.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace paasmaker::cli {

// What a finished prepare tree says it made. Read from the GET
// /api/v1/jobs/<id> answer: its `context` when the server sends one
// (`application_id`, `version_id`), else the root's tags
// `application:<id>` and `application_version:<id>`. Empty when neither.
struct PreparedIds {
  std::string application_id;
  std::string version_id;
};
PreparedIds IdsFromPrepareJob(const nlohmann::json& job_answer);

}  // namespace paasmaker::cli
