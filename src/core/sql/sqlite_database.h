// Private to core/sql: the SQLite3 backend behind sql::Open("sqlite:...").
// Callers outside core/sql use sql::Open; see database.h for the contract.
#pragma once

#include <memory>
#include <string>

#include "core/sql/database.h"

namespace paasmaker::sql {

// Opens (creating the file and its parent directory if missing) the SQLite
// database at `path` in WAL mode with foreign keys on. ":memory:" opens a
// private in-memory database (no WAL there).
Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path);

}  // namespace paasmaker::sql
