// Service variables: the per-service environment variables an instance (and
// a prepare command) gets beside PM_SERVICES, so that apps written for
// Heroku or Dokku find their database without parsing JSON:
//
//   PM_SERVICE_<NAME>_URL   every service whose credentials have a "url"
//                           (NAME uppercased, anything but [A-Z0-9] as '_';
//                           service "my-db" -> PM_SERVICE_MY_DB_URL)
//   DATABASE_URL            the url of the first SQL database service (a
//                           provider naming postgres or mysql), in service
//                           name order, so it stays the same across deploys
//
// Pure function; thread safe.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace paasmaker::model {

// `services`: PM_SERVICES' object, {name: credentials + {"provider": plugin}}.
// Entries that are not objects, or whose url is not a string, add nothing.
std::map<std::string, std::string> ServiceVariables(const nlohmann::json& services);

}  // namespace paasmaker::model
