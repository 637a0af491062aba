// The pacemaker's SQL schema as numbered migrations (portable between SQLite
// and PostgreSQL: UUID text keys, no engine-specific types).
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "core/sql/database.h"

namespace paasmaker::pacemaker {

const std::vector<sql::Migration>& SchemaMigrations();

inline double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Runs a `SELECT <key>, COUNT(*) AS n ... GROUP BY <key>` statement and
// returns key -> n (the first column that is not `n` is the key).
inline Result<std::map<std::string, int64_t>> CountByColumn(sql::Database& db, const std::string& statement) {
  PM_ASSIGN_OR_RETURN(auto rows, db.Query(statement));
  std::map<std::string, int64_t> counts;
  for (const auto& row : rows) {
    for (const auto& [column, value] : row.columns()) {
      if (column != "n") counts[row.GetString(column)] = row.GetInt("n");
    }
  }
  return counts;
}

}  // namespace paasmaker::pacemaker
