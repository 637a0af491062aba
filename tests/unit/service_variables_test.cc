#include "model/service_variables.h"

#include <gtest/gtest.h>

namespace paasmaker::model {
namespace {

using nlohmann::json;

TEST(ServiceVariablesTest, EveryUrlGetsAVariableAndTheFirstSqlDatabaseIsDatabaseUrl) {
  json services = {
      {"cache", {{"provider", "paasmaker.service.managedredis"}, {"host", "10.0.0.2"}}},  // no url: nothing
      {"main-db", {{"provider", "paasmaker.service.managedpostgres"}, {"url", "postgresql://a@h:1/x"}}},
      {"other.db", {{"provider", "paasmaker.service.mysql"}, {"url", "mysql://b@h:2/y"}}},
      {"api", {{"provider", "paasmaker.service.parameters"}, {"url", "https://api.example.com"}}},
  };
  auto env = ServiceVariables(services);
  EXPECT_EQ(env, (std::map<std::string, std::string>{
                     {"PM_SERVICE_API_URL", "https://api.example.com"},
                     {"PM_SERVICE_MAIN_DB_URL", "postgresql://a@h:1/x"},
                     {"PM_SERVICE_OTHER_DB_URL", "mysql://b@h:2/y"},
                     // by name: main-db before other.db; a parameters url is not a database
                     {"DATABASE_URL", "postgresql://a@h:1/x"},
                 }));
}

TEST(ServiceVariablesTest, NoDatabaseNoDatabaseUrlAndJunkIsIgnored) {
  EXPECT_TRUE(ServiceVariables(json::object()).empty());
  EXPECT_TRUE(ServiceVariables(json::array()).empty());
  auto env = ServiceVariables({{"a", 3}, {"b", {{"url", 7}}}, {"c", {{"url", "redis://h"}}}});
  EXPECT_EQ(env, (std::map<std::string, std::string>{{"PM_SERVICE_C_URL", "redis://h"}}));
}

}  // namespace
}  // namespace paasmaker::model
