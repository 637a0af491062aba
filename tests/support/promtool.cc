#include "promtool.h"

#include <unistd.h>

#include <sstream>

#include "core/files.h"
#include "core/process.h"
#include "temp_dir.h"

namespace paasmaker::testing {

Status PromtoolCheck(const std::string& exposition) {
  if (::access(kPromtool, X_OK) != 0) {
    return FailedPrecondition(std::string(kPromtool) + " is missing: install Debian's prometheus package (scripts/install-deps)");
  }
  TempDir dir("pm-promtool");
  std::string file = dir / "metrics.txt";
  PM_RETURN_IF_ERROR(files::WriteFileAtomically(file, exposition));
  // promtool reads the exposition on stdin only.
  process::LaunchOptions options;
  options.argv = {"/bin/sh", "-c", std::string(kPromtool) + " check metrics < \"$1\"", "sh", file};
  PM_ASSIGN_OR_RETURN(auto run, process::Run(options, std::chrono::seconds(30)));
  if (!run.exit.exited || run.exit.exit_code != 0 || !run.output.empty()) {
    return InvalidArgument("promtool check metrics " + run.exit.Describe() + ": " + run.output);
  }
  return Status::Ok();
}

// The sum of every sample of `name` whose labels include all of `want`
// (NaN-free: our expositions hold plain numbers).
double MetricSum(const std::string& text, const std::string& name, const std::map<std::string, std::string>& want) {
  double sum = 0;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos || line.substr(0, name_end) != name) continue;
    // Labels: key="value" pairs; values may hold '}' (route="/x/{}") and
    // escaped quotes, so scan them rather than search for the brace.
    std::map<std::string, std::string> labels;
    size_t at = name_end;
    if (line[at] == '{') {
      ++at;
      while (at < line.size() && line[at] != '}') {
        size_t eq = line.find("=\"", at);
        if (eq == std::string::npos) break;
        std::string key = line.substr(at, eq - at), value;
        for (at = eq + 2; at < line.size() && line[at] != '"'; ++at) {
          if (line[at] == '\\' && at + 1 < line.size()) ++at;
          value += line[at];
        }
        labels[key] = value;
        at += 1;                                   // the closing quote
        if (at < line.size() && line[at] == ',') ++at;
      }
      if (at >= line.size()) continue;
      ++at;  // '}'
    }
    bool match = true;
    for (const auto& [key, value] : want) match = match && labels.count(key) && labels[key] == value;
    if (match) sum += std::stod(line.substr(at));
  }
  return sum;
}

}  // namespace paasmaker::testing
