#include "core/clean_environment.h"

namespace paasmaker::process {

std::map<std::string, std::string> CleanEnvironment(const std::string& home) {
  return {{"HOME", home}, {"LANG", kLang}, {"PATH", kSystemPath}};
}

}  // namespace paasmaker::process
