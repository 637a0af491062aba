#include "jobs/job_parameters.h"

#include <fmt/format.h>

namespace paasmaker::jobs {

using nlohmann::json;

ParameterCheck::ParameterCheck(const json& parameters) : parameters_(parameters) {
  if (!parameters_.is_object()) status_ = InvalidArgument("parameters: must be an object");
}

void ParameterCheck::Fail(const char* key, const std::string& what) {
  status_ = InvalidArgument(std::string("parameters: '") + key + "' " + what);
}

ParameterCheck& ParameterCheck::String(const char* key) {
  if (!status_.ok()) return *this;
  auto it = parameters_.find(key);
  if (it == parameters_.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    Fail(key, "is required (a non-empty string)");
  }
  return *this;
}

ParameterCheck& ParameterCheck::OneOf(const char* key, std::initializer_list<const char*> allowed) {
  String(key);
  if (!status_.ok()) return *this;
  const std::string& value = parameters_[key].get_ref<const std::string&>();
  std::string choices;
  for (const char* choice : allowed) {
    if (value == choice) return *this;
    choices += (choices.empty() ? "" : ", ") + std::string(choice);
  }
  Fail(key, "must be one of " + choices + " (not '" + value + "')");
  return *this;
}

ParameterCheck& ParameterCheck::StringList(const char* key) {
  if (!status_.ok()) return *this;
  auto it = parameters_.find(key);
  if (it == parameters_.end() || !it->is_array()) {
    Fail(key, "is required (a list of strings)");
    return *this;
  }
  for (const auto& item : *it) {
    if (!item.is_string()) {
      Fail(key, "must hold only strings");
      break;
    }
  }
  return *this;
}

ParameterCheck& ParameterCheck::OptionalNumber(const char* key, double minimum) {
  if (!status_.ok()) return *this;
  auto it = parameters_.find(key);
  if (it == parameters_.end()) return *this;
  if (!it->is_number()) {
    Fail(key, "must be a number");
  } else if (it->get<double>() < minimum) {
    Fail(key, fmt::format("must be at least {}", minimum));
  }
  return *this;
}

ParameterCheck& ParameterCheck::OptionalBool(const char* key) {
  if (!status_.ok()) return *this;
  auto it = parameters_.find(key);
  if (it != parameters_.end() && !it->is_boolean()) Fail(key, "must be true or false");
  return *this;
}

ParameterCheck& ParameterCheck::Present(const char* key) {
  if (status_.ok() && !parameters_.contains(key)) Fail(key, "is required");
  return *this;
}

ParameterCheck& ParameterCheck::Also(const std::function<Status(const json&)>& rule) {
  if (status_.ok()) status_ = rule(parameters_);
  return *this;
}

std::string StringParameter(const json& parameters, const char* key, const std::string& fallback) {
  if (!parameters.is_object()) return fallback;
  auto it = parameters.find(key);
  return it != parameters.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace paasmaker::jobs
