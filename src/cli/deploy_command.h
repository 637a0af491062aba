// `paasmaker deploy`: the pieces of it that tests check without a server.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace paasmaker::cli {

// What a finished prepare tree says it made: the `context` fields
// `application_id` and `version_id` of the GET /api/v1/jobs/<id> answer.
// Empty when the answer has none.
struct PreparedIds {
  std::string application_id;
  std::string version_id;
};
PreparedIds IdsFromPrepareJob(const nlohmann::json& job_answer);

}  // namespace paasmaker::cli
