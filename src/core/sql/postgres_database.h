// Private to core/sql: the PostgreSQL (libpq) backend behind
// sql::Open("postgresql://..."). Callers outside core/sql use sql::Open; see
// database.h for the contract.
#pragma once

#include <memory>
#include <string>

#include "core/sql/database.h"

namespace paasmaker::sql {

// Connects with a libpq connection string or URI. Fails with Unavailable
// when the server cannot be reached; the message never contains the password.
Result<std::unique_ptr<Database>> OpenPostgres(const std::string& conninfo);

// Rewrites `?` placeholders to $1, $2... Question marks inside string
// literals, quoted identifiers and comments are left alone. Returns the
// number of placeholders through `count`.
std::string RewritePlaceholders(const std::string& statement, int* count);

}  // namespace paasmaker::sql
