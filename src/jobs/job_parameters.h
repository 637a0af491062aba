// ParameterCheck: the one way job plugins check their parameters in
// ValidateParameters (called when a job is added or grafted, so a bad tree
// is refused before anything runs). Checks run in order and the first
// problem wins; its message names the parameter, always in one wording:
//
//   return ParameterCheck(p).String("version_id").OneOf("state", {"RUNNING", "STOPPED"});
//   -> "parameters: 'version_id' is required (a non-empty string)"
//
// After validation, Run reads with StringParameter (or json's own access),
// knowing the shapes hold.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace paasmaker::jobs {

class ParameterCheck {
 public:
  // Parameters must be a JSON object.
  explicit ParameterCheck(const nlohmann::json& parameters);

  // Required non-empty string.
  ParameterCheck& String(const char* key);
  // Required string that is one of `allowed`.
  ParameterCheck& OneOf(const char* key, std::initializer_list<const char*> allowed);
  // Required list of strings.
  ParameterCheck& StringList(const char* key);
  // Optional number, at least `minimum` when given.
  ParameterCheck& OptionalNumber(const char* key, double minimum = -1e308);
  // Optional boolean.
  ParameterCheck& OptionalBool(const char* key);
  // Required, any shape (the plugin checks the shape itself with Also).
  ParameterCheck& Present(const char* key);
  // A family's own rule on the parameters, when the checks so far hold.
  ParameterCheck& Also(const std::function<Status(const nlohmann::json&)>& rule);

  Status status() const { return status_; }
  operator Status() const { return status_; }  // NOLINT: `return ParameterCheck(p)...;`

 private:
  void Fail(const char* key, const std::string& what);
  const nlohmann::json& parameters_;
  Status status_;
};

// The string at `key`, or `fallback` when absent or not a string.
std::string StringParameter(const nlohmann::json& parameters, const char* key, const std::string& fallback = "");

}  // namespace paasmaker::jobs
