// The pacemaker's SQL schema as numbered migrations (portable between SQLite
// and PostgreSQL: UUID text keys, no engine-specific types).
#pragma once

#include <chrono>
#include <vector>

#include "core/sql/database.h"

namespace paasmaker::pacemaker {

const std::vector<sql::Migration>& SchemaMigrations();

inline double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace paasmaker::pacemaker
