#include "model/runtime_versions.h"

#include <cctype>

namespace paasmaker::model {

bool VersionMatches(const std::string& requested, const std::string& offered) {
  if (requested.empty() || requested == offered) return true;
  return offered.size() > requested.size() && offered.compare(0, requested.size(), requested) == 0 &&
         offered[requested.size()] == '.';
}

bool AnyVersionMatches(const std::string& requested, const std::vector<std::string>& offered) {
  for (const auto& version : offered) {
    if (VersionMatches(requested, version)) return true;
  }
  return false;
}

std::optional<std::string> ParseInterpreterVersion(std::string_view output) {
  auto digit = [&](size_t i) { return i < output.size() && std::isdigit(static_cast<unsigned char>(output[i])); };
  for (size_t start = 0; start < output.size(); ++start) {
    if (!digit(start)) continue;
    // A number inside a word ("x86_64", "p20") is not a version.
    if (start > 0) {
      char before = output[start - 1];
      bool word = std::isalnum(static_cast<unsigned char>(before)) || before == '_' || before == '.';
      if (word && !(before == 'v' && (start == 1 || !std::isalnum(static_cast<unsigned char>(output[start - 2]))))) {
        while (digit(start)) ++start;
        continue;
      }
    }
    size_t end = start;
    int parts = 0;
    while (digit(end)) {
      while (digit(end)) ++end;
      ++parts;
      if (end + 1 < output.size() && output[end] == '.' && digit(end + 1)) {
        ++end;
      } else {
        break;
      }
    }
    if (parts >= 2) return std::string(output.substr(start, end - start));
    start = end;
  }
  return std::nullopt;
}

}  // namespace paasmaker::model
