// Which SQL backend a parameterised unit test runs on, and the one throwaway
// PostgreSQL server the whole unit_tests binary shares (initdb and start-up
// take seconds). Without PostgreSQL binaries the PostgreSQL half fails,
// naming what is missing: it must not pass silently.
//
//   class FooTest : public ::testing::TestWithParam<testing::Backend> {...};
//   INSTANTIATE_TEST_SUITE_P(Backends, FooTest, testing::BothBackends(), testing::BackendParamName);
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <ostream>
#include <string>

#include "core/sql/database.h"
#include "test_postgres.h"

namespace paasmaker::testing {

enum class Backend { kSqlite, kPostgres };

std::string BackendName(Backend backend);
void PrintTo(Backend backend, std::ostream* out);  // gtest prints the name, not a number
std::string BackendParamName(const ::testing::TestParamInfo<Backend>& info);
inline auto BothBackends() { return ::testing::Values(Backend::kSqlite, Backend::kPostgres); }

// Started on first use; stopped after the last test by a gtest Environment
// (not a static destructor, which would run after gtest, when the process
// reaper may be gone).
TestPostgres& SharedPostgres();

// An empty database: a new SQLite file under `dir`, or the shared
// PostgreSQL's database with its public schema dropped and made again (much
// cheaper than a database per test).
Result<std::unique_ptr<sql::Database>> OpenEmptyDatabase(Backend backend, const std::string& dir);

// An empty database with the pacemaker's schema (every migration applied),
// ids initialised: what the store and endpoint tests start from.
Result<std::unique_ptr<sql::Database>> OpenPacemakerDatabase(Backend backend, const std::string& dir);

}  // namespace paasmaker::testing
