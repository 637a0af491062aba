// `paasmaker health history`: the table of recent health-check runs, apart
// from the command so its formatting is unit tested.
#pragma once

#include <ostream>

#include <nlohmann/json.hpp>

namespace paasmaker::cli {

// STARTED, GROUP, STATE, TOOK, JOB ID, ACTIONS for the data of
// GET /api/v1/health/history ({"runs": [...], "scanned": N}), newest first as
// sent; a run with several actions continues on the next lines, "-" for none.
void PrintHealthHistory(std::ostream& out, const nlohmann::json& data, bool only_actions);

}  // namespace paasmaker::cli
