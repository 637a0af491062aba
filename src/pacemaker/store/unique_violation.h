// Whether a failed INSERT/UPDATE broke a UNIQUE constraint, on either SQL
// backend (SQLite says "UNIQUE constraint failed", PostgreSQL "duplicate key
// value violates unique constraint"), so a store can answer AlreadyExists
// naming the field instead of passing the database's words on.
#pragma once

#include <string>

#include "core/status.h"

namespace paasmaker::pacemaker {

inline bool IsUniqueViolation(const Status& s) {
  const std::string& m = s.message();
  return m.find("UNIQUE") != std::string::npos || m.find("unique") != std::string::npos ||
         m.find("duplicate") != std::string::npos;
}

}  // namespace paasmaker::pacemaker
